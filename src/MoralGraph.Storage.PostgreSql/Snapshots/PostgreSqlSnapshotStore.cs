using MoralGraph.Core.Events;
using MoralGraph.Storage.PostgreSql.Schema;
using Npgsql;

namespace MoralGraph.Storage.PostgreSql.Snapshots;

/// <summary>
/// Study snapshots in the <c>study_snapshots</c> table, one row per study, so every instance starts from the same ones.
/// A write is one upsert statement, so readers see the old snapshot or the new one whole. Snapshots are a cache of the
/// log: truncating the table costs a slower start, never data.
/// </summary>
/// <param name="dataSource">The database; its schema is created when absent.</param>
public sealed class PostgreSqlSnapshotStore(NpgsqlDataSource dataSource) : IStudySnapshotStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
    private readonly SchemaOnce _schema = new(dataSource);

    /// <inheritdoc />
    public async Task<OpenStudySnapshot?> OpenAsync(string studyId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyId);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand("SELECT through_sequence, through_hash, event_count, format, state FROM study_snapshots WHERE study_id = @study");
        command.Parameters.AddWithValue("study", studyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var info = new StudySnapshotInfo(studyId, reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3));
        var state = await reader.GetFieldValueAsync<byte[]>(4, cancellationToken).ConfigureAwait(false);
        return new OpenStudySnapshot(info, new MemoryStream(state, writable: false));
    }

    /// <inheritdoc />
    public async Task WriteAsync(StudySnapshotInfo info, Func<Stream, CancellationToken, Task> writeState, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(writeState);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var state = new MemoryStream();
        await writeState(state, cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO study_snapshots (study_id, through_sequence, through_hash, event_count, format, state, written_at)
            VALUES (@study, @sequence, @hash, @count, @format, @state, now())
            ON CONFLICT (study_id) DO UPDATE SET through_sequence = excluded.through_sequence, through_hash = excluded.through_hash,
                event_count = excluded.event_count, format = excluded.format, state = excluded.state, written_at = excluded.written_at
            """);
        command.Parameters.AddWithValue("study", info.StudyId);
        command.Parameters.AddWithValue("sequence", info.ThroughSequence);
        command.Parameters.AddWithValue("hash", info.ThroughHash);
        command.Parameters.AddWithValue("count", info.EventCount);
        command.Parameters.AddWithValue("format", info.Format);
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("state", state.GetBuffer().AsMemory(0, (int)state.Length)));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
