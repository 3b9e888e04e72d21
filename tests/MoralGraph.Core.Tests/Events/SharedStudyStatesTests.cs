using System.Text.Json;
using System.Text.Json.Nodes;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Tests.Events;

/// <summary>
/// Several app instances, each with its own live study states, over one shared log: a study's invariants hold across
/// them, and each instance's state follows what the others append without reading the whole log again.
/// </summary>
public sealed class SharedStudyStatesTests
{
    private const string Slug = "shared";
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Joins_racing_through_two_instances_take_the_last_seat_once()
    {
        // Announcements are slow, so each instance decides on a state that lacks the other's latest joins.
        var log = new InMemorySharedLog { NotifyLatency = TimeSpan.FromMilliseconds(30) };
        using var a = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        using var b = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        await a.AppendAsync(Defined(capacity: 30));
        await b.ReadAsync(Slug, s => s.Study);

        // 80 people arrive at once, half through each instance; each join decides against its own instance's state.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 80).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).ChangeAsync(Slug, state =>
            state.Participation.ActiveCount < 30 ? StudyDecision.Append(true, Joined($"p{i}")) : StudyDecision.Nothing(false)))));

        Assert.Equal(30, outcomes.Count(o => o.Result));
        Assert.Equal(30, log.All().Count(e => e.Event is ParticipantJoined));
        Assert.True(log.Conflicts > 0, "the instances never collided, so the test did not test the condition");
        await AssertBothEqualTheLogAsync(log, a, b);
    }

    [Fact]
    public async Task An_item_answered_on_both_instances_at_once_is_answered_once()
    {
        var log = new InMemorySharedLog();
        using var a = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        using var b = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        await a.AppendAsync(Defined(capacity: null));
        await a.AppendAsync(Joined("p1"));
        await b.ReadAsync(Slug, s => s.Study);

        // A participant whose sticky session was lost submits the same item on both instances (different vote ids).
        var answers = await Task.WhenAll(new[] { a, b }.Select((states, i) => Task.Run(() => states.ChangeAsync(Slug, state =>
            state.Votes.History.Any(v => v.ParticipantId == "p1" && v.FromValueId == "a" && v.ToValueId == "b")
                ? StudyDecision.Nothing(false)
                : StudyDecision.Append(true, Vote($"v{i}", "p1"))))));

        Assert.Equal(1, answers.Count(o => o.Result));
        Assert.Single(log.All(), e => e.Event is VoteCast);
        await AssertBothEqualTheLogAsync(log, a, b);
    }

    [Fact]
    public async Task Participants_voting_on_different_instances_do_not_collide_and_each_instance_follows_the_other()
    {
        var log = new InMemorySharedLog();
        using var a = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        using var b = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        var followedOnB = new List<RecordedEvent>();
        b.Followed += events =>
        {
            lock (followedOnB)
            {
                followedOnB.AddRange(events);
            }
        };
        await a.AppendAsync(Defined(capacity: null));
        await b.ReadAsync(Slug, s => s.Study);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var states = i % 2 == 0 ? a : b;
            await states.ChangeAsync(Slug, _ => StudyDecision.Append(true, Joined($"p{i}")));
            await states.ChangeAsync(Slug, _ => StudyDecision.Append(true, Vote($"v{i}", $"p{i}")));
        })));

        // No capacity: joins and votes of different people read nothing the others write.
        Assert.Equal(0, log.Conflicts);
        await AssertBothEqualTheLogAsync(log, a, b);

        // B was told of A's events (as a dashboard on B would be), each once, without asking.
        var fromA = log.All().Where(e => e.Event is VoteCast { Vote.ParticipantId: var p } && int.Parse(p[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0).Select(e => e.Sequence).ToList();
        await WaitUntilAsync(() =>
        {
            lock (followedOnB)
            {
                return fromA.All(s => followedOnB.Any(f => f.Sequence == s));
            }
        });
        lock (followedOnB)
        {
            Assert.Equal(followedOnB.Count, followedOnB.Select(f => f.Sequence).Distinct().Count());
        }
    }

    [Fact]
    public async Task A_vote_decided_before_a_card_was_hidden_elsewhere_is_decided_again_on_the_hidden_card()
    {
        var log = new InMemorySharedLog();
        using var a = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        using var b = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        await a.AppendAsync(Defined(capacity: null));
        await a.AppendAsync(Joined("p1"));
        await b.ReadAsync(Slug, s => s.Study);

        // B hides a card; A has not heard of it yet when its participant's decision reads the study.
        await b.AppendAsync(new AnnouncementMade("closing", "Voting closes now.") { StudyId = Slug, OccurredAt = T0, Actor = "facilitator" });
        var seen = new List<int>();
        var change = await a.ChangeAsync(Slug, state =>
        {
            seen.Add(state.Announcements.Count);
            return state.Announcements.Count == 0 ? StudyDecision.Append(true, Vote("v1", "p1")) : StudyDecision.Nothing(false);
        });

        // Either A had already followed B's announcement, or its first decision was refused and made again after it.
        Assert.False(change.Result);
        Assert.Equal(1, seen[^1]);
        Assert.DoesNotContain(log.All(), e => e.Event is VoteCast);
        await AssertBothEqualTheLogAsync(log, a, b);
    }

    [Fact]
    public async Task A_snapshot_taken_on_one_instance_holds_what_the_other_committed_before_it()
    {
        // A appends its join before it hears of B's, so its live state holds them in the other order than the log.
        var log = new InMemorySharedLog { NotifyLatency = TimeSpan.FromSeconds(30) };
        var snapshots = new MemorySnapshots();
        using var a = new StudyStates(log.NewWriter(), snapshots);
        using var b = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        await a.AppendAsync(Defined(capacity: null));
        await b.ReadAsync(Slug, s => s.Study);
        await b.AppendAsync(Joined("from-b"));
        await a.AppendAsync(Joined("from-a"));

        Assert.True(await a.WriteSnapshotAsync(Slug));

        // Restored to exactly the log's replay, lists in the log's order too (what audit replay compares byte for byte),
        // whatever order the instance that took it applied the two joins in.
        using var restarted = new StudyStates(log.NewWriter(), snapshots);
        var replayed = JsonSerializer.Serialize(StudyState.Replay(log.All().Where(e => e.Event.StudyId == Slug).Select(e => e.Event)).Capture(), EventHashChain.JsonOptions);
        Assert.Equal(replayed, JsonSerializer.Serialize((await restarted.ReadAsync(Slug, state => state.Capture()))!, EventHashChain.JsonOptions));
        Assert.Equal(2, await restarted.ReadAsync(Slug, s => s.Participation.ActiveCount));
    }

    [Fact]
    public async Task A_participant_arriving_from_the_other_instance_sees_what_they_did_there_before_it_was_announced()
    {
        // The announcements never arrive in time: only the arrival's own read can bring A's writes to B.
        var log = new InMemorySharedLog { NotifyLatency = TimeSpan.FromMinutes(5) };
        using var a = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        using var b = new StudyStates(log.NewWriter(), new NoStudySnapshots());
        await a.AppendAsync(Defined(capacity: null));
        await b.ReadAsync(Slug, s => s.Study);
        await a.ChangeAsync(Slug, _ => StudyDecision.Append(true, Joined("p1")));
        await a.ChangeAsync(Slug, _ => StudyDecision.Append(true, Vote("v1", "p1")));
        Assert.Null(await b.ReadAsync(Slug, s => s.Participation.Find("p1")));

        await b.FollowParticipantAsync(Slug, "p1");

        Assert.NotNull(await b.ReadAsync(Slug, s => s.Participation.Find("p1")));
        Assert.Single(await b.ReadAsync(Slug, s => s.Votes.History.Where(v => v.ParticipantId == "p1").ToList()) ?? []);

        // Served here now: their next request costs no read (what they do elsewhere later comes with the announcements).
        await a.ChangeAsync(Slug, _ => StudyDecision.Append(true, Vote("v2", "p1")));
        await b.FollowParticipantAsync(Slug, "p1");
        Assert.Single(await b.ReadAsync(Slug, s => s.Votes.History.Where(v => v.ParticipantId == "p1").ToList()) ?? []);
    }

    private static async Task AssertBothEqualTheLogAsync(InMemorySharedLog log, StudyStates a, StudyStates b)
    {
        var expected = Replay(log);
        await WaitUntilAsync(async () => await CaptureAsync(a) == expected && await CaptureAsync(b) == expected);
        Assert.Equal(expected, await CaptureAsync(a));
        Assert.Equal(expected, await CaptureAsync(b));
    }

    private static string Replay(InMemorySharedLog log) =>
        Canonical(JsonSerializer.Serialize(StudyState.Replay(log.All().Where(e => e.Event.StudyId == Slug).Select(e => e.Event)).Capture(), EventHashChain.JsonOptions));

    private static async Task<string> CaptureAsync(StudyStates states) =>
        Canonical(JsonSerializer.Serialize((await states.ReadAsync(Slug, state => StudyState.Restore(state.Capture())))!.Capture(), EventHashChain.JsonOptions));

    /// <summary>
    /// The state with its lists in a fixed order. An instance applies another's events when it hears of them, so two
    /// participants' events that raced through different instances may sit in its lists in the other order than the log's;
    /// one participant's own events, and everything the study stream orders, are in log order (their streams see to it).
    /// </summary>
    private static string Canonical(string json) => Sorted(JsonNode.Parse(json))?.ToJsonString() ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonArray array => new JsonArray([.. array.Select(Sorted).OrderBy(n => n?.ToJsonString(), StringComparer.Ordinal)]),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        _ => node?.DeepClone(),
    };

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200 && !await condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    private static StudyDefined Defined(int? capacity) => new(new Study(Slug, "Shared", "", [new Question("q", "Q", "Prompt?", [new StudyContext("c", "When c")])], [], ["en"], StudyPhase.Voting, 4) { Capacity = capacity })
    {
        StudyId = Slug, OccurredAt = T0, Actor = "owner",
    };

    private static ParticipantJoined Joined(string participant) => new(participant, "hash-" + participant, "v1", "en", null) { StudyId = Slug, OccurredAt = T0, Actor = participant };

    private static VoteCast Vote(string id, string participant) =>
        new(new WiserThanVote(id, participant, "a", "b", new ContextRef("q", "c"), Verdict.Wiser, null, null, T0)) { StudyId = Slug, OccurredAt = T0, Actor = participant };

    private sealed class MemorySnapshots : IStudySnapshotStore
    {
        private readonly Dictionary<string, (StudySnapshotInfo Info, byte[] State)> _stored = [];

        public Task<OpenStudySnapshot?> OpenAsync(string studyId, CancellationToken cancellationToken = default)
        {
            lock (_stored)
            {
                return Task.FromResult(_stored.TryGetValue(studyId, out var s) ? new OpenStudySnapshot(s.Info, new MemoryStream(s.State)) : null);
            }
        }

        public async Task WriteAsync(StudySnapshotInfo info, Func<Stream, CancellationToken, Task> writeState, CancellationToken cancellationToken = default)
        {
            using var buffer = new MemoryStream();
            await writeState(buffer, cancellationToken);
            lock (_stored)
            {
                _stored[info.StudyId] = (info, buffer.ToArray());
            }
        }
    }
}
