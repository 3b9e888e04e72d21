using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using MoralGraph.Storage.EventLog;
using MoralGraph.Web.Live;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Participation;

namespace MoralGraph.Web.Tests.Live;

/// <summary>The live session as the app composes it.</summary>
public sealed class LiveWiringTests : IAsyncLifetime
{
    private const string Slug = "live-wiring";

    private readonly MoralGraphAppFactory _app = new MoralGraphAppFactory().WithStudyFile("live.yaml", JourneyAppFixture.StudyYaml(Slug, "interviewing"));

    public Task InitializeAsync()
    {
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void The_app_writes_through_the_live_study_states_then_the_notifying_log_around_the_one_LiteDB_log()
    {
        var states = Assert.IsType<StudyStates>(_app.Services.GetRequiredService<IEventLog>());
        var notifying = Assert.IsType<NotifyingEventLog>(states.Store);

        Assert.Same(_app.Services.GetRequiredService<LiteDbEventLog>(), notifying.Inner);
        Assert.Same(states, _app.Services.GetRequiredService<StudyStates>());
        Assert.Same(states, _app.Services.GetRequiredService<IEventLog>());
    }

    [Fact]
    public async Task A_card_confirmed_through_the_participation_service_reaches_the_study_feed()
    {
        using var feed = _app.Services.GetRequiredService<StudyEventBroadcaster>().Subscribe(Slug, n => n is EventRecorded { Recorded.Event: CardSubmitted });

        var (participant, cardId) = await _app.Services.GetRequiredService<ParticipationService>().WithCardAsync(Slug);

        var card = (CardSubmitted)(await feed.NextAsync<EventRecorded>(TimeSpan.FromSeconds(2))).Recorded.Event;
        Assert.Equal((participant, cardId), (card.ParticipantId, card.CardId));
    }

    [Fact]
    public void Each_circuit_reports_presence_through_its_own_handler()
    {
        using var scope = _app.Services.CreateScope();

        var handler = Assert.Single(scope.ServiceProvider.GetServices<CircuitHandler>().OfType<ParticipantPresenceReporter>());

        Assert.Same(scope.ServiceProvider.GetRequiredService<ParticipantPresenceReporter>(), handler);
    }
}
