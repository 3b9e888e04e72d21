using LiteDB;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Storage.Tests;

public sealed class LiteDbEventLogTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
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
    public async Task A_store_that_can_no_longer_be_written_fails_appends_instead_of_the_process()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAsync(Defined());

        // Simulate the engine shutting down under the writer (what LiteDB does after an I/O error).
        var database = (LiteDatabase)typeof(LiteDbEventLog).GetField("_database", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(log)!;
        database.Dispose();

        await Assert.ThrowsAnyAsync<Exception>(() => log.AppendAsync(VoteEvent("p", 1)));
        var refused = await Assert.ThrowsAsync<IOException>(() => log.AppendAsync(VoteEvent("p", 2)));
        Assert.Contains("can no longer be written", refused.Message, StringComparison.Ordinal);
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

    private static StudyDefined Defined() => new(new Study("s", "Storage test", "", [new Question("q", "Q", "Prompt?", [new StudyContext("c", "When testing")])], [], ["en"], StudyPhase.Voting, 4))
    {
        StudyId = "s", OccurredAt = T0, Actor = "test",
    };

    private static VoteCast VoteEvent(string participant, int number) =>
        new(new WiserThanVote($"{participant}-{number}", participant, $"v{number}", $"v{number + 1}", new ContextRef("q", "c"), Verdict.Wiser, null, null, T0.AddSeconds(number)))
        {
            StudyId = "s", OccurredAt = T0.AddSeconds(number), Actor = participant,
        };
}
