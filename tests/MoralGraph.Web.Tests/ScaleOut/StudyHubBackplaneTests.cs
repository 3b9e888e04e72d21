using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Participation;
using MoralGraph.Tests.Servers;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>A console connected to one instance hears what another instance sends to its study (SignalR's Redis backplane).</summary>
[Collection(SharedRedisServer.Name)]
public sealed class StudyHubBackplaneTests(RedisServer redis) : IAsyncLifetime
{
    private const string Check = "ScaleOutCheck";

    private ScaleOutCluster _cluster = null!;
    private readonly List<HubConnection> _connections = [];

    public async Task InitializeAsync() => _cluster = await ScaleOutCluster.StartAsync(redis.ConnectionString);

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_group_message_sent_through_one_instance_reaches_a_console_connected_to_the_other()
    {
        var heard = Channel.CreateUnbounded<string>();
        var console = await JoinAsync(_cluster.Second, hub => hub.On<string>(Check, message => heard.Writer.TryWrite(message)));
        Assert.Equal(HubConnectionState.Connected, console.State);

        var first = _cluster.First.Services.GetRequiredService<IHubContext<StudyHub>>();
        await first.Clients.Group(StudyHub.GroupName(ScaleOutCluster.Slug)).SendAsync(Check, "from the first instance");

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal("from the first instance", await heard.Reader.ReadAsync(deadline.Token));
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(heard.Reader.TryRead(out var twice), $"The console heard the message twice ({twice}).");
    }

    [Fact]
    public async Task Presence_reported_on_one_instance_reaches_a_console_on_the_other()
    {
        var presence = Channel.CreateUnbounded<LivePresenceMessage>();
        await JoinAsync(_cluster.Second, hub => hub.On<LivePresenceMessage>(StudyHubMessages.Presence, message => presence.Writer.TryWrite(message)));

        // The participant's circuit is on the first instance; its forwarder publishes, the backplane carries it over.
        _cluster.First.Services.GetRequiredService<ParticipantPresence>().Report("page-on-first", ScaleOutCluster.Slug, "p-first", JourneyStep.Interview);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var message = await presence.Reader.ReadAsync(deadline.Token);
        Assert.Equal((ScaleOutCluster.Slug, 1), (message.StudyId, message.Online));
    }

    [Fact]
    public void Only_the_study_hub_uses_the_backplane_so_blazor_circuits_never_wait_for_redis()
    {
        var services = _cluster.First.Services;

        Assert.IsType<RedisHubLifetimeManager<StudyHub>>(services.GetRequiredService<HubLifetimeManager<StudyHub>>());
        Assert.IsNotType<RedisHubLifetimeManager<OtherHub>>(services.GetRequiredService<HubLifetimeManager<OtherHub>>());
    }

    private async Task<HubConnection> JoinAsync(MoralGraphAppFactory app, Action<HubConnection> listen)
    {
        var cookies = await ScaleOutCluster.SignInAsync(app);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, StudyHub.Path), options =>
            {
                // The test server speaks HTTP only: long polling, with the facilitator's cookie on every request.
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => new CookieContainerHandler(cookies) { InnerHandler = app.Server.CreateHandler() };
            })
            .Build();
        _connections.Add(connection);
        listen(connection);
        await connection.StartAsync();
        await connection.InvokeAsync<StudyHubWelcome>(nameof(StudyHub.JoinStudy), ScaleOutCluster.Slug);
        return connection;
    }

    // Any hub but the study hub (Blazor's circuit hub is internal): the open-generic default must still serve it.
    private sealed class OtherHub : Hub;
}
