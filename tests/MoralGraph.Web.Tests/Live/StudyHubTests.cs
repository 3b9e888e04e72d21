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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_api_key_of_the_study_cannot_connect_live_or_revoked(bool revoked)
    {
        var key = await _app.Access().IssueApiKeyAsync(Slug, "hub test", "test");
        if (revoked)
        {
            await _app.Access().RevokeApiKeyAsync(key.Split('_')[1], "test");
        }

        var hub = Connect(cookies: null, apiKey: key);

        // Keys are for the HTTP API: a live one is known but not a facilitator (403), a revoked one is nobody (401).
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(revoked ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden, refused.StatusCode);
    }

    /// <summary>
    /// Every method the hub offers (read from the class, so a new one is swept too), called with this study by an observer of
    /// another study: one that answers with data must refuse, and none may let the caller hear the study afterwards.
    /// </summary>
    [Fact]
    public async Task Every_hub_method_refuses_an_observer_of_another_study()
    {
        var stranger = Connect(await SignInAsync(OtherObserver));
        var heardByStranger = Channel.CreateUnbounded<LivePresenceMessage>();
        stranger.On<LivePresenceMessage>(StudyHubMessages.Presence, message => heardByStranger.Writer.TryWrite(message));
        await stranger.StartAsync();
        var methods = typeof(StudyHub).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly);
        Assert.Contains(methods, m => m.Name == nameof(StudyHub.JoinStudy));

        var problems = new List<string>();
        foreach (var method in methods)
        {
            var arguments = method.GetParameters().Select(p => (object?)(p.Name == "slug" ? Slug : "sample")).ToArray();
            var answersWithData = method.ReturnType.IsGenericType;
            try
            {
                await stranger.InvokeCoreAsync(method.Name, typeof(object), arguments);
                if (answersWithData)
                {
                    problems.Add($"{method.Name} answered an observer of another study");
                }
            }
            catch (HubException)
            {
                // Refused, as it should be.
            }
        }

        // A message to the study's consoles reaches its observer and not the stranger.
        var observer = Connect(await SignInAsync(Observer));
        var heardByObserver = Channel.CreateUnbounded<LivePresenceMessage>();
        observer.On<LivePresenceMessage>(StudyHubMessages.Presence, message => heardByObserver.Writer.TryWrite(message));
        await observer.StartAsync();
        await observer.InvokeAsync<StudyHubWelcome>(nameof(StudyHub.JoinStudy), Slug);
        _app.Services.GetRequiredService<ParticipantPresence>().Report("sweep-page", Slug, "p-sweep", JourneyStep.Interview);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal(Slug, (await heardByObserver.Reader.ReadAsync(deadline.Token)).StudyId);
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.False(heardByStranger.Reader.TryRead(out var leaked), $"An observer of another study heard {leaked?.StudyId}'s presence.");
    }

    private HubConnection Connect(CookieContainer? cookies, string? apiKey = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.Server.BaseAddress, StudyHub.Path), options =>
            {
                if (apiKey is not null)
                {
                    options.Headers["X-Api-Key"] = apiKey;
                }

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
