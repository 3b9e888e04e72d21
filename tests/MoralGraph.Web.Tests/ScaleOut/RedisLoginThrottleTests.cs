using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MoralGraph.Tests.Servers;
using MoralGraph.Web.Access;
using MoralGraph.Web.ScaleOut;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>
/// The shared throttle keeps the in-memory one's rules (LoginThrottleTests): the same limits, window and lock, to the
/// second, on a real Redis with the app's clock faked. Two throttles on one prefix stand for two instances.
/// </summary>
[Collection(SharedRedisServer.Name)]
public sealed class RedisLoginThrottleTests(RedisServer redis) : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly string _prefix = "throttle-" + Guid.NewGuid().ToString("N");
    private readonly List<RedisConnection> _connections = [];

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public async Task Five_failures_for_a_username_within_the_window_lock_it_on_every_instance(int failures, bool locked)
    {
        var (first, second) = (Throttle(), Throttle());
        for (var i = 0; i < failures; i++)
        {
            await (i % 2 == 0 ? first : second).RecordFailureAsync("ana", $"192.0.2.{i}");
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(locked, await first.RetryAfterAsync("ANA", "192.0.2.200") is not null);
        Assert.Equal(locked, await second.RetryAfterAsync("ana", "192.0.2.201") is not null);
        Assert.Null(await first.RetryAfterAsync("bob", "192.0.2.200"));
    }

    [Fact]
    public async Task Failures_older_than_the_window_do_not_count()
    {
        var throttle = Throttle();
        for (var i = 0; i < 4; i++)
        {
            await throttle.RecordFailureAsync("ana", "a");
        }

        _clock.Advance(LoginThrottle.Window);
        await throttle.RecordFailureAsync("ana", "a");

        Assert.Null(await throttle.RetryAfterAsync("ana", "a"));
    }

    [Fact]
    public async Task A_lock_lasts_fifteen_minutes_and_attempts_during_it_do_not_extend_it()
    {
        var (first, second) = (Throttle(), Throttle());
        for (var i = 0; i < 5; i++)
        {
            await first.RecordFailureAsync("ana", "a");
        }

        Assert.Equal(LoginThrottle.LockDuration, await second.RetryAfterAsync("ana", "b"));
        _clock.Advance(TimeSpan.FromMinutes(10));
        await second.RecordFailureAsync("ana", "a");
        Assert.Equal(TimeSpan.FromMinutes(5), await first.RetryAfterAsync("ana", "b"));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await second.RetryAfterAsync("ana", "b"));
    }

    [Theory]
    [InlineData(19, false)]
    [InlineData(20, true)]
    public async Task Twenty_failures_from_an_address_lock_it_for_every_name_and_for_setup(int failures, bool locked)
    {
        var (first, second) = (Throttle(), Throttle());
        for (var i = 0; i < failures; i++)
        {
            var throttle = i % 2 == 0 ? first : second;
            if (i % 3 == 0)
            {
                await throttle.RecordAddressFailureAsync("198.51.100.7");
            }
            else
            {
                await throttle.RecordFailureAsync($"user{i}", "198.51.100.7");
            }
        }

        Assert.Equal(locked, await first.RetryAfterAsync("someone-else", "198.51.100.7") is not null);
        Assert.Equal(locked, await second.RetryAfterForAddressAsync("198.51.100.7") is not null);
        Assert.Null(await first.RetryAfterForAddressAsync("198.51.100.8"));
    }

    [Fact]
    public async Task A_success_forgets_the_names_failures_but_not_the_addresss()
    {
        var (first, second) = (Throttle(), Throttle());
        for (var i = 0; i < 4; i++)
        {
            await first.RecordFailureAsync("ana", "a");
        }

        await second.RecordSuccessAsync("Ana");
        await first.RecordFailureAsync("ana", "a");
        Assert.Null(await second.RetryAfterAsync("ana", "b"));

        for (var i = 0; i < LoginThrottle.MaxFailuresPerAddress - 5; i++)
        {
            await second.RecordAddressFailureAsync("a");
        }

        Assert.NotNull(await first.RetryAfterForAddressAsync("a"));
    }

    [Fact]
    public async Task A_name_of_four_megabytes_is_kept_as_a_fixed_size_key()
    {
        var throttle = Throttle();
        var huge = new string('x', 4 * 1024 * 1024);
        for (var i = 0; i < LoginThrottle.MaxFailuresPerUsername; i++)
        {
            await throttle.RecordFailureAsync(huge, "a");
        }

        Assert.NotNull(await throttle.RetryAfterAsync(huge, "b"));
        var server = _connections[0].Multiplexer.GetServers().Single();
        var keys = server.Keys(pattern: _prefix + ":*").Select(key => key.ToString()).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.True(key.Length < 200, $"A key of {key.Length} characters."));
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }

    private RedisLoginThrottle Throttle()
    {
        var connection = new RedisConnection(redis.ConnectionString);
        _connections.Add(connection);
        return new RedisLoginThrottle(
            connection, new LoginThrottle(_clock), new RedisFallback(_clock, NullLogger<RedisFallback>.Instance), _clock,
            Options.Create(new RedisScaleOutOptions { Prefix = _prefix }));
    }
}
