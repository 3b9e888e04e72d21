using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Web.Access;
using MoralGraph.Web.Live;
using MoralGraph.Web.Security;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>Without <c>ConnectionStrings:Redis</c> one instance runs exactly as before: everything in this process.</summary>
public sealed class WithoutRedisTests
{
    [Fact]
    public async Task Without_a_redis_connection_string_the_limits_and_the_hub_stay_in_memory()
    {
        await using var app = new MoralGraphAppFactory();
        var services = app.Services;

        Assert.IsType<LoginThrottle>(services.GetRequiredService<ILoginThrottle>());
        Assert.Same(services.GetRequiredService<LoginThrottle>(), services.GetRequiredService<ILoginThrottle>());
        Assert.IsType<InMemoryTokenBucketPartitions>(services.GetRequiredService<ITokenBucketPartitions>());
        Assert.IsType<DefaultHubLifetimeManager<StudyHub>>(services.GetRequiredService<HubLifetimeManager<StudyHub>>());
        Assert.Null(services.GetService<MoralGraph.Web.ScaleOut.RedisConnection>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_redis_connection_string_is_no_redis(string empty)
    {
        await using var app = new MoralGraphAppFactory().WithSetting("ConnectionStrings:Redis", empty);

        Assert.IsType<LoginThrottle>(app.Services.GetRequiredService<ILoginThrottle>());
    }

    [Fact]
    public async Task A_malformed_redis_connection_string_stops_the_start_naming_the_setting()
    {
        await using var app = new MoralGraphAppFactory().WithSetting("ConnectionStrings:Redis", "127.0.0.1:1,notAnOption=1");

        var failure = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("ConnectionStrings:Redis", failure.ToString(), StringComparison.Ordinal);
    }
}
