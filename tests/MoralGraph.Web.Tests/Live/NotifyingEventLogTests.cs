using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Tests.Live;

public sealed class NotifyingEventLogTests : IDisposable
{
    private readonly LiveStore _live = new();
    private readonly StudyScript _script = new();

    [Fact]
    public async Task Each_new_event_is_published_once_with_its_place_in_the_log()
    {
        using var feed = _live.Broadcaster.Subscribe(_script.Slug);

        var definition = await _live.Log.AppendAllAsync(_script.Definition());
        var joined = await _live.Log.AppendAsync(_script.Join("p1"));

        var published = feed.Drain().Cast<EventRecorded>().Select(n => n.Recorded).ToList();
        Assert.Equal([.. definition.Select(r => r.Sequence), joined.Sequence], published.Select(r => r.Sequence));
        Assert.Equal(joined.Hash, published[^1].Hash);
        Assert.IsType<ParticipantJoined>(published[^1].Event);
    }

    [Fact]
    public async Task A_replayed_submission_is_not_published_again()
    {
        await _live.WithStudyAsync(_script);
        var vote = _script.Vote("p1", _script.Value(0), _script.Value(1), StudyScript.GriefComforting, voteId: "v1");
        using var feed = _live.Broadcaster.Subscribe(_script.Slug);

        var first = await _live.Log.AppendAsync(vote);
        var replay = await _live.Log.AppendAsync(vote with { OccurredAt = vote.OccurredAt.AddSeconds(5) });
        var replayInBatch = await _live.Log.AppendAllAsync([vote, _script.Join("p2")]);

        Assert.Equal(first.Sequence, replay.Sequence);
        Assert.Equal(first.Sequence, replayInBatch[0].Sequence);
        var published = feed.Drain().Cast<EventRecorded>().Select(n => n.Recorded.Event).ToList();
        Assert.Collection(published, e => Assert.IsType<VoteCast>(e), e => Assert.IsType<ParticipantJoined>(e));
    }

    [Fact]
    public async Task The_same_keyed_event_twice_in_one_append_is_published_once()
    {
        await _live.WithStudyAsync(_script);
        var join = _script.Join("p1");
        using var feed = _live.Broadcaster.Subscribe(_script.Slug);

        await _live.Log.AppendAllAsync([join, join]);

        Assert.Single(feed.Drain());
    }

    [Fact]
    public async Task A_refused_append_publishes_nothing()
    {
        await _live.WithStudyAsync(_script);
        var vote = _script.Vote("p1", _script.Value(0), _script.Value(1), StudyScript.GriefComforting, voteId: "v1");
        await _live.Log.AppendAsync(vote);
        using var feed = _live.Broadcaster.Subscribe(_script.Slug);

        var conflicting = new VoteCast(((VoteCast)vote).Vote with { Verdict = Verdict.NotWiser }) { StudyId = vote.StudyId, OccurredAt = vote.OccurredAt, Actor = vote.Actor };
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => _live.Log.AppendAsync(conflicting));
        await _live.Log.AppendAsync(_script.Join("p2"));

        Assert.IsType<ParticipantJoined>(Assert.IsType<EventRecorded>(Assert.Single(feed.Drain())).Recorded.Event);
    }

    [Fact]
    public async Task Facilitator_accounts_never_reach_the_live_feeds()
    {
        using var everything = _live.Broadcaster.Subscribe(StudyEventBroadcaster.AllStudies);

        await _live.Log.AppendAsync(new FacilitatorAccountCreated("ada", "secret-hash") { StudyId = AccessLog.StreamId, OccurredAt = _live.Time.GetUtcNow(), Actor = "setup" });

        Assert.Empty(everything.Drain());
        Assert.Single(await _live.Log.ReadStudyAsync(AccessLog.StreamId));
    }

    [Fact]
    public async Task Concurrent_appends_are_published_in_log_order()
    {
        await _live.WithStudyAsync(_script);
        using var feed = _live.Broadcaster.Subscribe(_script.Slug);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => _live.Log.AppendAsync(_script.Join($"p{i}")))));

        var sequences = feed.Drain().Cast<EventRecorded>().Select(n => n.Recorded.Sequence).ToList();
        Assert.Equal(200, sequences.Count);
        Assert.Equal(sequences.Order(), sequences);
    }

    [Fact]
    public async Task A_subscriber_that_never_reads_does_not_hold_up_appends_and_is_told_to_resync()
    {
        await _live.WithStudyAsync(_script);
        using var stalled = _live.Broadcaster.Subscribe(_script.Slug, capacity: 4);
        using var keepingUp = _live.Broadcaster.Subscribe(_script.Slug);

        var appends = Task.WhenAll(Enumerable.Range(0, 100).Select(i => _live.Log.AppendAsync(_script.Join($"p{i}"))));
        await appends.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(100, keepingUp.Drain().Count);
        var fromStalled = stalled.Drain();
        Assert.Equal(new ResyncNeeded(_script.Slug, 96), fromStalled[0]);
        Assert.Equal(4, fromStalled.Skip(1).Count());
        Assert.Equal(96, stalled.DroppedCount);
    }

    [Fact]
    public async Task Events_of_another_study_stay_in_their_own_feeds()
    {
        var other = new StudyScript("other-study");
        using var feed = _live.Broadcaster.Subscribe(_script.Slug);
        using var all = _live.Broadcaster.Subscribe(StudyEventBroadcaster.AllStudies);

        await _live.WithStudyAsync(_script);
        await _live.WithStudyAsync(other);

        Assert.All(feed.Drain(), n => Assert.Equal(_script.Slug, n.StudyId));
        Assert.Equal(_script.Definition().Count + other.Definition().Count, all.Drain().Count);
    }

    [Fact]
    public async Task A_disposed_feed_gets_nothing_more_and_is_no_longer_counted()
    {
        var feed = _live.Broadcaster.Subscribe(_script.Slug);
        Assert.Equal(1, _live.Broadcaster.SubscriberCount(_script.Slug));

        feed.Dispose();
        await _live.WithStudyAsync(_script);

        Assert.Equal(0, _live.Broadcaster.SubscriberCount(_script.Slug));
        Assert.Empty(feed.Drain());
        Assert.False(await feed.WaitToReadAsync());
    }

    public void Dispose() => _live.Dispose();
}
