using MoralGraph.Core.Events;
using MoralGraph.Storage.PostgreSql.EventLog;
using MoralGraph.Storage.PostgreSql.Snapshots;
using Npgsql;

namespace MoralGraph.Storage.PostgreSql.Tests;

/// <summary>The conformance suite on the PostgreSQL store (a fresh database per test).</summary>
[Collection(PostgreSqlServerGroup.Name)]
public sealed class PostgreSqlStoreConformanceTests(PostgreSqlFixture fixture) : EventStoreConformanceTests
{
    private string _connectionString = "";
    private NpgsqlDataSource? _dataSource;

    public override async Task InitializeAsync() => _connectionString = await fixture.Server.CreateDatabaseAsync();

    protected override async Task<IEventLog> OpenStoreAsync() => await PostgreSqlEventLog.OpenAsync(_connectionString);

    protected override IStudySnapshotStore Snapshots() => new PostgreSqlSnapshotStore(_dataSource ??= NpgsqlDataSource.Create(_connectionString));

    protected override ValueTask CloseStoreAsync(IEventLog log) => ((PostgreSqlEventLog)log).DisposeAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}
