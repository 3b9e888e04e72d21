using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Tests.Servers;
using MoralGraph.Web.Access;
using MoralGraph.Web.ScaleOut;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>The sign-in throttle holds when an attacker's guesses are spread over the instances behind a load balancer.</summary>
[Collection(SharedRedisServer.Name)]
public sealed class SharedLoginThrottleTests(RedisServer redis) : IAsyncLifetime
{
    private ScaleOutCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ScaleOutCluster.StartAsync(redis.ConnectionString);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Failures_spread_over_both_instances_lock_the_username_on_both_with_the_usual_message()
    {
        using var first = Client(_cluster.First);
        using var second = Client(_cluster.Second);
        Assert.IsType<RedisLoginThrottle>(_cluster.First.Services.GetRequiredService<ILoginThrottle>());

        for (var attempt = 0; attempt < LoginThrottle.MaxFailuresPerUsername; attempt++)
        {
            using var failed = await (attempt % 2 == 0 ? first : second).PostSignInAsync(ScaleOutCluster.Facilitator, "a wrong password");
            Assert.Contains("problem=failed", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        foreach (var client in new[] { first, second })
        {
            using var refused = await client.PostSignInAsync(ScaleOutCluster.Facilitator, AccessTestClients.Password);
            Assert.Contains("problem=throttled", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
            Assert.Contains("minutes=15", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
            var page = await client.GetStringAsync(refused.Headers.Location);
            Assert.Contains("Too many failed sign-ins. Try again in 15 minutes.", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_success_on_one_instance_clears_the_names_count_on_the_other()
    {
        using var first = Client(_cluster.First);
        using var second = Client(_cluster.Second);
        var almost = LoginThrottle.MaxFailuresPerUsername - 1;
        for (var attempt = 0; attempt < almost; attempt++)
        {
            using var failed = await (attempt % 2 == 0 ? first : second).PostSignInAsync(ScaleOutCluster.Facilitator, "a wrong password");
            Assert.Contains("problem=failed", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        using (var signedIn = await first.PostSignInAsync(ScaleOutCluster.Facilitator, AccessTestClients.Password))
        {
            Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
        }

        // Four more on the second: had it kept its own two, or the shared count kept the first four, the name would lock.
        for (var attempt = 0; attempt < almost; attempt++)
        {
            using var failed = await second.PostSignInAsync(ScaleOutCluster.Facilitator, "a wrong password");
            Assert.Contains("problem=failed", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        using var again = await second.PostSignInAsync(ScaleOutCluster.Facilitator, AccessTestClients.Password);
        Assert.Equal("/", again.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Failures_for_many_names_from_one_address_over_both_instances_lock_the_address()
    {
        using var first = Client(_cluster.First);
        using var second = Client(_cluster.Second);

        // Each name fails once only (never its own limit); the address (the test server's, the same for both) adds up.
        for (var attempt = 0; attempt < LoginThrottle.MaxFailuresPerAddress; attempt++)
        {
            using var failed = await (attempt % 2 == 0 ? first : second).PostSignInAsync($"guess-{attempt}", "a wrong password");
            Assert.Contains("problem=failed", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        using var refused = await first.PostSignInAsync(ScaleOutCluster.Facilitator, AccessTestClients.Password);
        Assert.Contains("problem=throttled", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    private static HttpClient Client(MoralGraphAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
}
