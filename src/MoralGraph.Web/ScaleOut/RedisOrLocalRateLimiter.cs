using System.Threading.RateLimiting;

namespace MoralGraph.Web.ScaleOut;

/// <summary>
/// A rate limiter that asks the shared (Redis) one and, when Redis does not answer, this instance's own: a participant's
/// request is never refused, nor failed with a 500, because Redis blinked (<see cref="RedisFallback"/>). The local limiter
/// is made on the first outage only, so partitions that never need it hold no timer. Also gives the shared limiter's
/// retry-after (whole seconds under the library's own metadata name) as the <see cref="MetadataName.RetryAfter"/>
/// <see cref="TimeSpan"/> the app's 429 answer reads.
/// </summary>
public sealed class RedisOrLocalRateLimiter(RateLimiter shared, Func<RateLimiter> createLocal, RedisFallback fallback) : RateLimiter
{
    private readonly Lazy<RateLimiter> _local = new(createLocal);

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => (shared.IdleDuration, _local.IsValueCreated ? _local.Value.IdleDuration : TimeSpan.MaxValue) switch
    {
        ({ } sharedIdle, { } localIdle) => sharedIdle < localIdle ? sharedIdle : localIdle,
        _ => null,
    };

    /// <inheritdoc />
    // The shared limiter cannot count without a round trip, so statistics would be this instance's guess.
    public override RateLimiterStatistics? GetStatistics() => null;

    /// <inheritdoc />
    // Synchronously nothing can be known: refusing here makes ASP.NET Core's middleware ask AcquireAsync, which asks Redis.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Refused.Instance;

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            return new SharedLease(await shared.AcquireAsync(permitCount, cancellationToken));
        }
        catch (Exception e) when (RedisFallback.IsOutage(e))
        {
            fallback.FellBack("participant API rate limit", e);
            return await _local.Value.AcquireAsync(permitCount, cancellationToken);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            if (_local.IsValueCreated)
            {
                _local.Value.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeAsyncCore()
    {
        await shared.DisposeAsync();
        if (_local.IsValueCreated)
        {
            await _local.Value.DisposeAsync();
        }

        await base.DisposeAsyncCore();
    }

    private sealed class Refused : RateLimitLease
    {
        public static readonly Refused Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private sealed class SharedLease(RateLimitLease lease) : RateLimitLease
    {
        public override bool IsAcquired => lease.IsAcquired;

        public override IEnumerable<string> MetadataNames => lease.MetadataNames.Append(MetadataName.RetryAfter.Name);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == MetadataName.RetryAfter.Name)
            {
                var found = lease.TryGetMetadata(RedisRateLimiting.RateLimitMetadataName.RetryAfter, out var seconds);
                metadata = found ? TimeSpan.FromSeconds(seconds) : null;
                return found;
            }

            return lease.TryGetMetadata(metadataName, out metadata);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                lease.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
