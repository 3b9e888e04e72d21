using System.Collections.Concurrent;
using MoralGraph.Core.Access;
using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.PostgreSql.EventLog;
using Npgsql;
using static MoralGraph.Storage.PostgreSql.Tests.EventStoreConformanceTests;
using static MoralGraph.Storage.Tests.TestEvents;

namespace MoralGraph.Storage.PostgreSql.Tests;

/// <summary>Two app instances (two stores, two writers) on one PostgreSQL database.</summary>
[Collection(PostgreSqlServerGroup.Name)]
public sealed class SharedEventLogTests(PostgreSqlFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private string _connectionString = "";
    private PostgreSqlEventLog _first = null!;
    private PostgreSqlEventLog _second = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await fixture.Server.CreateDatabaseAsync();
        _first = await PostgreSqlEventLog.OpenAsync(_connectionString);
        _second = await PostgreSqlEventLog.OpenAsync(_connectionString);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task Two_writers_appending_at_once_share_one_linear_chain()
    {
        await _first.AppendAsync(Defined());
        var appends = new[] { _first, _second }.SelectMany((log, instance) => Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await log.AppendAsync(VoteEvent($"i{instance}w{writer}", i));
            }
        })));
        await Task.WhenAll(appends);

        var first = await _first.VerifyAsync();
        var second = await _second.VerifyAsync();
        Assert.True(first.IsIntact, first.Problem);
        Assert.Equal((801L, first.HeadHash), (second.EventCount, second.HeadHash));
        Assert.Equal(Enumerable.Range(1, 801).Select(i => (long)i), (await _second.ReadStudyAsync("s")).Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_condition_is_refused_when_another_writer_appended_to_a_stream_it_read_and_nothing_is_stored()
    {
        var defined = await _first.AppendAsync(Defined());
        var theirs = await _second.AppendAsync(VoteEvent("p", 1));
        var headBefore = (await _first.VerifyAsync()).HeadHash;

        var refusal = await Assert.ThrowsAsync<StreamConflictException>(() =>
            _first.AppendAllAsync([VoteEvent("p", 2)], new AppendCondition([StudyStreams.Participant("p"), StudyStreams.Study], defined.Sequence)));

        Assert.Equal(("s", "participant/p", theirs.Sequence), (refusal.StudyId, refusal.Stream, refusal.Sequence));
        Assert.Equal(headBefore, (await _first.VerifyAsync()).HeadHash);

        // Decided again on a state that holds the other writer's event: accepted.
        var retried = await _first.AppendAllAsync([VoteEvent("p", 2)], new AppendCondition([StudyStreams.Participant("p"), StudyStreams.Study], theirs.Sequence));
        Assert.Equal(3, retried[0].Sequence);
    }

    [Fact]
    public async Task A_condition_holds_over_the_writers_own_events_and_streams_it_did_not_read()
    {
        var defined = await _first.AppendAsync(Defined());
        await _first.AppendAsync(VoteEvent("mine", 1));
        await _second.AppendAsync(VoteEvent("theirs", 1));

        var own = await _first.AppendAllAsync([VoteEvent("mine", 2)], new AppendCondition([StudyStreams.Participant("mine"), StudyStreams.Study], defined.Sequence));
        var other = await _first.AppendAllAsync([VoteEvent("third", 1)], new AppendCondition([StudyStreams.Participant("third")], defined.Sequence));

        Assert.Equal([4L, 5], [own[0].Sequence, other[0].Sequence]);
        await Assert.ThrowsAsync<StreamConflictException>(() =>
            _first.AppendAllAsync([VoteEvent("mine", 3)], new AppendCondition([StudyStreams.Seats, StudyStreams.Participant("theirs")], defined.Sequence)));
        Assert.True((await _first.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_replay_under_a_stale_condition_answers_with_the_stored_event()
    {
        await _first.AppendAsync(Defined());
        var stored = await _first.AppendAsync(VoteEvent("p", 1));
        await _second.AppendAsync(VoteEvent("p", 2));

        var replay = await _first.AppendAllAsync([VoteEvent("p", 1)], new AppendCondition([StudyStreams.Participant("p")], 1));

        Assert.Equal(stored.Sequence, replay[0].Sequence);
    }

    [Fact]
    public async Task A_follower_hears_the_other_writers_commits()
    {
        var heard = new ConcurrentQueue<StudyAppended>();
        using var following = _first.Follow(heard.Enqueue);
        await _second.AppendAsync(Defined());

        // Follow listens from a connection it opens by itself: append until it hears one.
        var last = await AppendUntilHeardAsync(heard, a => a.WriterId == _second.WriterId);

        Assert.Contains(heard, a => a.StudyId == "s" && a.Sequence == last && a.WriterId == _second.WriterId);
    }

    [Fact]
    public async Task A_follower_hears_its_own_writers_commits_too_one_notice_per_study_per_commit()
    {
        var heard = new ConcurrentQueue<StudyAppended>();
        using (var following = _second.Follow(heard.Enqueue))
        {
            await _second.AppendAsync(Defined());
            await AppendUntilHeardAsync(heard, a => a.WriterId == _second.WriterId);
            heard.Clear();

            var recorded = await _second.AppendAllAsync([VoteEvent("p", 1), VoteEvent("p", 2), new FacilitatorAccountCreated("ada", "hash") { StudyId = AccessLog.StreamId, OccurredAt = T0, Actor = "ada" }]);
            await WaitUntilAsync(() => heard.Count >= 2);
            await Task.Delay(200);

            Assert.Equal(
                [("s", recorded[1].Sequence), (AccessLog.StreamId, recorded[2].Sequence)],
                heard.Select(a => (a.StudyId!, a.Sequence)).OrderBy(a => a.Item2));
        }

        // Once the subscription is disposed, nothing more is heard.
        heard.Clear();
        await _second.AppendAsync(VoteEvent("p", 3));
        await Task.Delay(300);
        Assert.Empty(heard);
    }

    [Fact]
    public async Task After_its_connection_is_cut_a_follower_is_told_to_catch_up_and_hears_commits_again()
    {
        var heard = new ConcurrentQueue<StudyAppended>();
        using var following = _first.Follow(heard.Enqueue);
        await _second.AppendAsync(Defined());
        await AppendUntilHeardAsync(heard, a => a.StudyId == "s");

        Assert.Equal(1, await TerminateAsync(_first.ListenerApplicationName));
        await WaitUntilAsync(() => heard.Any(a => a.StudyId is null && a.Sequence == 0 && a.WriterId == ""));

        var next = await _second.AppendAsync(VoteEvent("p", 99));
        await WaitUntilAsync(() => heard.Any(a => a.Sequence >= next.Sequence));
    }

    [Fact]
    public async Task A_cut_writer_connection_costs_no_append_and_no_link()
    {
        await _first.AppendAsync(Defined());
        Assert.Equal(1, await TerminateAsync(_first.WriterApplicationName));

        var next = await _first.AppendAsync(VoteEvent("p", 1));

        Assert.Equal(2, next.Sequence);
        Assert.True((await _first.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_withdrawal_on_one_instance_erases_the_words_another_instance_had_cached()
    {
        await _first.AppendAllAsync([Defined(), .. Journey("leaver", "WOMBAT-WORDS"), .. Journey("stayer", "OTTER-WORDS")]);
        Assert.Contains(Texts(await _second.ReadStudyAsync("s")), t => t.Contains("WOMBAT-WORDS", StringComparison.Ordinal));
        var keyId = _second.KeyStore.GetOrCreate("s", "leaver").KeyId;

        await _first.AppendAsync(Withdrew("leaver"));

        // The key is destroyed in the database with the withdrawal's commit, not after.
        await using (var dataSource = NpgsqlDataSource.Create(_connectionString))
        await using (var command = dataSource.CreateCommand("SELECT material IS NULL FROM participant_keys WHERE participant_id = 'leaver'"))
        {
            Assert.Equal(true, await command.ExecuteScalarAsync());
        }

        var texts = Texts(await _second.ReadStudyAsync("s"));
        Assert.DoesNotContain(texts, t => t.Contains("WOMBAT-WORDS", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("OTTER-WORDS", StringComparison.Ordinal));
        Assert.True(_second.KeyStore.Find(keyId)!.IsDestroyed);
        await using var third = await PostgreSqlEventLog.OpenAsync(_connectionString);
        Assert.Contains(ParticipantText.Withdrawn, Texts(await third.ReadStudyAsync("s")));
        Assert.True((await third.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Two_instances_meeting_a_new_participant_at_once_agree_on_one_key()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => (i % 2 == 0 ? _first : _second).KeyStore.GetOrCreate("s", "newcomer"))));

        Assert.Single(keys.Select(k => k.KeyId).Distinct());
        Assert.Single(keys.Select(k => Convert.ToHexString(k.Material!)).Distinct());
    }

    [Fact]
    public async Task A_log_copied_from_LiteDB_verifies_to_the_same_head()
    {
        var folder = Directory.CreateTempSubdirectory("moralgraph-copy-");
        try
        {
            IReadOnlyList<RecordedEvent> source;
            ChainVerification liteHead;
            using (var lite = new LiteDbEventLog(Path.Combine(folder.FullName, "store.db")))
            {
                await lite.AppendAllAsync([Defined(), .. Enumerable.Range(1, 50).Select(i => VoteEvent($"p{i % 7}", i))]);
                source = await lite.ReadStudyAsync("s");
                liteHead = await lite.VerifyAsync();
            }

            await _first.AppendAllAsync([.. source.Select(e => e.Event)]);

            var copied = await _second.VerifyAsync();
            Assert.True(copied.IsIntact, copied.Problem);
            Assert.Equal((liteHead.EventCount, liteHead.HeadHash), (copied.EventCount, copied.HeadHash));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Verification_detects_an_event_altered_in_the_database()
    {
        await _first.AppendAllAsync([Defined(), VoteEvent("p", 1), VoteEvent("p", 2)]);
        await using (var dataSource = NpgsqlDataSource.Create(_connectionString))
        await using (var command = dataSource.CreateCommand("UPDATE events SET payload = replace(payload, '\"wiser\"', '\"not-wiser\"') WHERE sequence = 2"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var verification = await _second.VerifyAsync();

        Assert.False(verification.IsIntact);
        Assert.Equal(2, verification.FirstBrokenSequence);
        Assert.Contains("altered", verification.Problem, StringComparison.Ordinal);
    }

    private async Task<long> AppendUntilHeardAsync(ConcurrentQueue<StudyAppended> heard, Func<StudyAppended, bool> wanted)
    {
        var deadline = DateTime.UtcNow + Patience;
        var number = 1_000;
        while (DateTime.UtcNow < deadline)
        {
            var appended = await _second.AppendAsync(VoteEvent("listener-check", number++));
            for (var i = 0; i < 10; i++)
            {
                if (heard.Any(a => wanted(a) && a.Sequence >= appended.Sequence))
                {
                    return appended.Sequence;
                }

                await Task.Delay(20);
            }
        }

        throw new TimeoutException("The follower heard nothing.");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(50);
        }
    }

    private async Task<int> TerminateAsync(string applicationName)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @name) t");
        command.Parameters.AddWithValue("name", applicationName);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }
}
