using Npgsql;

namespace MoralGraph.Storage.PostgreSql.Schema;

/// <summary>
/// The tables of the PostgreSQL store, created when absent. Every part of the store (log, keys, snapshots,
/// data-protection keys) calls <see cref="EnsureCreatedAsync"/> before its first use; instances starting together
/// take a transaction-level advisory lock, so two of them never race on the same <c>CREATE</c>.
/// </summary>
public static class PostgreSqlSchema
{
    /// <summary>The schema version this code writes; a database of a newer one is refused rather than misread.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The channel each commit notifies, with <c>studyId|lastSequence|writerId</c>.</summary>
    public const string AppendedChannel = "moralgraph_appended";

    // Any constant will do: it only has to differ from the leases' hashed names, which it does by being fixed here.
    private const long SchemaLockId = 0x4D6F72616C477261; // "MoralGra"

    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS schema_version (
            only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            version integer NOT NULL);

        CREATE TABLE IF NOT EXISTS events (
            sequence bigint PRIMARY KEY,
            study_id text NOT NULL,
            type text NOT NULL,
            payload text NOT NULL,
            previous_hash text NOT NULL,
            hash text NOT NULL,
            idempotency_key text,
            writer_id text NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS events_study_sequence ON events (study_id, sequence);
        CREATE UNIQUE INDEX IF NOT EXISTS events_idempotency_key ON events (idempotency_key) WHERE idempotency_key IS NOT NULL;

        CREATE TABLE IF NOT EXISTS chain_head (
            only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            sequence bigint NOT NULL,
            hash text NOT NULL);
        INSERT INTO chain_head (sequence, hash) VALUES (0, repeat('0', 64)) ON CONFLICT DO NOTHING;

        CREATE TABLE IF NOT EXISTS stream_heads (
            study_id text NOT NULL,
            stream text NOT NULL,
            writer_id text NOT NULL,
            last_sequence bigint NOT NULL,
            PRIMARY KEY (study_id, stream, writer_id));

        CREATE TABLE IF NOT EXISTS studies (
            study_id text PRIMARY KEY,
            title text NOT NULL,
            phase text NOT NULL,
            question_count integer NOT NULL,
            event_count bigint NOT NULL);

        CREATE TABLE IF NOT EXISTS participant_keys (
            key_id text PRIMARY KEY,
            study_id text NOT NULL,
            participant_id text NOT NULL,
            material bytea,
            UNIQUE (study_id, participant_id));

        CREATE TABLE IF NOT EXISTS study_snapshots (
            study_id text PRIMARY KEY,
            through_sequence bigint NOT NULL,
            through_hash text NOT NULL,
            event_count bigint NOT NULL,
            format integer NOT NULL,
            state bytea NOT NULL,
            written_at timestamptz NOT NULL DEFAULT now());

        CREATE TABLE IF NOT EXISTS data_protection_keys (
            id bigserial PRIMARY KEY,
            friendly_name text,
            xml text NOT NULL);
        """;

    /// <summary>True when the database holds a MoralGraph store (its event log's table), which reading commands require rather than create.</summary>
    public static async Task<bool> ExistsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("SELECT to_regclass('events') IS NOT NULL AND to_regclass('chain_head') IS NOT NULL");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }

    /// <summary>Creates the tables that are missing and records the schema version; refuses a database of a newer version.</summary>
    public static async Task EnsureCreatedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockId}); {CreateTables}", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var version = new NpgsqlCommand("SELECT version FROM schema_version", connection, transaction))
        {
            var stored = await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (stored is int existing && existing > CurrentVersion)
            {
                throw new InvalidOperationException($"The database holds MoralGraph schema version {existing}; this build knows version {CurrentVersion}. Run a newer build.");
            }
        }

        await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES (@version) ON CONFLICT (only_row) DO UPDATE SET version = GREATEST(schema_version.version, excluded.version)", connection, transaction))
        {
            record.Parameters.AddWithValue("version", CurrentVersion);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
