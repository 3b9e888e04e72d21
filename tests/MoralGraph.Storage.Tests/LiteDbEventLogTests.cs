using LiteDB;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;
using static MoralGraph.Storage.Tests.TestEvents;

namespace MoralGraph.Storage.Tests;

public sealed class LiteDbEventLogTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("moralgraph-storage-");

    private string DatabasePath => Path.Combine(_folder.FullName, "store.db");

    [Fact]
    public async Task Eight_concurrent_writers_of_five_thousand_votes_each_lose_nothing()
    {
        using (var log = new LiteDbEventLog(DatabasePath))
        {
            await log.AppendAsync(Defined());
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 5_000; i++)
                {
                    await log.AppendAsync(VoteEvent($"w{w}", i));
                }
            }));
            await Task.WhenAll(writers);
        }

        using var reopened = new LiteDbEventLog(DatabasePath);
        var events = await reopened.ReadStudyAsync("s");
        Assert.Equal(40_000, events.Count(e => e.Event is VoteCast));
        Assert.Equal(40_000, events.Select(e => ((e.Event as VoteCast)?.Vote.VoteId) ?? "").Where(id => id.Length > 0).Distinct().Count());
        var verification = await reopened.VerifyAsync();
        Assert.True(verification.IsIntact);
        Assert.Equal(40_001, verification.EventCount);
        Assert.Equal(40_000, StudyState.Replay(events.Select(e => e.Event)).Votes.EffectiveCount);
    }

    [Fact]
    public async Task A_replayed_vote_is_stored_once_and_returns_the_first_record()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAsync(Defined());
        var first = await log.AppendAsync(VoteEvent("p", 1));
        var replay = await log.AppendAsync(VoteEvent("p", 1) with { OccurredAt = T0.AddHours(1) });

        Assert.Equal(first.Sequence, replay.Sequence);
        Assert.Equal(2, (await log.ReadStudyAsync("s")).Count);
    }

    [Fact]
    public async Task Duplicates_inside_one_batch_are_stored_once()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        var recorded = await log.AppendAllAsync([Defined(), VoteEvent("p", 1), VoteEvent("p", 1)]);

        Assert.Equal(recorded[1].Sequence, recorded[2].Sequence);
        Assert.Equal(2, (await log.ReadStudyAsync("s")).Count);
    }

    [Fact]
    public async Task The_hash_chain_detects_an_altered_event()
    {
        using (var log = new LiteDbEventLog(DatabasePath))
        {
            await log.AppendAllAsync([Defined(), VoteEvent("p", 1), VoteEvent("p", 2), VoteEvent("p", 3)]);
            Assert.True((await log.VerifyAsync()).IsIntact);
        }

        using (var raw = new LiteDatabase(DatabasePath))
        {
            var events = raw.GetCollection("events");
            var third = events.FindById(3);
            third["Payload"] = third["Payload"].AsString.Replace("\"wiser\"", "\"not-wiser\"", StringComparison.Ordinal);
            events.Update(third);
        }

        using var reopened = new LiteDbEventLog(DatabasePath);
        var verification = await reopened.VerifyAsync();
        Assert.False(verification.IsIntact);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Contains("altered", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hash_chain_detects_a_removed_event()
    {
        using (var log = new LiteDbEventLog(DatabasePath))
        {
            await log.AppendAllAsync([Defined(), VoteEvent("p", 1), VoteEvent("p", 2)]);
        }

        using (var raw = new LiteDatabase(DatabasePath))
        {
            raw.GetCollection("events").Delete(2);
        }

        using var reopened = new LiteDbEventLog(DatabasePath);
        var verification = await reopened.VerifyAsync();
        Assert.False(verification.IsIntact);
        Assert.Contains("missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refiling_an_event_under_another_study_is_detected()
    {
        using (var log = new LiteDbEventLog(DatabasePath))
        {
            await log.AppendAllAsync([Defined(), VoteEvent("p", 1), VoteEvent("p", 2)]);
        }

        using (var raw = new LiteDatabase(DatabasePath))
        {
            var events = raw.GetCollection("events");
            var second = events.FindById(2);
            second["StudyId"] = "elsewhere";
            events.Update(second);
        }

        using var reopened = new LiteDbEventLog(DatabasePath);
        var verification = await reopened.VerifyAsync();
        Assert.False(verification.IsIntact);
        Assert.Equal(2, verification.FirstBrokenSequence);
        await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.ReadStudyAsync("elsewhere"));
    }

    [Fact]
    public async Task The_same_id_with_other_content_is_a_conflict_and_the_writer_keeps_going()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAsync(Defined());
        await log.AppendAsync(VoteEvent("p", 1));
        var changed = VoteEvent("p", 1) with { Vote = VoteEvent("p", 1).Vote with { Verdict = Verdict.NotWiser } };

        var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(() => log.AppendAsync(changed));
        Assert.Equal("vote:s:p-1", conflict.Key);

        var next = await log.AppendAsync(VoteEvent("p", 2));
        Assert.Equal(3, next.Sequence);
        Assert.True((await log.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_conflict_inside_a_group_fails_only_its_own_append()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAsync(Defined());
        await log.AppendAsync(VoteEvent("p", 1));
        var changed = VoteEvent("p", 1) with { Actor = "someone else" };

        // Queued back to back so that, however the writer groups them, the conflict shares a group with others.
        var appends = Enumerable.Range(2, 20).Select(i => log.AppendAsync(VoteEvent("p", i))).ToList();
        appends.Add(log.AppendAsync(changed));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => appends[^1]);
        await Task.WhenAll(appends.Take(20));

        Assert.Equal(22, (await log.ReadStudyAsync("s")).Count);
        Assert.True((await log.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task An_append_that_reuses_a_key_within_itself_fails_whole_and_its_neighbours_go_ahead()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAsync(Defined());
        var changed = VoteEvent("p", 1) with { Actor = "someone else" };

        var conflicting = log.AppendAllAsync([VoteEvent("p", 1), VoteEvent("p", 2), changed]);
        var neighbour = log.AppendAsync(VoteEvent("p", 3));

        var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(() => conflicting);
        Assert.Equal("vote:s:p-1", conflict.Key);
        Assert.Equal(2, (await neighbour).Sequence);
        Assert.Equal(["s", "p-3"], (await log.ReadStudyAsync("s")).Select(e => (e.Event as VoteCast)?.Vote.VoteId ?? e.Event.StudyId));
    }

    [Fact]
    public async Task Appends_are_committed_in_the_order_they_were_called_even_from_many_threads()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAsync(Defined());

        // Callers that need an order make their calls under a lock; each call queues its events before it returns.
        var order = new Lock();
        var calls = new List<Task<IReadOnlyList<RecordedEvent>>>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                lock (order)
                {
                    calls.Add(log.AppendAllAsync([VoteEvent($"w{writer}", 2 * i), VoteEvent($"w{writer}", (2 * i) + 1)]));
                }
            }
        })));

        var sequences = (await Task.WhenAll(calls)).SelectMany(recorded => recorded.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(2, 800).Select(s => (long)s), sequences);
    }

    [Fact]
    public async Task An_acknowledged_append_is_in_the_files_when_it_returns()
    {
        // No checkpoint: copying two files is not one instant like a crash, and a copy that caught the log before a
        // checkpoint emptied it and the data file after would hold old page versions over new ones.
        using var log = new LiteDbEventLog(DatabasePath, checkpointLogBytes: long.MaxValue);
        await log.AppendAsync(Defined());
        using var others = new CancellationTokenSource();
        var background = Enumerable.Range(0, 7).Select(writer => Task.Run(async () =>
        {
            // Bounded: the log is never checkpointed here, and every copy below reads all of it back.
            for (var i = 0; i < 200 && !others.IsCancellationRequested; i++)
            {
                await log.AppendAsync(VoteEvent($"w{writer}", i));
            }
        })).ToList();

        // What a process killed right after the acknowledgement leaves behind: the files as they are at that moment,
        // while other writers' groups are still being written.
        var snapshot = _folder.CreateSubdirectory("snapshot");
        for (var i = 0; i < 12; i++)
        {
            var acknowledged = await log.AppendAsync(VoteEvent("p", i));
            File.Copy(Path.Combine(_folder.FullName, "store-log.db"), Path.Combine(snapshot.FullName, "store-log.db"), overwrite: true);
            File.Copy(DatabasePath, Path.Combine(snapshot.FullName, "store.db"), overwrite: true);

            using var copy = new LiteDbEventLog(Path.Combine(snapshot.FullName, "store.db"));
            Assert.Equal(acknowledged.Hash, await copy.HashAtAsync(acknowledged.Sequence));
            Assert.True((await copy.VerifyAsync()).IsIntact);
        }

        await others.CancelAsync();
        await Task.WhenAll(background);
    }

    [Fact]
    public async Task The_log_is_copied_into_the_data_file_once_it_grows_and_when_the_store_closes()
    {
        const long threshold = 64 * 1024;
        var logFile = Path.Combine(_folder.FullName, "store-log.db");
        using (var log = new LiteDbEventLog(DatabasePath, threshold))
        {
            await log.AppendAsync(Defined());
            long longest = 0;
            for (var i = 0; i < 300; i++)
            {
                await log.AppendAsync(VoteEvent("p", i));
                longest = Math.Max(longest, new FileInfo(logFile).Length);
            }

            // A group's pages can take the log past the threshold; the checkpoint after it brings it back.
            Assert.InRange(longest, threshold, threshold + (256 * 1024));
        }

        Assert.False(File.Exists(logFile));
        using var raw = new LiteDatabase(DatabasePath);
        Assert.Equal(301, raw.GetCollection("events").Count());
    }

    [Fact]
    public async Task A_store_that_can_no_longer_be_written_fails_appends_instead_of_the_process()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAsync(Defined());

        // Simulate the engine shutting down under the writer for a reason other than the disk (after an I/O error
        // LiteDB rethrows that error, and the log reopens the store: see the full-disk tests).
        var store = (LiteDbStore)typeof(LiteDbEventLog).GetField("_store", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(log)!;
        store.Database.Dispose();

        await Assert.ThrowsAnyAsync<Exception>(() => log.AppendAsync(VoteEvent("p", 1)));
        var refused = await Assert.ThrowsAsync<IOException>(() => log.AppendAsync(VoteEvent("p", 2)));
        Assert.Contains("can no longer be written", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_an_io_error_shuts_LiteDB_down_the_store_is_reopened_for_readers_and_writers()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAsync(Defined());
        var first = await log.AppendAsync(VoteEvent("p", 1));

        // After an I/O error anywhere, a reader's included, LiteDB closes its engine and rethrows that error from then on.
        ShutDownAfterIoError(log);
        Assert.Equal(2, (await log.ReadStudyAsync("s")).Count);

        ShutDownAfterIoError(log);
        var next = await log.AppendAsync(VoteEvent("p", 2));
        Assert.Equal((3L, first.Hash), (next.Sequence, next.PreviousHash));
        Assert.True((await log.VerifyAsync()).IsIntact);

        static void ShutDownAfterIoError(LiteDbEventLog log)
        {
            const System.Reflection.BindingFlags hidden = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
            var store = (LiteDbStore)typeof(LiteDbEventLog).GetField("_store", hidden)!.GetValue(log)!;
            var engine = typeof(LiteDatabase).GetField("_engine", hidden)!.GetValue(store.Database)!;
            var state = engine.GetType().GetField("_state", hidden)!.GetValue(engine)!;
            state.GetType().GetMethod("Handle")!.Invoke(state, [new IOException("Input/output error (simulated)")]);
        }
    }

    [Fact]
    public async Task The_chain_continues_across_restarts()
    {
        using (var log = new LiteDbEventLog(DatabasePath))
        {
            await log.AppendAllAsync([Defined(), VoteEvent("p", 1)]);
        }

        using (var log = new LiteDbEventLog(DatabasePath))
        {
            var next = await log.AppendAsync(VoteEvent("p", 2));
            Assert.Equal(3, next.Sequence);
            Assert.True((await log.VerifyAsync()).IsIntact);
        }
    }

    [Fact]
    public async Task The_catalog_lists_studies_with_their_phase()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAllAsync([Defined(), VoteEvent("p", 1), new PhaseChanged(StudyPhase.Closed) { StudyId = "s", OccurredAt = T0, Actor = "owner" }]);

        var study = Assert.Single(await log.ListAsync());
        Assert.Equal(("s", "Storage test", StudyPhase.Closed, 1, 3L), (study.Slug, study.Title, study.Phase, study.QuestionCount, study.EventCount));
    }

    [Fact]
    public void A_second_owner_of_the_same_store_is_refused_until_the_first_closes()
    {
        using (var first = new LiteDbEventLog(DatabasePath))
        {
            var refused = Assert.Throws<StoreInUseException>(() => new LiteDbEventLog(DatabasePath));
            Assert.Contains("in use by another process", refused.Message, StringComparison.Ordinal);
        }

        using var second = new LiteDbEventLog(DatabasePath);
        Assert.Equal(DatabasePath, second.Path);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
