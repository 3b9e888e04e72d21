using Microsoft.Extensions.Options;
using MoralGraph.Web.Access;
using StackExchange.Redis;

namespace MoralGraph.Web.ScaleOut;

/// <summary>
/// The sign-in throttle every instance shares: <see cref="LoginThrottle"/>'s limits, window, lock and messages, its
/// counts kept in Redis, so guesses spread over the instances behind a load balancer add up. Each name and address is a
/// sorted set of failure times and a lock key, changed by one Lua script so two instances counting at once cannot both
/// miss the limit. Times come from the app's <see cref="TimeProvider"/> (as the in-memory throttle's do); Redis's expiry
/// only clears keys no longer needed, so memory stays bounded by the attempts of the last window. When Redis does not
/// answer, this instance's own <see cref="LoginThrottle"/> counts instead (<see cref="RedisFallback"/>), and a lock it set
/// then keeps holding after Redis is back.
/// </summary>
public sealed class RedisLoginThrottle(
    RedisConnection redis, LoginThrottle local, RedisFallback fallback, TimeProvider time, IOptions<RedisScaleOutOptions> options) : ILoginThrottle
{
    // KEYS[1]: the failure times (sorted set, score = ms); KEYS[2]: the lock (its value the ms it ends).
    // ARGV: now, window, limit, lock duration (all ms), a member unique to this failure.
    private static readonly LuaScript CountScript = LuaScript.Prepare("""
        local now = tonumber(@now)
        local locked_until = tonumber(redis.call('GET', @lock) or '0')
        if locked_until > now then
          return 0
        end
        redis.call('ZREMRANGEBYSCORE', @failures, '-inf', now - tonumber(@window))
        redis.call('ZADD', @failures, now, @member)
        if redis.call('ZCARD', @failures) >= tonumber(@limit) then
          redis.call('DEL', @failures)
          redis.call('SET', @lock, now + tonumber(@lockFor), 'PX', tonumber(@lockFor))
          return 1
        end
        redis.call('PEXPIRE', @failures, tonumber(@window))
        return 0
        """);

    private readonly string _prefix = options.Value.Prefix;

    /// <inheritdoc />
    public async ValueTask<TimeSpan?> RetryAfterAsync(string username, string address)
    {
        var shared = await SharedWaitAsync(UsernameTracker(username), AddressTracker(address));
        return Longest(shared, local.RetryAfter(username, address));
    }

    /// <inheritdoc />
    public async ValueTask RecordFailureAsync(string username, string address)
    {
        try
        {
            await Task.WhenAll(
                CountAsync(UsernameTracker(username), LoginThrottle.MaxFailuresPerUsername),
                CountAsync(AddressTracker(address), LoginThrottle.MaxFailuresPerAddress));
        }
        catch (Exception e) when (RedisFallback.IsOutage(e))
        {
            fallback.FellBack("sign-in throttle", e);
            local.RecordFailure(username, address);
        }
    }

    /// <inheritdoc />
    public async ValueTask RecordSuccessAsync(string username)
    {
        local.RecordSuccess(username);
        var tracker = UsernameTracker(username);
        try
        {
            await redis.Database.KeyDeleteAsync([tracker.Failures, tracker.Lock]);
        }
        catch (Exception e) when (RedisFallback.IsOutage(e))
        {
            // The name's shared count stays until its window passes: at worst the next wrong password locks it sooner.
            fallback.FellBack("sign-in throttle", e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<TimeSpan?> RetryAfterForAddressAsync(string address) =>
        Longest(await SharedWaitAsync(AddressTracker(address)), local.RetryAfterForAddress(address));

    /// <inheritdoc />
    public async ValueTask RecordAddressFailureAsync(string address)
    {
        try
        {
            await CountAsync(AddressTracker(address), LoginThrottle.MaxFailuresPerAddress);
        }
        catch (Exception e) when (RedisFallback.IsOutage(e))
        {
            fallback.FellBack("sign-in throttle", e);
            local.RecordAddressFailure(address);
        }
    }

    private async Task<TimeSpan?> SharedWaitAsync(params Tracker[] trackers)
    {
        RedisValue[] locks;
        try
        {
            locks = await Task.WhenAll(trackers.Select(tracker => redis.Database.StringGetAsync(tracker.Lock)));
        }
        catch (Exception e) when (RedisFallback.IsOutage(e))
        {
            // The caller still asks this instance's own count.
            fallback.FellBack("sign-in throttle", e);
            return null;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var until = locks.Select(value => value.TryParse(out long ms) ? ms : 0).Max();
        return until > now ? TimeSpan.FromMilliseconds(until - now) : null;
    }

    private Task<RedisResult> CountAsync(Tracker tracker, int limit) => redis.Database.ScriptEvaluateAsync(CountScript, new
    {
        failures = tracker.Failures,
        @lock = tracker.Lock,
        now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        window = (long)LoginThrottle.Window.TotalMilliseconds,
        limit,
        lockFor = (long)LoginThrottle.LockDuration.TotalMilliseconds,
        member = Guid.NewGuid().ToString("N"),
    });

    private static TimeSpan? Longest(TimeSpan? shared, TimeSpan? own) => (shared, own) switch
    {
        (null, _) => own,
        (_, null) => shared,
        _ => shared > own ? shared : own,
    };

    // The braces are a Redis Cluster hash tag: a tracker's two keys live on one node, as its script needs.
    private Tracker UsernameTracker(string username) => new($"{_prefix}:login:{{name:{LoginThrottle.UsernameKey(username)}}}");

    private Tracker AddressTracker(string address) => new($"{_prefix}:login:{{address:{LoginThrottle.AddressKey(address)}}}");

    private readonly record struct Tracker(string Key)
    {
        public RedisKey Failures => Key + ":failures";

        public RedisKey Lock => Key + ":lock";
    }
}
