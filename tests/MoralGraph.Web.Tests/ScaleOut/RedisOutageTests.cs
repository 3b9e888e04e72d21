using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using MoralGraph.Tests.Servers;
using MoralGraph.Web.Access;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>
/// When Redis does not answer, the limits fall back on each instance's own count (RedisFallback): a participant's request
/// and a facilitator's sign-in go through, guessing is still throttled per instance, and the log says so.
/// </summary>
[Collection(SharedRedisServer.Name)]
public sealed class RedisOutageTests
{
    private const int Limit = 6;

    [Fact]
    public async Task With_redis_unreachable_participant_requests_go_through_and_each_instance_still_limits_them()
    {
        await using var cluster = new ScaleOutCluster(Unreachable(), app => app
            .WithSetting("ParticipantApiOptions:PerParticipantPerMinute", Limit.ToString(CultureInfo.InvariantCulture)));
        using var client = SharedRateLimitTests.Client(cluster.First);
        var token = await SharedRateLimitTests.JoinAsync(client);

        for (var request = 0; request < Limit; request++)
        {
            using var allowed = await SharedRateLimitTests.MeAsync(client, token);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await SharedRateLimitTests.MeAsync(client, token);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        AssertWarned(cluster.First, "participant API rate limit");
    }

    [Fact]
    public async Task With_redis_unreachable_a_facilitator_signs_in_and_guesses_are_still_locked_out_per_instance()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(Unreachable());
        using var client = cluster.First.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using (var signedIn = await client.PostSignInAsync(ScaleOutCluster.Facilitator, AccessTestClients.Password))
        {
            Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
        }

        for (var attempt = 0; attempt < LoginThrottle.MaxFailuresPerUsername; attempt++)
        {
            using var failed = await client.PostSignInAsync(ScaleOutCluster.Facilitator, "a wrong password");
            Assert.Contains("problem=failed", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        using var refused = await client.PostSignInAsync(ScaleOutCluster.Facilitator, AccessTestClients.Password);
        Assert.Contains("problem=throttled", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        AssertWarned(cluster.First, "sign-in throttle");
    }

    [Fact]
    public async Task When_redis_stops_mid_study_requests_keep_succeeding()
    {
        var own = new RedisServer();
        try
        {
            await using var cluster = new ScaleOutCluster(own.ConnectionString + ",asyncTimeout=1000", app => app
                .WithSetting("ParticipantApiOptions:PerParticipantPerMinute", "100"));
            using var client = SharedRateLimitTests.Client(cluster.First);
            var token = await SharedRateLimitTests.JoinAsync(client);
            using (var before = await SharedRateLimitTests.MeAsync(client, token))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            own.Dispose();
            for (var request = 0; request < 3; request++)
            {
                using var during = await SharedRateLimitTests.MeAsync(client, token);
                Assert.Equal(HttpStatusCode.OK, during.StatusCode);
            }

            AssertWarned(cluster.First, "participant API rate limit");
        }
        finally
        {
            own.Dispose();
        }
    }

    /// <summary>
    /// The study hub's backplane has no fallback: a console is closed at once (its client's reconnect policy brings it back
    /// with Redis), rather than joined to a group no message reaches. The console pages read the study in process and
    /// do not depend on it.
    /// </summary>
    [Fact]
    public async Task With_redis_unreachable_a_console_connecting_to_the_study_hub_is_closed_at_once()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(Unreachable());
        var cookies = await ScaleOutCluster.SignInAsync(cluster.First);
        await using var console = new HubConnectionBuilder()
            .WithUrl(new Uri(cluster.First.Server.BaseAddress, StudyHub.Path), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => new CookieContainerHandler(cookies) { InnerHandler = cluster.First.Server.CreateHandler() };
            })
            .Build();
        var closed = new TaskCompletionSource();
        console.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        try
        {
            await console.StartAsync();
        }
        catch (HttpRequestException)
        {
            closed.TrySetResult();
        }

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HubConnectionState.Disconnected, console.State);
        Assert.Contains(cluster.First.Logs.Entries, entry => entry.Level >= LogLevel.Warning && entry.Category.Contains("RedisHubLifetimeManager", StringComparison.Ordinal));
    }

    // A loopback port nothing listens on; a short connect timeout keeps the tests quick.
    private static string Unreachable() => $"127.0.0.1:{RedisServer.FreePort()},connectTimeout=1000";

    private static void AssertWarned(MoralGraphAppFactory app, string limit) =>
        Assert.Contains(app.Logs.Entries, entry => entry.Level == LogLevel.Warning
            && entry.Message.Contains("Redis did not answer", StringComparison.Ordinal) && entry.Message.Contains(limit, StringComparison.Ordinal));
}
