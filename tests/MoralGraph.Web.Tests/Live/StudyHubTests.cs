using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Access;
using MoralGraph.Core.Participation;
using MoralGraph.Web.Live;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Access;
using MoralGraph.Web.Tests.Participation;

namespace MoralGraph.Web.Tests.Live;

/// <summary>The study hub through a real SignalR client: who may listen, and what they hear.</summary>
public sealed class StudyHubTests : IAsyncLifetime
{
    private const string Slug = "hub-check";
    private const string OtherSlug = "hub-other";
    private const string Observer = "hub-observer";
    private const string OtherObserver = "hub-other-observer";

    private readonly MoralGraphAppFactory _app = new MoralGraphAppFactory()
        .WithStudyFile("hub.yaml", JourneyAppFixture.StudyYaml(Slug, "interviewing"))
        .WithStudyFile("other.yaml", JourneyAppFixture.StudyYaml(OtherSlug, "interviewing"));

    private readonly List<HubConnection> _connections = [];

    public async Task InitializeAsync()
    {
        _ = _app.Server;
        await _app.CreateFacilitatorAsync(Observer, FacilitatorRole.Observer, Slug);
        await _app.CreateFacilitatorAsync(OtherObserver, FacilitatorRole.Observer, OtherSlug);
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task An_anonymous_connection_is_refused()
    {
        var hub = Connect(cookies: null);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_facilitator_may_not_join_a_study_they_do_not_observe()
    {
        var hub = Connect(await SignInAsync(OtherObserver));
        await hub.StartAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<StudyHubWelcome>(nameof(StudyHub.JoinStudy), Slug));

        Assert.Contains($"may not observe study '{Slug}'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_observer_hears_a_submitted_card_within_two_seconds()
    {
        var journey = _app.Services.GetRequiredService<ParticipationService>();
        var participant = await journey.InterviewedAsync(Slug);
        var hub = Connect(await SignInAsync(Observer));
        var events = Channel.CreateUnbounded<LiveEventMessage>();
        hub.On<LiveEventMessage>(StudyHubMessages.Event, message => events.Writer.TryWrite(message));
        await hub.StartAsync();
        var welcome = await hub.InvokeAsync<StudyHubWelcome>(nameof(StudyHub.JoinStudy), Slug);
        Assert.Equal(Slug, welcome.Presence.StudyId);

        var submitted = Stopwatch.StartNew();
        var result = await journey.ConfirmCardAsync(Slug, participant, ParticipantScript.ValidCard);
        Assert.True(result.IsValid);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        LiveEventMessage card;
        do
        {
            card = await events.Reader.ReadAsync(deadline.Token);
        }
        while (card.Type != "card-submitted");

        Assert.True(submitted.Elapsed < TimeSpan.FromSeconds(2), $"The card took {submitted.Elapsed} to reach the console.");
        Assert.Equal(Slug, card.StudyId);
        Assert.Equal(participant, card.Actor);
        Assert.Equal($"Card submitted by {participant}: “{ParticipantScript.ValidCard.Title}”", card.Summary);
    }

    [Fact]
    public async Task An_observer_hears_who_is_online_and_nothing_of_other_studies()
    {
        var hub = Connect(await SignInAsync(Observer));
        var presence = Channel.CreateUnbounded<LivePresenceMessage>();
        hub.On<LivePresenceMessage>(StudyHubMessages.Presence, message => presence.Writer.TryWrite(message));
        await hub.StartAsync();
        await hub.InvokeAsync<StudyHubWelcome>(nameof(StudyHub.JoinStudy), Slug);

        var tracker = _app.Services.GetRequiredService<ParticipantPresence>();
        tracker.Report("elsewhere", OtherSlug, "p0", JourneyStep.Voting);
        tracker.Report("page-1", Slug, "p1", JourneyStep.Interview);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var heard = await presence.Reader.ReadAsync(deadline.Token);
        Assert.Equal((Slug, 1), (heard.StudyId, heard.Online));
        Assert.Equal(1, heard.ByStep["interview"]);
    }

    private HubConnection Connect(CookieContainer? cookies)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.Server.BaseAddress, StudyHub.Path), options =>
            {
                // The test server speaks HTTP only: long polling, with the facilitator's sign-in cookie on every request.
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => cookies is null
                    ? _app.Server.CreateHandler()
                    : new CookieContainerHandler(cookies) { InnerHandler = _app.Server.CreateHandler() };
            })
            .Build();
        _connections.Add(connection);
        return connection;
    }

    private async Task<CookieContainer> SignInAsync(string username)
    {
        var cookies = new CookieContainer();
        using var client = _app.CreateDefaultClient(new CookieContainerHandler(cookies));
        using var response = await client.PostSignInAsync(username, AccessTestClients.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return cookies;
    }
}
