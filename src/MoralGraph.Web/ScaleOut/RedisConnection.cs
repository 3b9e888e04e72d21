using StackExchange.Redis;

namespace MoralGraph.Web.ScaleOut;

/// <summary>
/// The connection the shared limits use (the SignalR backplane has its own, for its subscriptions). Starts connecting
/// when made (when the app builds its rate limiter at start), so the first request does not wait for it, and
/// never fails the app for want of Redis: the limits fall back on this instance's own counts meanwhile
/// (<see cref="RedisFallback"/>).
/// </summary>
public sealed class RedisConnection : IDisposable
{
    private readonly Task<ConnectionMultiplexer> _connecting;

    /// <summary>A connection to the server of <paramref name="connectionString"/> (StackExchange.Redis syntax).</summary>
    public RedisConnection(string connectionString) => _connecting = ConnectionMultiplexer.ConnectAsync(Configuration(connectionString));

    /// <summary>
    /// The multiplexer (connected, or reconnecting in the background). Waits only if asked before the first attempt to
    /// connect has ended (at most the connection string's <c>connectTimeout</c>, 5 s by default).
    /// </summary>
    public IConnectionMultiplexer Multiplexer => _connecting.GetAwaiter().GetResult();

    /// <summary>The database the limits keep their keys in.</summary>
    public IDatabase Database => Multiplexer.GetDatabase();

    /// <summary>
    /// Parses <paramref name="connectionString"/> for a connection that tolerates an absent server: the app starts without
    /// one and reconnects by itself (<c>abortConnect=false</c>), and a command while it is away fails at once instead of
    /// waiting in a backlog, so a participant's request is not held up by the seconds Redis takes to come back.
    /// </summary>
    /// <exception cref="InvalidOperationException">The string is not a StackExchange.Redis configuration.</exception>
    public static ConfigurationOptions Configuration(string connectionString)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"ConnectionStrings:Redis is not a Redis connection string (host:port[,option=value…]): {e.Message}", e);
        }

        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_connecting.IsCompletedSuccessfully)
        {
            _connecting.Result.Dispose();
        }
        else
        {
            // Still connecting at shutdown: close it once it is made.
            _connecting.ContinueWith(connecting => connecting.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }
}
