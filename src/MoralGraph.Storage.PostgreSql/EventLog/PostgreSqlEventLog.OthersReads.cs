namespace MoralGraph.Storage.PostgreSql.EventLog;

public sealed partial class PostgreSqlEventLog
{
    /// <inheritdoc />
    /// <remarks>Sequences are given under the chain head's lock in commit order, so this read sees a prefix of the log.</remarks>
    public async Task<IReadOnlyList<MoralGraph.Core.Events.RecordedEvent>> ReadStudyFromOthersAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyId);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var command = _dataSource.CreateCommand(
            $"SELECT {EventColumns} FROM events WHERE study_id = @study AND sequence > @after AND writer_id <> @writer ORDER BY sequence");
        command.Parameters.AddWithValue("study", studyId);
        command.Parameters.AddWithValue("after", afterSequence);
        command.Parameters.AddWithValue("writer", WriterId);
        return ToRecorded(await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false));
    }
}
