using StackExchange.Redis;

namespace MoralGraph.Web.ScaleOut;

/// <summary>
/// What the shared limits do when Redis does not answer: each falls back on this instance's own count (the in-memory
/// throttle and buckets the app uses without Redis) and this says so in the log, at most once a minute. So a participant's
/// action and a facilitator's sign-in go through while Redis is away, and guessing stays throttled, though each instance
/// then counts alone (n instances allow n times the limit) until Redis is back. Failing closed instead would turn a
/// Redis blink into an outage of the participant API and the console; failing wide open would drop the sign-in throttle.
/// </summary>
public sealed partial class RedisFallback(TimeProvider time, ILogger<RedisFallback> logger)
{
    /// <summary>How often an outage is logged at most.</summary>
    public static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private long _lastWarningTicks = long.MinValue;

    /// <summary>
    /// Whether <paramref name="exception"/> means Redis did not answer (rather than a bug to let through): refused, timed
    /// out, or the connection already closed while the app shuts down.
    /// </summary>
    public static bool IsOutage(Exception exception) => exception is RedisException or RedisTimeoutException or ObjectDisposedException;

    /// <summary>Notes that <paramref name="limit"/> used this instance's own count because of <paramref name="exception"/>.</summary>
    public void FellBack(string limit, Exception exception)
    {
        var now = time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastWarningTicks);
        if (last != long.MinValue && now - last < WarningInterval.Ticks)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastWarningTicks, now, last) == last)
        {
            LogFellBack(logger, exception, limit);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not answer; the {Limit} counts on this instance alone until it does (each instance allows the full limit meanwhile).")]
    private static partial void LogFellBack(ILogger logger, Exception exception, string limit);
}
