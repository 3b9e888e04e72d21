namespace MoralGraph.Web.Access;

/// <summary>
/// The sign-in throttle the account endpoints ask (<see cref="LoginThrottle"/>'s limits and messages): in this process
/// by default, shared by every instance when Redis is configured (<c>RedisLoginThrottle</c>). Asynchronous because the
/// shared one asks a server.
/// </summary>
public interface ILoginThrottle
{
    /// <summary>How long until <paramref name="username"/> from <paramref name="address"/> may try again; null when they may now.</summary>
    ValueTask<TimeSpan?> RetryAfterAsync(string username, string address);

    /// <summary>Counts a failed sign-in against the username and the address.</summary>
    ValueTask RecordFailureAsync(string username, string address);

    /// <summary>Forgets <paramref name="username"/>'s failures after a successful sign-in (the address keeps its count).</summary>
    ValueTask RecordSuccessAsync(string username);

    /// <summary>How long until <paramref name="address"/> may try again, for attempts that name no account (setup tokens); null when it may now.</summary>
    ValueTask<TimeSpan?> RetryAfterForAddressAsync(string address);

    /// <summary>Counts a failed attempt that names no account (a wrong setup token) against <paramref name="address"/>.</summary>
    ValueTask RecordAddressFailureAsync(string address);
}
