using MoralGraph.Core.Instances;
using Npgsql;
using NpgsqlTypes;

namespace MoralGraph.Storage.PostgreSql.Instances;

/// <summary>Results computed by one instance for all, in a table of the shared database (one row per key, its latest version).</summary>
public sealed class PostgreSqlSharedResults : ISharedResults
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS shared_results (
            key text PRIMARY KEY,
            version bigint NOT NULL,
            content bytea NOT NULL,
            written_at timestamptz NOT NULL DEFAULT now())
        """;

    private readonly NpgsqlDataSource _source;
    private readonly Lock _schemaGate = new();
    private Task? _schema;

    /// <summary>Creates the results over <paramref name="source"/>; the table is created on first use.</summary>
    public PostgreSqlSharedResults(NpgsqlDataSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <inheritdoc />
    public async Task WriteAsync(string key, long version, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

        // A slower writer of an older version never replaces a newer one.
        await using var command = _source.CreateCommand("""
            INSERT INTO shared_results (key, version, content) VALUES ($1, $2, $3)
            ON CONFLICT (key) DO UPDATE SET version = excluded.version, content = excluded.content, written_at = now()
            WHERE shared_results.version <= excluded.version
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = content.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SharedResult?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _source.CreateCommand("SELECT version, content FROM shared_results WHERE key = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new SharedResult(key, reader.GetInt64(0), (byte[])reader[1])
            : null;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string keyPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _source.CreateCommand("DELETE FROM shared_results WHERE starts_with(key, $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = keyPrefix });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the table once; a failure (the database was down) is tried again by the next caller.</summary>
    private Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        lock (_schemaGate)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                _schema = CreateSchemaAsync();
            }

            return _schema.WaitAsync(cancellationToken);
        }
    }

    private async Task CreateSchemaAsync()
    {
        try
        {
            await using var command = _source.CreateCommand(Schema);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
            // Another instance created it at the same moment ("IF NOT EXISTS" does not cover the race).
        }
    }
}
