using Npgsql;

namespace MoralGraph.Storage.PostgreSql.Schema;

/// <summary>Ensures the schema once per component; a failure (the database was down) is tried again by the next caller rather than remembered.</summary>
internal sealed class SchemaOnce(NpgsqlDataSource dataSource)
{
    private readonly Lock _lock = new();
    private Task? _created;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        Task created;
        lock (_lock)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                _created = PostgreSqlSchema.EnsureCreatedAsync(dataSource, CancellationToken.None);
            }

            created = _created;
        }

        return created.WaitAsync(cancellationToken);
    }
}
