using MoralGraph.Storage.PostgreSql.EventLog;
using MoralGraph.Storage.PostgreSql.Schema;
using Npgsql;
using static MoralGraph.Storage.Tests.TestEvents;

namespace MoralGraph.Storage.PostgreSql.Tests;

/// <summary>The store's tables: created by whichever instance comes first, and never misread by an older build.</summary>
[Collection(PostgreSqlServerGroup.Name)]
public sealed class SchemaTests(PostgreSqlFixture fixture)
{
    [Fact]
    public async Task Instances_starting_together_on_an_empty_database_create_one_schema()
    {
        var connectionString = await fixture.Server.CreateDatabaseAsync();

        var logs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgreSqlEventLog.OpenAsync(connectionString))));
        try
        {
            await Task.WhenAll(logs.Select((log, i) => log.AppendAsync(i == 0 ? Defined() : VoteEvent("p", i))));
            Assert.Equal(4, (await logs[0].VerifyAsync()).EventCount);
        }
        finally
        {
            foreach (var log in logs)
            {
                await log.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_database_of_a_newer_schema_is_refused()
    {
        var connectionString = await fixture.Server.CreateDatabaseAsync();
        await (await PostgreSqlEventLog.OpenAsync(connectionString)).DisposeAsync();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var command = dataSource.CreateCommand($"UPDATE schema_version SET version = {PostgreSqlSchema.CurrentVersion + 1}"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgreSqlEventLog.OpenAsync(connectionString));

        Assert.Contains("newer build", refusal.Message, StringComparison.Ordinal);
    }
}
