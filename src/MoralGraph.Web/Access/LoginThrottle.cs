namespace MoralGraph.Web.Access;

/// <summary>
/// Slows password guessing: after <see cref="MaxFailuresPerUsername"/> failed sign-ins for one username, or
/// <see cref="MaxFailuresPerAddress"/> from one address, within <see cref="Window"/>, sign-in is refused for
/// <see cref="LockDuration"/>, even with the right password. Unknown usernames are counted like known ones, so the
/// lock says nothing about which accounts exist. In memory: a restart forgets it, which costs an attacker a restart
/// of the app they cannot cause. Names and addresses are kept as fixed-size hashes and at most
/// <see cref="MaxTracked"/> of each, so what an attacker types cannot grow the server's memory (ten 4 MB usernames
/// once held 150 MB for good).
/// </summary>
public sealed class LoginThrottle(TimeProvider time) : ILoginThrottle
{
    /// <summary>Failures for one username that lock it.</summary>
    public const int MaxFailuresPerUsername = 5;

    /// <summary>Failures from one address that lock it (several people may share one address, hence higher).</summary>
    public const int MaxFailuresPerAddress = 20;

    /// <summary>
    /// Names (and, separately, addresses) tracked at most. Past it the stale ones are dropped, then the ones whose last
    /// failure is oldest: a flood of made-up names can so cut a name's count short, but not the flooding address's.
    /// </summary>
    public const int MaxTracked = 10_000;

    /// <summary>How far back failures count.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>How long a lock lasts.</summary>
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(15);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Tracker> _usernames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tracker> _addresses = new(StringComparer.Ordinal);

    /// <summary>How long until <paramref name="username"/> from <paramref name="address"/> may try again; null when they may now.</summary>
    public TimeSpan? RetryAfter(string username, string address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var wait = new[] { Find(_usernames, UsernameKey(username)), Find(_addresses, AddressKey(address)) }
                .Select(tracker => tracker?.LockedUntil is { } until && until > now ? until - now : TimeSpan.Zero)
                .Max();
            return wait > TimeSpan.Zero ? wait : null;
        }
    }

    /// <summary>Counts a failed sign-in.</summary>
    public void RecordFailure(string username, string address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Count(_usernames, UsernameKey(username), MaxFailuresPerUsername, now);
            Count(_addresses, AddressKey(address), MaxFailuresPerAddress, now);
        }
    }

    /// <summary>Forgets <paramref name="username"/>'s failures after a successful sign-in (the address keeps its count).</summary>
    public void RecordSuccess(string username)
    {
        lock (_lock)
        {
            _usernames.Remove(UsernameKey(username));
        }
    }

    /// <summary>
    /// How long until <paramref name="address"/> may try again, for attempts that name no account (setup tokens); null
    /// when it may now. The address's count is the one sign-in failures add to.
    /// </summary>
    public TimeSpan? RetryAfterForAddress(string address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            return Find(_addresses, AddressKey(address))?.LockedUntil is { } until && until > now ? until - now : null;
        }
    }

    /// <summary>Counts a failed attempt that names no account (a wrong setup token) against <paramref name="address"/>.</summary>
    public void RecordAddressFailure(string address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Count(_addresses, AddressKey(address), MaxFailuresPerAddress, now);
        }
    }

    /// <summary>How many usernames are tracked now.</summary>
    public int TrackedUsernames
    {
        get
        {
            lock (_lock)
            {
                return _usernames.Count;
            }
        }
    }

    ValueTask<TimeSpan?> ILoginThrottle.RetryAfterAsync(string username, string address) => ValueTask.FromResult(RetryAfter(username, address));

    ValueTask ILoginThrottle.RecordFailureAsync(string username, string address)
    {
        RecordFailure(username, address);
        return ValueTask.CompletedTask;
    }

    ValueTask ILoginThrottle.RecordSuccessAsync(string username)
    {
        RecordSuccess(username);
        return ValueTask.CompletedTask;
    }

    ValueTask<TimeSpan?> ILoginThrottle.RetryAfterForAddressAsync(string address) => ValueTask.FromResult(RetryAfterForAddress(address));

    ValueTask ILoginThrottle.RecordAddressFailureAsync(string address)
    {
        RecordAddressFailure(address);
        return ValueTask.CompletedTask;
    }

    // A fixed-size key whatever was typed: usernames compare without case, as accounts do. The shared throttle keys its
    // Redis entries with the same two.
    internal static string UsernameKey(string username) => Hash(username.ToUpperInvariant());

    internal static string AddressKey(string address) => address.Length <= 64 ? address : Hash(address);

    private static string Hash(string text) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static Tracker? Find(Dictionary<string, Tracker> trackers, string key) => trackers.GetValueOrDefault(key);

    private static void Count(Dictionary<string, Tracker> trackers, string key, int limit, DateTimeOffset now)
    {
        if (trackers.Count >= MaxTracked && !trackers.ContainsKey(key))
        {
            foreach (var stale in trackers.Where(t => t.Value.IsStale(now)).Select(t => t.Key).ToList())
            {
                trackers.Remove(stale);
            }

            if (trackers.Count >= MaxTracked)
            {
                // Locked ones go last: dropping a lock would let its guesses start again at once.
                foreach (var oldest in trackers.OrderBy(t => t.Value.LockedUntil > now).ThenBy(t => t.Value.LastActivity)
                    .Take(trackers.Count - MaxTracked + 1 + (MaxTracked / 10)).Select(t => t.Key).ToList())
                {
                    trackers.Remove(oldest);
                }
            }
        }

        if (!trackers.TryGetValue(key, out var tracker))
        {
            tracker = new Tracker();
            trackers[key] = tracker;
        }

        if (tracker.LockedUntil is { } until && until > now)
        {
            // Already locked: attempts during the lock neither count nor extend it.
            return;
        }

        tracker.LockedUntil = null;
        while (tracker.Failures.TryPeek(out var oldest) && oldest <= now - Window)
        {
            tracker.Failures.Dequeue();
        }

        tracker.Failures.Enqueue(now);
        if (tracker.Failures.Count >= limit)
        {
            tracker.Failures.Clear();
            tracker.LockedUntil = now + LockDuration;
        }
    }

    private sealed class Tracker
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public DateTimeOffset? LockedUntil { get; set; }

        public DateTimeOffset LastActivity => Failures.Count > 0 ? Failures.Last() : LockedUntil ?? DateTimeOffset.MinValue;

        public bool IsStale(DateTimeOffset now) =>
            (LockedUntil is not { } until || until <= now) && (Failures.Count == 0 || Failures.Last() <= now - Window);
    }
}
