using MoralGraph.Core.Participation;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Tests.Live;

public sealed class ParticipantPresenceTests : IDisposable
{
    private const string Study = "live-check";
    private readonly LiveStore _live = new();

    [Fact]
    public void Counts_people_online_per_step()
    {
        _live.Presence.Report("c1", Study, null, JourneyStep.Consent);
        _live.Presence.Report("c2", Study, "p1", JourneyStep.Interview);
        _live.Presence.Report("c3", Study, "p2", JourneyStep.Voting);
        _live.Presence.Report("c4", Study, "p3", JourneyStep.Voting);

        var presence = _live.Presence.For(Study);

        Assert.Equal(4, presence.Online);
        Assert.Equal(1, presence.On(JourneyStep.Consent));
        Assert.Equal(1, presence.On(JourneyStep.Interview));
        Assert.Equal(2, presence.On(JourneyStep.Voting));
        Assert.Equal(0, presence.On(JourneyStep.Survey));
    }

    [Fact]
    public void A_participant_in_two_tabs_counts_once_at_the_further_step()
    {
        _live.Presence.Report("tab-1", Study, "p1", JourneyStep.Card);
        _live.Presence.Report("tab-2", Study, "p1", JourneyStep.Voting);

        var presence = _live.Presence.For(Study);

        Assert.Equal(1, presence.Online);
        Assert.Equal(2, presence.Connections);
        Assert.Equal(0, presence.On(JourneyStep.Card));
        Assert.Equal(1, presence.On(JourneyStep.Voting));
    }

    [Fact]
    public void Leaving_moving_on_and_switching_studies_are_each_one_change()
    {
        using var feed = _live.Broadcaster.Subscribe(StudyEventBroadcaster.AllStudies);

        _live.Presence.Report("c1", Study, "p1", JourneyStep.Interview);
        _live.Presence.Report("c1", Study, "p1", JourneyStep.Interview);
        _live.Presence.Report("c1", Study, "p1", JourneyStep.Card);
        _live.Presence.Report("c1", "other", "p1", JourneyStep.Consent);
        _live.Presence.Leave("c1");
        _live.Presence.Leave("c1");

        var changes = feed.Drain().Cast<PresenceChanged>().Select(c => (c.StudyId, c.Presence.Online)).ToList();
        Assert.Equal([(Study, 1), (Study, 1), (Study, 0), ("other", 1), ("other", 0)], changes);
        Assert.Equal(0, _live.Presence.For(Study).Online);
        Assert.Equal(0, _live.Presence.For("other").Online);
    }

    [Fact]
    public async Task A_page_counts_only_while_its_circuit_is_connected()
    {
        using var reporter = new ParticipantPresenceReporter(_live.Presence);

        // Prerendering reports too, but a page that never connects is no one in the room.
        reporter.Report(Study, "p1", JourneyStep.Interview);
        Assert.Equal(0, _live.Presence.For(Study).Online);

        await reporter.OnConnectionUpAsync(null!, CancellationToken.None);
        Assert.Equal(1, _live.Presence.For(Study).On(JourneyStep.Interview));

        reporter.Report(Study, "p1", JourneyStep.Card);
        Assert.Equal(1, _live.Presence.For(Study).On(JourneyStep.Card));

        await reporter.OnConnectionDownAsync(null!, CancellationToken.None);
        Assert.Equal(0, _live.Presence.For(Study).Online);

        await reporter.OnConnectionUpAsync(null!, CancellationToken.None);
        Assert.Equal(1, _live.Presence.For(Study).On(JourneyStep.Card));

        reporter.Leave();
        Assert.Equal(0, _live.Presence.For(Study).Online);
    }

    [Fact]
    public async Task The_end_of_a_circuit_takes_its_page_offline()
    {
        var reporter = new ParticipantPresenceReporter(_live.Presence);
        await reporter.OnConnectionUpAsync(null!, CancellationToken.None);
        reporter.Report(Study, null, JourneyStep.Consent);

        reporter.Dispose();

        Assert.Equal(0, _live.Presence.For(Study).Online);
    }

    public void Dispose() => _live.Dispose();
}
