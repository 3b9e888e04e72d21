using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Core.Synthetic;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.PostgreSql.EventLog;
using MoralGraph.Storage.PostgreSql.Tests;
using Npgsql;
using Xunit.Abstractions;

namespace MoralGraph.Cli.Tests;

/// <summary><c>moralgraph store copy</c> between LiteDB and a real PostgreSQL server, and <c>--db postgres:…</c>.</summary>
[Collection(PostgreSqlServerGroup.Name)]
public sealed class StoreCopyCommandTests(PostgreSqlFixture postgres, ITestOutputHelper console) : IDisposable
{
    private const string Study = "assembly";
    private const string KeptWords = "Words of turn 3 from sp-000002.";
    private const string WithdrawnWords = "Words of turn 3 from sp-000001.";
    private const string Password = "correct horse battery staple";

    private readonly CliSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Store_copy_to_postgres_and_back_keeps_the_head_the_words_the_withdrawal_and_the_facilitators()
    {
        var sourceEvents = await WriteStoreAsync();
        var sourceHead = HeadOf(await CliSandbox.RunWithoutStoreAsync("audit", "verify", "--db", _sandbox.Store));
        var database = await postgres.Server.CreateDatabaseAsync();

        var there = await CliSandbox.RunWithoutStoreAsync("store", "copy", "--from", "litedb:" + _sandbox.Store, "--to", "postgres:" + database);
        var verifiedThere = await CliSandbox.RunWithoutStoreAsync("audit", "verify", "--db", "postgres:" + database);
        var facilitatorsThere = await CliSandbox.RunWithoutStoreAsync("facilitator", "list", "--db", "postgres:" + database);

        console.WriteLine(there.Output + verifiedThere.Output);
        Assert.Equal((0, string.Empty), (there.ExitCode, there.Error));
        Assert.Contains($"Head: {sourceHead}", there.Output, StringComparison.Ordinal);
        Assert.Contains("Snapshots were not copied", there.Output, StringComparison.Ordinal);
        Assert.Equal(sourceHead, HeadOf(verifiedThere));
        Assert.Contains("ana", facilitatorsThere.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await CliSandbox.RunWithoutStoreAsync("audit", "replay", "--db", "postgres:" + database)).ExitCode);
        await using (var log = await PostgreSqlEventLog.OpenAsync(database))
        {
            AssertSameStudy(sourceEvents, await log.ReadStudyAsync(Study));
        }

        var back = _sandbox.PathOf("back/store.db");
        var again = await CliSandbox.RunWithoutStoreAsync("store", "copy", "--from", "postgres:" + database, "--to", back);
        var verifiedBack = await CliSandbox.RunWithoutStoreAsync("audit", "verify", "--db", "litedb:" + back);

        console.WriteLine(again.Output + verifiedBack.Output);
        Assert.Equal((0, string.Empty), (again.ExitCode, again.Error));
        Assert.Equal(sourceHead, HeadOf(verifiedBack));
        Assert.Equal(0, (await CliSandbox.RunWithoutStoreAsync("audit", "replay", "--db", back)).ExitCode);
        using (var log = new LiteDbEventLog(back))
        using (var source = new LiteDbEventLog(_sandbox.Store))
        {
            AssertSameStudy(sourceEvents, await log.ReadStudyAsync(Study));
            Assert.Equal(await source.ReadStoredAsync(0, 100_000), await log.ReadStoredAsync(0, 100_000));
        }

        Assert.DoesNotContain(_sandbox.Folder.EnumerateFiles("*", SearchOption.AllDirectories), f => f.Name.Contains(".copying-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Store_copy_refuses_a_target_that_holds_a_store_and_leaves_it_as_it_was()
    {
        await WriteStoreAsync();
        var database = await postgres.Server.CreateDatabaseAsync();
        Assert.Equal(0, (await CliSandbox.RunWithoutStoreAsync("store", "copy", "--from", _sandbox.Store, "--to", "postgres:" + database)).ExitCode);
        var other = _sandbox.PathOf("other.db");
        using (var log = new LiteDbEventLog(other))
        {
            await log.AppendAllAsync([.. SyntheticAssembly.Events("other", 4, seed: 3)]);
        }

        var otherHead = HeadOf(await CliSandbox.RunWithoutStoreAsync("audit", "verify", "--db", other));

        var intoPostgres = await CliSandbox.RunWithoutStoreAsync("store", "copy", "--from", other, "--to", "postgres:" + database);
        var intoLiteDb = await CliSandbox.RunWithoutStoreAsync("store", "copy", "--from", "postgres:" + database, "--to", other);

        Assert.Equal(1, intoPostgres.ExitCode);
        Assert.Contains("already holds a store", intoPostgres.Error, StringComparison.Ordinal);
        Assert.Contains("studies assembly", intoPostgres.Error, StringComparison.Ordinal);
        Assert.Equal(1, intoLiteDb.ExitCode);
        Assert.Contains("already holds a store", intoLiteDb.Error, StringComparison.Ordinal);
        Assert.Contains("other", intoLiteDb.Error, StringComparison.Ordinal);
        Assert.Equal(otherHead, HeadOf(await CliSandbox.RunWithoutStoreAsync("audit", "verify", "--db", other)));
        Assert.Equal(
            HeadOf(await CliSandbox.RunWithoutStoreAsync("audit", "verify", "--db", _sandbox.Store)),
            HeadOf(await CliSandbox.RunWithoutStoreAsync("audit", "verify", "--db", "postgres:" + database)));
    }

    [Fact]
    public async Task Store_copy_refuses_a_broken_source_and_writes_no_target()
    {
        await WriteStoreAsync();
        var database = await postgres.Server.CreateDatabaseAsync();
        Assert.Equal(0, (await CliSandbox.RunWithoutStoreAsync("store", "copy", "--from", _sandbox.Store, "--to", "postgres:" + database)).ExitCode);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var alter = new NpgsqlCommand("UPDATE events SET payload = replace(payload, 'assembly', 'assembly ') WHERE sequence = 5", connection);
            Assert.Equal(1, await alter.ExecuteNonQueryAsync());
        }

        var target = _sandbox.PathOf("copy.db");
        var copied = await CliSandbox.RunWithoutStoreAsync("store", "copy", "--from", "postgres:" + database, "--to", target);

        Assert.Equal(1, copied.ExitCode);
        Assert.Contains("broken at event 5", copied.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was copied", copied.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.DoesNotContain(_sandbox.Folder.EnumerateFiles(), f => f.Name.StartsWith("copy", StringComparison.Ordinal) || f.Name.StartsWith(".copy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_row_that_breaks_the_chain_mid_copy_leaves_either_target_empty()
    {
        await WriteStoreAsync();
        IReadOnlyList<StoredEventRow> rows;
        IReadOnlyList<ParticipantKey> keys;
        using (var source = new LiteDbEventLog(_sandbox.Store))
        {
            rows = await source.ReadStoredAsync(0, 100_000);
            keys = await source.ExportParticipantKeysAsync();
        }

        // The first pages are good and written; the last one holds an altered event.
        var broken = rows.Select((r, i) => i == rows.Count - 3 ? r with { Payload = r.Payload.Replace("sp-0", "sp-9", StringComparison.Ordinal) } : r).ToList();
        var database = await postgres.Server.CreateDatabaseAsync();
        var target = _sandbox.PathOf("copy.db");

        await using (var log = await PostgreSqlEventLog.OpenAsync(database))
        {
            var intoPostgres = await Assert.ThrowsAsync<InvalidDataException>(() => log.ImportStoredAsync(PagesOf(broken), keys));
            Assert.Contains($"broken at event {rows.Count - 2}", intoPostgres.Message, StringComparison.Ordinal);
            Assert.Empty(await log.ReadStoredAsync(0, 10));
            Assert.Empty(await log.ExportParticipantKeysAsync());
        }

        var intoLiteDb = await Assert.ThrowsAsync<InvalidDataException>(() => Storage.Copying.LiteDbStoreImport.ImportAsync(target, PagesOf(broken), keys));
        Assert.Contains($"broken at event {rows.Count - 2}", intoLiteDb.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Folder.EnumerateFiles(), f => f.Name.Contains("copy", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mysql:Server=x", "unknown store scheme 'mysql:'")]
    [InlineData("litedb:/no/such/folder/store.db", "no store there (the folder does not exist either)")]
    [InlineData("postgres:", "postgres: needs a connection string")]
    public async Task Store_copy_refuses_a_source_it_cannot_name_or_find(string from, string expected)
    {
        var copied = await CliSandbox.RunWithoutStoreAsync("store", "copy", "--from", from, "--to", _sandbox.PathOf("copy.db"));

        Assert.Equal(1, copied.ExitCode);
        Assert.Contains(expected, copied.Error, StringComparison.Ordinal);
        Assert.Empty(_sandbox.Folder.EnumerateFiles());
    }

    [Fact]
    public async Task Store_encrypt_on_a_postgres_store_says_it_is_for_litedb_files()
    {
        var encrypted = await CliSandbox.RunWithoutStoreAsync("store", "encrypt", "--db", "postgres:Host=127.0.0.1;Port=1;Database=mg");

        Assert.Equal(1, encrypted.ExitCode);
        Assert.Contains("a PostgreSQL store was always written encrypted", encrypted.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_copy_refuses_an_unknown_target_scheme()
    {
        await WriteStoreAsync();

        var copied = await CliSandbox.RunWithoutStoreAsync("store", "copy", "--from", _sandbox.Store, "--to", "sqlite:copy.db");

        Assert.Equal(1, copied.ExitCode);
        Assert.Contains("unknown store scheme 'sqlite:'", copied.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_postgres_that_cannot_be_reached_or_signed_into_says_so_in_one_line_without_the_password()
    {
        const string Secret = "s3cret-pw";
        var unreachable = $"postgres:Host=127.0.0.1;Port=1;Database=mg;Username=postgres;Password={Secret};Timeout=5";
        var wrongUser = postgres.Server.ConnectionString().Replace("Username=postgres", "Username=nobody", StringComparison.Ordinal) + $";Password={Secret}";

        var refused = await CliSandbox.RunWithoutStoreAsync("audit", "verify", "--db", unreachable);
        var unknownRole = await CliSandbox.RunWithoutStoreAsync("audit", "verify", "--db", "postgres:" + wrongUser);

        foreach (var (exitCode, output, error) in new[] { refused, unknownRole })
        {
            Assert.Equal((1, string.Empty), (exitCode, output));
            Assert.StartsWith("error: cannot open the PostgreSQL store postgres:", error, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", error.Split(':', 3)[^1].Split('\n').Skip(1).FirstOrDefault() ?? "", StringComparison.Ordinal);
            Assert.Single(error.TrimEnd().Split('\n'));
        }

        Assert.Contains("nobody", unknownRole.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_commands_refuse_a_postgres_database_without_a_store_and_create_nothing_in_it()
    {
        var database = await postgres.Server.CreateDatabaseAsync();

        var verified = await CliSandbox.RunWithoutStoreAsync("audit", "verify", "--db", "postgres:" + database);

        Assert.Equal(1, verified.ExitCode);
        Assert.Contains("holds no MoralGraph store", verified.Error, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var tables = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", connection);
        Assert.Equal(0L, await tables.ExecuteScalarAsync());
    }

    /// <summary>A study with participants' words, one of them withdrawn, and a facilitator account; returns the study as read.</summary>
    private async Task<IReadOnlyList<RecordedEvent>> WriteStoreAsync()
    {
        using (var log = new LiteDbEventLog(_sandbox.Store))
        {
            await log.AppendAllAsync([.. SyntheticAssembly.Events(Study, 12, seed: 2)]);
            await log.AppendAsync(new ParticipantWithdrew("sp-000001") { StudyId = Study, OccurredAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), Actor = "sp-000001" });
        }

        Assert.Equal(0, (await _sandbox.RunWithInputAsync(Password + "\n", "facilitator", "add", "ana", "--role", "owner", "--password-stdin")).ExitCode);
        using var written = new LiteDbEventLog(_sandbox.Store);
        var events = await written.ReadStudyAsync(Study);
        Assert.Contains(events, e => e.Event is InterviewMessagePosted { Message.Text: KeptWords });
        Assert.DoesNotContain(events, e => e.Event is InterviewMessagePosted { Message.Text: WithdrawnWords });
        return events;
    }

#pragma warning disable CS1998 // An async iterator over rows in memory, as the copy reads pages from a store.
    private static async IAsyncEnumerable<IReadOnlyList<StoredEventRow>> PagesOf(IReadOnlyList<StoredEventRow> rows)
#pragma warning restore CS1998
    {
        foreach (var page in rows.Chunk(50))
        {
            yield return page;
        }
    }

    private static void AssertSameStudy(IReadOnlyList<RecordedEvent> expected, IReadOnlyList<RecordedEvent> actual)
    {
        Assert.Equal(expected.Select(e => (e.Sequence, e.PayloadJson, e.Hash)), actual.Select(e => (e.Sequence, e.PayloadJson, e.Hash)));
        Assert.Equal(expected.Select(e => EventHashChain.Serialize(e.Event)), actual.Select(e => EventHashChain.Serialize(e.Event)));
        Assert.Contains(actual, e => e.Event is InterviewMessagePosted { Message.Text: KeptWords });
        Assert.Contains(actual, e => e.Event is InterviewMessagePosted { ParticipantId: "sp-000001", Message.Text: ParticipantText.Withdrawn });
        Assert.DoesNotContain(actual, e => e.Event is InterviewMessagePosted { Message.Text: WithdrawnWords });
    }

    private static string HeadOf((int ExitCode, string Output, string Error) verified)
    {
        Assert.Equal((0, string.Empty), (verified.ExitCode, verified.Error));
        return verified.Output[(verified.Output.IndexOf("Head: ", StringComparison.Ordinal) + "Head: ".Length)..].Trim();
    }
}
