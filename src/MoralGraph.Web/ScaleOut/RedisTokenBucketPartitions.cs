using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using MoralGraph.Web.Security;
using RedisRateLimiting;

namespace MoralGraph.Web.ScaleOut;

/// <summary>
/// Token buckets every instance shares, kept in Redis by the RedisRateLimiting library's
/// <see cref="RedisTokenBucketRateLimiter{TKey}"/> (one Lua script per request takes the token atomically and refills the
/// bucket by the time passed, as the in-memory bucket does). Each is wrapped in a <see cref="RedisOrLocalRateLimiter"/>:
/// while Redis does not answer, this instance's own bucket of the same size decides (<see cref="RedisFallback"/>).
/// </summary>
public sealed class RedisTokenBucketPartitions(RedisConnection redis, RedisFallback fallback, IOptions<RedisScaleOutOptions> options) : ITokenBucketPartitions
{
    private readonly string _prefix = options.Value.Prefix;

    /// <inheritdoc />
    public RateLimitPartition<string> Partition(string key, TokenBucketRateLimiterOptions bucket) => RateLimitPartition.Get(key, partition =>
        new RedisOrLocalRateLimiter(
            // The library names its keys rl:tb:{partition}: the prefix keeps deployments sharing a server apart.
            new RedisTokenBucketRateLimiter<string>($"{_prefix}:{partition}", new RedisTokenBucketRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis.Multiplexer,
                TokenLimit = bucket.TokenLimit,
                TokensPerPeriod = bucket.TokensPerPeriod,
                ReplenishmentPeriod = bucket.ReplenishmentPeriod,
            }),
            () => new TokenBucketRateLimiter(bucket),
            fallback));
}
