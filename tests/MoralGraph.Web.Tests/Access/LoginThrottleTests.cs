using Microsoft.Extensions.Time.Testing;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Tests.Access;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public void Five_failures_for_a_username_within_the_window_lock_it(int failures, bool locked)
    {
        var throttle = new LoginThrottle(_clock);

        for (var i = 0; i < failures; i++)
        {
            throttle.RecordFailure("ana", $"192.0.2.{i}");
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(locked, throttle.RetryAfter("ANA", "192.0.2.200") is not null);
        Assert.Null(throttle.RetryAfter("bob", "192.0.2.200"));
    }

    [Fact]
    public void Failures_older_than_the_window_do_not_count()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < 4; i++)
        {
            throttle.RecordFailure("ana", "a");
        }

        _clock.Advance(LoginThrottle.Window);
        throttle.RecordFailure("ana", "a");

        Assert.Null(throttle.RetryAfter("ana", "a"));
    }

    [Fact]
    public void A_lock_lasts_fifteen_minutes_and_attempts_during_it_do_not_extend_it()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < 5; i++)
        {
            throttle.RecordFailure("ana", "a");
        }

        Assert.Equal(LoginThrottle.LockDuration, throttle.RetryAfter("ana", "b"));
        _clock.Advance(TimeSpan.FromMinutes(10));
        throttle.RecordFailure("ana", "a");
        Assert.Equal(TimeSpan.FromMinutes(5), throttle.RetryAfter("ana", "b"));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(throttle.RetryAfter("ana", "b"));
    }

    [Theory]
    [InlineData(19, false)]
    [InlineData(20, true)]
    public void Twenty_failures_from_one_address_lock_the_address_for_every_username(int failures, bool locked)
    {
        var throttle = new LoginThrottle(_clock);

        for (var i = 0; i < failures; i++)
        {
            throttle.RecordFailure($"user{i}", "198.51.100.7");
        }

        Assert.Equal(locked, throttle.RetryAfter("someone-else", "198.51.100.7") is not null);
        Assert.Null(throttle.RetryAfter("someone-else", "198.51.100.8"));
    }

    [Fact]
    public void A_successful_sign_in_forgets_the_usernames_failures()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < 4; i++)
        {
            throttle.RecordFailure("ana", "a");
        }

        throttle.RecordSuccess("ana");
        throttle.RecordFailure("ana", "a");

        Assert.Null(throttle.RetryAfter("ana", "b"));
    }

    [Fact]
    public void Huge_and_countless_usernames_keep_the_throttle_bounded_and_it_still_locks_the_name_under_attack()
    {
        var throttle = new LoginThrottle(_clock);

        // Ten 4 MB usernames once stayed in memory for good; now the throttle keeps a fixed-size hash of each.
        var typed = RecordHugeUsernames(throttle);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.All(typed, name => Assert.False(name.IsAlive, "The throttle kept a typed username."));

        for (var i = 0; i < LoginThrottle.MaxTracked * 2; i++)
        {
            throttle.RecordFailure($"made-up-{i}", "203.0.113.7");
        }

        for (var i = 0; i < LoginThrottle.MaxFailuresPerUsername; i++)
        {
            throttle.RecordFailure("ana", $"192.0.2.{i}");
        }

        Assert.True(throttle.TrackedUsernames <= LoginThrottle.MaxTracked, $"{throttle.TrackedUsernames} usernames tracked.");
        Assert.NotNull(throttle.RetryAfter("ana", "192.0.2.200"));
        Assert.NotNull(throttle.RetryAfter("someone-else", "203.0.113.7"));
    }

    // Not inlined, so no local of this frame keeps a name alive for the collector.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static List<WeakReference> RecordHugeUsernames(LoginThrottle throttle)
    {
        var typed = new List<WeakReference>();
        for (var i = 0; i < 10; i++)
        {
            var name = new string((char)('a' + i), 4 * 1024 * 1024);
            throttle.RecordFailure(name, $"198.51.100.{i}");
            typed.Add(new WeakReference(name));
        }

        return typed;
    }
}
