using System.Threading.RateLimiting;

namespace MoralGraph.Web.Security;

/// <summary>
/// Where a rate limit's token buckets live: in this process by default (<see cref="InMemoryTokenBucketPartitions"/>), in
/// Redis when several instances must share them (<c>RedisTokenBucketPartitions</c>, registered by <c>AddRedisScaleOut</c>).
/// </summary>
public interface ITokenBucketPartitions
{
    /// <summary>
    /// The partition of <paramref name="key"/> (a participant, an address) with a bucket of <paramref name="bucket"/>'s size and
    /// pace; <paramref name="bucket"/>'s queue settings apply to the in-memory bucket only (the shared one never queues).
    /// </summary>
    RateLimitPartition<string> Partition(string key, TokenBucketRateLimiterOptions bucket);
}

/// <summary>Token buckets in this process, as ASP.NET Core's <see cref="RateLimitPartition.GetTokenBucketLimiter{TKey}"/> keeps them.</summary>
public sealed class InMemoryTokenBucketPartitions : ITokenBucketPartitions
{
    /// <inheritdoc />
    public RateLimitPartition<string> Partition(string key, TokenBucketRateLimiterOptions bucket) => RateLimitPartition.GetTokenBucketLimiter(key, _ => bucket);
}
