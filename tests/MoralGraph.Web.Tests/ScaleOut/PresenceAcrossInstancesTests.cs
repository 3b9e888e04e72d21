using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MoralGraph.Core.Participation;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>A dashboard on one instance counts the participants online on every instance.</summary>
public sealed class PresenceAcrossInstancesTests
{
    private const string Study = "room";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryInstanceMessages _messages = new();

    [Fact]
    public void Each_instance_counts_its_own_circuits_and_what_the_others_sent()
    {
        using var a = Presence("a", out _);
        using var b = Presence("b", out var broadcasterB);
        using var feedB = broadcasterB.Subscribe(Study);

        a.Report("a-1", Study, "p1", JourneyStep.Voting);
        a.Report("a-2", Study, "p2", JourneyStep.Voting);
        b.Report("b-1", Study, "p3", JourneyStep.Interview);

        var onB = b.For(Study);
        Assert.Equal(3, onB.Online);
        Assert.Equal(2, onB.On(JourneyStep.Voting));
        Assert.Equal(1, onB.On(JourneyStep.Interview));
        Assert.Equal(3, a.For(Study).Online);

        // B's dashboard heard of A's arrivals as they came.
        Assert.Contains(feedB.Drain().OfType<PresenceChanged>(), c => c.Presence.Online == 2 && c.Presence.On(JourneyStep.Voting) == 2);
    }

    [Fact]
    public void An_instance_that_stops_sending_drops_out_of_the_counts()
    {
        var a = Presence("a", out _);
        using var b = Presence("b", out var broadcasterB);
        a.Report("a-1", Study, "p1", JourneyStep.Card);
        b.Report("b-1", Study, "p2", JourneyStep.Card);
        Assert.Equal(2, b.For(Study).Online);

        // A keeps sending while it runs: its counts stay past the expiry.
        _time.Advance(ParticipantPresence.Expiry + ParticipantPresence.Heartbeat);
        Assert.Equal(2, b.For(Study).Online);

        // A dies (no more heartbeats): after the expiry B counts only its own, and says so to its dashboards.
        a.Dispose();
        using var feedB = broadcasterB.Subscribe(Study);
        _time.Advance(ParticipantPresence.Expiry + ParticipantPresence.Heartbeat);
        Assert.Equal(1, b.For(Study).Online);
        Assert.Contains(feedB.Drain().OfType<PresenceChanged>(), c => c.Presence.Online == 1);
    }

    [Fact]
    public void A_message_it_cannot_read_changes_nothing()
    {
        using var b = Presence("b", out _);
        b.Report("b-1", Study, "p1", JourneyStep.Survey);

        _messages.Connect("stranger").PublishAsync("presence", "{not json");
        _messages.Connect("stranger").PublishAsync("presence", "{\"StudyId\":\"\"}");

        Assert.Equal(1, b.For(Study).Online);
    }

    private ParticipantPresence Presence(string instance, out StudyEventBroadcaster broadcaster)
    {
        broadcaster = new StudyEventBroadcaster(Options.Create(new LiveSessionOptions()));
        return new ParticipantPresence(broadcaster, _messages.Connect(instance), _time);
    }
}
