using System.Text;
using MoralGraph.Core.Access;
using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.Snapshots;
using static MoralGraph.Storage.Tests.TestEvents;

namespace MoralGraph.Storage.PostgreSql.Tests;

/// <summary>
/// What every event store does, through Core's interfaces only: run against the LiteDB store and the PostgreSQL store,
/// so the two behave alike (same payloads, same chain, same refusals) and a log can move between them.
/// </summary>
public abstract class EventStoreConformanceTests : IAsyncLifetime
{
    private const string LeaverMarker = "QUOKKA-LEAVER-4417";
    private const string StayerMarker = "PANGOLIN-STAYER-9902";

    private readonly List<IEventLog> _open = [];

    /// <summary>Opens the store under test: a fresh one the first time, the same one again after <see cref="CloseAsync"/>.</summary>
    protected abstract Task<IEventLog> OpenStoreAsync();

    /// <summary>The store's snapshots.</summary>
    protected abstract IStudySnapshotStore Snapshots();

    /// <summary>Closes a store opened by <see cref="OpenStoreAsync"/>.</summary>
    protected abstract ValueTask CloseStoreAsync(IEventLog log);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var log in _open)
        {
            await CloseStoreAsync(log);
        }
    }

    private async Task<IEventLog> OpenAsync()
    {
        var log = await OpenStoreAsync();
        _open.Add(log);
        return log;
    }

    private async Task CloseAsync(IEventLog log)
    {
        _open.Remove(log);
        await CloseStoreAsync(log);
    }

    [Fact]
    public async Task Events_are_read_back_in_order_whole_and_after_a_sequence()
    {
        var log = await OpenAsync();
        var appended = await log.AppendAllAsync([Defined(), .. Enumerable.Range(1, 5).Select(i => VoteEvent("p", i))]);

        var all = await log.ReadStudyAsync("s");
        var tail = await log.ReadStudyAsync("s", 3);

        Assert.Equal([1L, 2, 3, 4, 5, 6], all.Select(e => e.Sequence));
        Assert.Equal(appended.Select(e => (e.PayloadJson, e.Hash)), all.Select(e => (e.PayloadJson, e.Hash)));
        Assert.Equal([4L, 5, 6], tail.Select(e => e.Sequence));
        Assert.Equal(["p-3", "p-4", "p-5"], tail.Select(e => ((VoteCast)e.Event).Vote.VoteId));
        Assert.Empty(await log.ReadStudyAsync("elsewhere"));
    }

    [Fact]
    public async Task The_chain_is_the_one_EventHashChain_defines_and_verifies_to_its_head()
    {
        StudyEvent[] events = [Defined(), VoteEvent("p", 1), VoteEvent("q", 2), new PhaseChanged(StudyPhase.Closed) { StudyId = "s", OccurredAt = T0, Actor = "owner" }];
        var log = await OpenAsync();
        var recorded = await log.AppendAllAsync(events);

        // The oracle is the chain itself: payloads without participants' words are stored exactly as serialized.
        var expected = EventHashChain.Genesis;
        for (var i = 0; i < events.Length; i++)
        {
            Assert.Equal(EventHashChain.Serialize(events[i]), recorded[i].PayloadJson);
            expected = EventHashChain.ComputeHash(expected, i + 1, EventHashChain.Serialize(events[i]));
            Assert.Equal(expected, recorded[i].Hash);
        }

        var verification = await log.VerifyAsync();
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal((4L, expected), (verification.EventCount, verification.HeadHash));
        Assert.Equal(recorded[1].Hash, await log.HashAtAsync(2));
        Assert.Null(await log.HashAtAsync(99));
    }

    [Fact]
    public async Task A_replayed_submission_is_stored_once_and_answers_with_the_stored_event()
    {
        var log = await OpenAsync();
        await log.AppendAsync(Defined());
        var first = await log.AppendAsync(VoteEvent("p", 1));

        var replay = await log.AppendAsync(VoteEvent("p", 1) with { OccurredAt = T0.AddHours(1) });
        var inBatch = await log.AppendAllAsync([VoteEvent("p", 2), VoteEvent("p", 2)]);

        Assert.Equal((first.Sequence, first.Hash, first.PayloadJson), (replay.Sequence, replay.Hash, replay.PayloadJson));
        Assert.Equal(inBatch[0].Sequence, inBatch[1].Sequence);
        Assert.Equal(3, (await log.ReadStudyAsync("s")).Count);
    }

    [Fact]
    public async Task A_conflicting_replay_is_refused_with_nothing_stored_and_the_writer_goes_on()
    {
        var log = await OpenAsync();
        await log.AppendAllAsync([Defined(), VoteEvent("p", 1)]);
        var headBefore = (await log.VerifyAsync()).HeadHash;
        var changed = VoteEvent("p", 1) with { Vote = VoteEvent("p", 1).Vote with { Verdict = Verdict.NotWiser } };

        var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(() => log.AppendAsync(changed));

        Assert.Equal("vote:s:p-1", conflict.Key);
        Assert.Equal(headBefore, (await log.VerifyAsync()).HeadHash);
        Assert.Equal(3, (await log.AppendAsync(VoteEvent("p", 2))).Sequence);
        Assert.True((await log.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task An_append_of_several_events_is_stored_whole_or_not_at_all_and_its_neighbours_go_ahead()
    {
        var log = await OpenAsync();
        await log.AppendAsync(Defined());
        await log.AppendAsync(VoteEvent("p", 1));
        var changed = VoteEvent("p", 1) with { Actor = "someone else" };

        var conflicting = log.AppendAllAsync([VoteEvent("p", 2), VoteEvent("p", 3), changed]);
        var neighbours = Enumerable.Range(4, 10).Select(i => log.AppendAsync(VoteEvent("p", i))).ToList();

        await Assert.ThrowsAsync<IdempotencyConflictException>(() => conflicting);
        await Task.WhenAll(neighbours);
        var votes = (await log.ReadStudyAsync("s")).Select(e => (e.Event as VoteCast)?.Vote.VoteId).OfType<string>().ToList();
        Assert.Equal(["p-1", .. Enumerable.Range(4, 10).Select(i => $"p-{i}")], votes);
        Assert.True((await log.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Appends_are_committed_in_the_order_they_were_called()
    {
        var log = await OpenAsync();
        await log.AppendAsync(Defined());
        var order = new Lock();
        var calls = new List<Task<IReadOnlyList<RecordedEvent>>>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(() =>
        {
            for (var i = 0; i < 25; i++)
            {
                lock (order)
                {
                    calls.Add(log.AppendAllAsync([VoteEvent($"w{writer}", 2 * i), VoteEvent($"w{writer}", (2 * i) + 1)]));
                }
            }
        })));

        var sequences = (await Task.WhenAll(calls)).SelectMany(recorded => recorded.Select(e => e.Sequence)).ToList();
        Assert.Equal(Enumerable.Range(2, 200).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task The_catalog_lists_studies_with_their_phase_and_leaves_reserved_streams_off()
    {
        var log = await OpenAsync();
        await log.AppendAllAsync([Defined(), VoteEvent("p", 1), new PhaseChanged(StudyPhase.Closed) { StudyId = "s", OccurredAt = T0, Actor = "owner" }]);
        await log.AppendAsync(new FacilitatorAccountCreated("ada", "hash") { StudyId = AccessLog.StreamId, OccurredAt = T0, Actor = "ada" });

        var study = Assert.Single(await ((IStudyCatalog)log).ListAsync());
        Assert.Equal(("s", "Storage test", StudyPhase.Closed, 1, 3L), (study.Slug, study.Title, study.Phase, study.QuestionCount, study.EventCount));
    }

    [Fact]
    public async Task Reserved_access_streams_are_stored_and_read_like_studies()
    {
        Assert.True(AccessLog.IsReserved(AccessLog.StreamId));
        var log = await OpenAsync();
        await log.AppendAsync(Defined());
        var account = await log.AppendAsync(new FacilitatorAccountCreated("ada", "hash") { StudyId = AccessLog.StreamId, OccurredAt = T0, Actor = "ada" });
        var replay = await log.AppendAsync(new FacilitatorAccountCreated("ada", "hash") { StudyId = AccessLog.StreamId, OccurredAt = T0.AddHours(1), Actor = "ada" });

        // Usernames compare case-insensitively, so another password under "ADA" is the same account's key reused.
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => log.AppendAsync(new FacilitatorAccountCreated("ADA", "other") { StudyId = AccessLog.StreamId, OccurredAt = T0, Actor = "ada" }));

        var access = Assert.Single(await log.ReadStudyAsync(AccessLog.StreamId));
        Assert.Equal(account.Sequence, replay.Sequence);
        Assert.Equal("ada", ((FacilitatorAccountCreated)access.Event).Username);
        Assert.Single(await log.ReadStudyAsync("s"));
    }

    [Fact]
    public async Task Words_are_encrypted_at_rest_and_read_as_withdrawn_after_a_withdrawal_while_the_chain_verifies()
    {
        var log = await OpenAsync();
        var recorded = await log.AppendAllAsync([Defined(), .. Journey("leaver", LeaverMarker), .. Journey("stayer", StayerMarker)]);

        Assert.All(recorded, e => Assert.DoesNotContain(LeaverMarker, e.PayloadJson, StringComparison.Ordinal));
        Assert.Contains(recorded, e => e.PayloadJson.Contains(ParticipantTextProtector.EnvelopePrefix, StringComparison.Ordinal));
        Assert.Contains(Texts(await log.ReadStudyAsync("s")), t => t.Contains(LeaverMarker, StringComparison.Ordinal));

        await log.AppendAsync(Withdrew("leaver"));

        var texts = Texts(await log.ReadStudyAsync("s"));
        Assert.DoesNotContain(texts, t => t.Contains(LeaverMarker, StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains(StayerMarker, StringComparison.Ordinal));
        Assert.Contains(ParticipantText.Withdrawn, texts);
        Assert.True((await log.VerifyAsync()).IsIntact);

        // Words a withdrawn participant sends later are not kept either.
        await log.AppendAsync(new CardDraftSaved("leaver", "q", $"{LeaverMarker} again", "Late.", []) { StudyId = "s", OccurredAt = T0.AddHours(1), Actor = "leaver" });
        Assert.DoesNotContain(Texts(await log.ReadStudyAsync("s")), t => t.Contains(LeaverMarker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_chain_continues_after_the_store_is_reopened()
    {
        var log = await OpenAsync();
        var first = await log.AppendAllAsync([Defined(), VoteEvent("p", 1)]);
        await CloseAsync(log);

        var reopened = await OpenAsync();
        var next = await reopened.AppendAsync(VoteEvent("p", 2));

        Assert.Equal(3, next.Sequence);
        Assert.Equal(first[^1].Hash, next.PreviousHash);
        Assert.True((await reopened.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_snapshot_round_trips_and_a_newer_one_takes_its_place()
    {
        var snapshots = Snapshots();
        Assert.Null(await snapshots.OpenAsync("s"));

        await snapshots.WriteAsync(new StudySnapshotInfo("s", 10, "hash-10", 9, 1), (stream, token) => stream.WriteAsync(Encoding.UTF8.GetBytes("{\"state\":1}"), token).AsTask());
        await snapshots.WriteAsync(new StudySnapshotInfo("s", 20, "hash-20", 19, 1), (stream, token) => stream.WriteAsync(Encoding.UTF8.GetBytes("{\"state\":2}"), token).AsTask());

        await using var snapshot = await snapshots.OpenAsync("s");
        Assert.NotNull(snapshot);
        Assert.Equal(new StudySnapshotInfo("s", 20, "hash-20", 19, 1), snapshot.Info);
        using var reader = new StreamReader(snapshot.State);
        Assert.Equal("{\"state\":2}", await reader.ReadToEndAsync());
        Assert.Null(await snapshots.OpenAsync("other"));
    }

    [Fact]
    public async Task Live_states_start_again_from_the_stores_snapshot_and_the_events_after_it()
    {
        var log = await OpenAsync();
        var snapshots = Snapshots();
        using (var states = new StudyStates(log, snapshots))
        {
            await states.AppendAllAsync([Defined(), .. Enumerable.Range(1, 3).Select(i => VoteEvent("p", i))]);
            Assert.True(await states.WriteSnapshotAsync("s"));
            await states.AppendAsync(VoteEvent("p", 4));
        }

        await CloseAsync(log);
        var reopened = await OpenAsync();
        using var restarted = new StudyStates(reopened, snapshots);

        await using (var snapshot = await snapshots.OpenAsync("s"))
        {
            Assert.Equal(4, snapshot!.Info.ThroughSequence);
            Assert.Equal(await reopened.HashAtAsync(4), snapshot.Info.ThroughHash);
        }

        Assert.Equal(["p-1", "p-2", "p-3", "p-4"], await restarted.ReadAsync("s", state => state.Votes.History.Select(v => v.VoteId).ToList()));
    }

    internal static StudyEvent[] Journey(string participant, string words) =>
    [
        new ParticipantJoined(participant, $"hash-{participant}", "consent-v1", "en", null) { StudyId = "s", OccurredAt = T0, Actor = participant },
        new InterviewMessagePosted(participant, "q", new InterviewMessage(1, InterviewRole.Participant, $"My story: {words}", InterviewStage.Story)) { StudyId = "s", OccurredAt = T0, Actor = participant },
        new CardSubmitted($"card-{participant}", participant, "q", $"{words} title", $"{words} description", [$"MOMENTS of {words}"]) { StudyId = "s", OccurredAt = T0, Actor = participant },
        new VoteCast(new WiserThanVote($"vote-{participant}", participant, "v1", "v2", new ContextRef("q", "c"), Verdict.Wiser, $"Because {words}", "A story.", T0)) { StudyId = "s", OccurredAt = T0, Actor = participant },
    ];

    internal static ParticipantWithdrew Withdrew(string participant) => new(participant) { StudyId = "s", OccurredAt = T0.AddMinutes(5), Actor = participant };

    internal static List<string> Texts(IReadOnlyList<RecordedEvent> events)
    {
        var texts = new List<string>();
        foreach (var recorded in events)
        {
            recorded.Event.MapParticipantText((_, text) =>
            {
                texts.Add(text);
                return text;
            });
        }

        return texts;
    }
}

/// <summary>The conformance suite on the LiteDB store (a temporary file).</summary>
public sealed class LiteDbStoreConformanceTests : EventStoreConformanceTests
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("moralgraph-conformance-");

    protected override Task<IEventLog> OpenStoreAsync() => Task.FromResult<IEventLog>(new LiteDbEventLog(Path.Combine(_folder.FullName, "store.db")));

    protected override IStudySnapshotStore Snapshots() => new FileStudySnapshotStore(Path.Combine(_folder.FullName, "snapshots"));

    protected override ValueTask CloseStoreAsync(IEventLog log)
    {
        ((LiteDbEventLog)log).Dispose();
        return ValueTask.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Delete(recursive: true);
    }
}
