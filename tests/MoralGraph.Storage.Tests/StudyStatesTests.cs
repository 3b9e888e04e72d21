using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Synthetic;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.Snapshots;

namespace MoralGraph.Storage.Tests;

/// <summary>The live study states over a real LiteDB file: atomic decisions, a refused write, snapshots and restarts.</summary>
public sealed class StudyStatesTests : IDisposable
{
    private const string Slug = "live";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("moralgraph-states-");

    private string DatabasePath => Path.Combine(_folder.FullName, "store.db");

    private FileStudySnapshotStore Snapshots => new(FileStudySnapshotStore.FolderBeside(DatabasePath));

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Concurrent_decisions_each_see_the_ones_before_so_the_last_seat_is_taken_once()
    {
        using var store = new LiteDbEventLog(DatabasePath);
        using var states = new StudyStates(store, new NoStudySnapshots());
        await states.AppendAsync(Defined());

        // 200 callers race for 50 seats: each decides against the state its predecessors left.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => states.ChangeAsync(Slug, state =>
            state.Announcements.Count < 50
                ? StudyDecision.Append(true, new AnnouncementMade($"a{i}", "seat") { StudyId = Slug, OccurredAt = T0, Actor = "p" })
                : StudyDecision.Nothing(false)))));

        Assert.Equal(50, outcomes.Count(o => o.Result));
        var stored = await store.ReadStudyAsync(Slug);
        Assert.Equal(50, stored.Count(e => e.Event is AnnouncementMade));
        Assert.Equal(Capture(StudyState.Replay(stored.Select(e => e.Event))), await CaptureAsync(states));
    }

    [Fact]
    public async Task A_write_the_store_refuses_is_reported_and_leaves_no_trace_in_the_state()
    {
        using var store = new LiteDbEventLog(DatabasePath);
        var faulty = new RefusingLog(store, e => e is AnnouncementMade { AnnouncementId: "refused" });
        using var states = new StudyStates(faulty, new NoStudySnapshots());
        await states.AppendAsync(Defined());
        await states.AppendAsync(Announcement("kept"));

        var refusal = await Assert.ThrowsAsync<IOException>(() => states.ChangeAsync(Slug, _ => StudyDecision.Append(true, Announcement("refused"))));
        Assert.Contains("disk full", refusal.Message, StringComparison.Ordinal);

        // The state had applied it as it was queued; it is read again from the log before anyone uses it.
        var announcements = await states.ReadAsync(Slug, state => state.Announcements.Select(a => a.AnnouncementId).ToList());
        Assert.Equal(["kept"], announcements);
        await states.AppendAsync(Announcement("after"));
        Assert.Equal(Capture(StudyState.Replay((await store.ReadStudyAsync(Slug)).Select(e => e.Event))), await CaptureAsync(states));
    }

    [Fact]
    public async Task A_replayed_submission_returns_the_stored_event_and_is_counted_once()
    {
        using var store = new LiteDbEventLog(DatabasePath);
        using var states = new StudyStates(store, new NoStudySnapshots());
        await states.AppendAsync(Defined());
        var first = await states.AppendAsync(Vote("v1", T0));

        var replay = await states.AppendAsync(Vote("v1", T0.AddMinutes(5)));
        var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(() => states.AppendAsync(Vote("v1", T0, Verdict.NotWiser)));

        Assert.Equal(first.Sequence, replay.Sequence);
        Assert.Equal("vote:live:v1", conflict.Key);
        Assert.Equal(1, await states.ReadAsync(Slug, state => state.Votes.History.Count));
        Assert.Equal(Capture(StudyState.Replay((await store.ReadStudyAsync(Slug)).Select(e => e.Event))), await CaptureAsync(states));
    }

    [Fact]
    public async Task A_retried_submission_whose_first_try_never_reached_the_disk_is_stored_and_counted_once()
    {
        using var store = new LiteDbEventLog(DatabasePath);
        var refusals = 1;
        var faulty = new RefusingLog(store, e => e is VoteCast && Interlocked.Decrement(ref refusals) >= 0);
        using var states = new StudyStates(faulty, new NoStudySnapshots());
        await states.AppendAsync(Defined());

        // The first try is applied as it is queued; the retry, queued before the first is refused, carries a key the
        // state has seen, so it is held back as a replay — and the store writes it as new.
        var first = states.AppendAsync(Vote("v1", T0));
        var retry = states.AppendAsync(Vote("v1", T0.AddSeconds(5)));
        await Assert.ThrowsAsync<IOException>(() => first);
        var stored = await retry;

        Assert.Equal(stored.Sequence, (await store.ReadStudyAsync(Slug)).Single(e => e.Event is VoteCast).Sequence);
        Assert.Equal(1, await states.ReadAsync(Slug, state => state.Votes.History.Count));
        Assert.Equal(Capture(StudyState.Replay((await store.ReadStudyAsync(Slug)).Select(e => e.Event))), await CaptureAsync(states));
    }

    [Fact]
    public async Task After_a_restart_the_state_is_the_snapshot_and_the_events_after_it_and_equals_the_full_replay()
    {
        var events = SyntheticAssembly.Events(Slug, 300, seed: 21);
        var cut = events.Count * 2 / 3;
        using (var store = new LiteDbEventLog(DatabasePath))
        using (var states = new StudyStates(store, Snapshots))
        {
            await states.AppendAllAsync(events[..cut]);
            Assert.True(await states.WriteSnapshotAsync(Slug));
            foreach (var chunk in events[cut..].Chunk(200))
            {
                await states.AppendAllAsync(chunk);
            }
        }

        using var reopened = new LiteDbEventLog(DatabasePath);
        var reads = new ReadCountingLog(reopened);
        using var restarted = new StudyStates(reads, Snapshots);

        var restored = await CaptureAsync(restarted);

        Assert.Equal(Capture(StudyState.Replay(events)), restored);
        var tailRead = Assert.Single(reads.TailReads);
        Assert.True(tailRead > 0, "the restart read the whole log instead of the events after the snapshot");
        Assert.Equal(events.Count - cut, (await reopened.ReadStudyAsync(Slug, tailRead)).Count);
    }

    [Fact]
    public async Task A_snapshot_of_another_log_or_an_unreadable_one_is_not_used_and_the_log_is_replayed()
    {
        var events = SyntheticAssembly.Events(Slug, 60, seed: 4);
        using (var store = new LiteDbEventLog(DatabasePath))
        using (var states = new StudyStates(store, Snapshots))
        {
            await states.AppendAllAsync(events);
            Assert.True(await states.WriteSnapshotAsync(Slug));
        }

        // The store is replaced by another whose events differ (a backup restored, say); the snapshot stays behind. The
        // participants' key file goes with its store (the other store's participants have the same ids here).
        File.Delete(DatabasePath);
        File.Delete(Path.Combine(_folder.FullName, "store-keys.db"));
        var other = SyntheticAssembly.Events(Slug, 60, seed: 5);
        using (var store = new LiteDbEventLog(DatabasePath))
        using (var states = new StudyStates(store, Snapshots))
        {
            await store.AppendAllAsync(other);
            Assert.Equal(Capture(StudyState.Replay(other)), await CaptureAsync(states));
        }

        var file = Directory.GetFiles(Snapshots.Folder).Single();
        await File.WriteAllTextAsync(file, "{\"not\": \"a snapshot\"");
        using (var store = new LiteDbEventLog(DatabasePath))
        using (var states = new StudyStates(store, Snapshots))
        {
            Assert.Equal(Capture(StudyState.Replay(other)), await CaptureAsync(states));
        }
    }

    [Fact]
    public async Task An_idle_study_is_snapshotted_and_leaves_memory_and_comes_back_whole()
    {
        var time = new FakeTimeProvider(T0);
        using var store = new LiteDbEventLog(DatabasePath);
        using var states = new StudyStates(store, Snapshots, time, new StudyStatesOptions { IdleEviction = TimeSpan.FromMinutes(10) });
        var events = SyntheticAssembly.Events(Slug, 40, seed: 8);
        await states.AppendAllAsync(events);

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await states.EvictIdleAsync());
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal([Slug], await states.EvictIdleAsync());

        Assert.Equal(0, states.LoadedCount);
        Assert.Single(Directory.GetFiles(Snapshots.Folder));
        Assert.Equal(Capture(StudyState.Replay(events)), await CaptureAsync(states));
    }

    [Fact]
    public async Task Asking_for_a_study_that_does_not_exist_leaves_nothing_in_memory()
    {
        using var store = new LiteDbEventLog(DatabasePath);
        using var states = new StudyStates(store, new NoStudySnapshots());

        Assert.Null(await states.ReadAsync("nobody-made-this", state => state.Study));
        await Assert.ThrowsAsync<StudyNotFoundException>(() => states.ChangeAsync("nor-this", _ => StudyDecision.Nothing(true)));

        Assert.Equal(0, states.LoadedCount);
    }

    private static async Task<string> CaptureAsync(StudyStates states) => Capture((await states.ReadAsync(Slug, state => StudyState.Restore(state.Capture())))!);

    private static string Capture(StudyState state) => JsonSerializer.Serialize(state.Capture(), EventHashChain.JsonOptions);

    private static StudyDefined Defined() => new(new Study(Slug, "Live", "", [new Question("q", "Q", "Prompt?", [new StudyContext("c", "When c")])], [], ["en"], StudyPhase.Voting, 4))
    {
        StudyId = Slug, OccurredAt = T0, Actor = "owner",
    };

    private static AnnouncementMade Announcement(string id) => new(id, "Hello.") { StudyId = Slug, OccurredAt = T0, Actor = "facilitator" };

    private static VoteCast Vote(string id, DateTimeOffset at, Verdict verdict = Verdict.Wiser) =>
        new(new WiserThanVote(id, "p1", "a", "b", new ContextRef("q", "c"), verdict, null, null, T0)) { StudyId = Slug, OccurredAt = at, Actor = "p1" };

    /// <summary>A store that refuses some appends the way a full disk does: queued, then failed.</summary>
    private sealed class RefusingLog(IEventLog inner, Func<StudyEvent, bool> refuse) : IEventLog
    {
        public Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default) => inner.AppendAsync(studyEvent, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default) =>
            studyEvents.Any(refuse) ? FailLaterAsync() : inner.AppendAllAsync(studyEvents, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default) => inner.ReadStudyAsync(studyId, cancellationToken);

        public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => inner.VerifyAsync(cancellationToken);

        public Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default) => inner.HashAtAsync(sequence, cancellationToken);

        private static async Task<IReadOnlyList<RecordedEvent>> FailLaterAsync()
        {
            await Task.Delay(20);
            throw new IOException("disk full");
        }
    }

    /// <summary>Records from which sequence each study read started.</summary>
    private sealed class ReadCountingLog(IEventLog inner) : IEventLog
    {
        public List<long> TailReads { get; } = [];

        public Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default) => inner.AppendAsync(studyEvent, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default) => inner.AppendAllAsync(studyEvents, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default) => ReadStudyAsync(studyId, 0, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default)
        {
            TailReads.Add(afterSequence);
            return inner.ReadStudyAsync(studyId, afterSequence, cancellationToken);
        }

        public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => inner.VerifyAsync(cancellationToken);

        public Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default) => inner.HashAtAsync(sequence, cancellationToken);
    }
}
