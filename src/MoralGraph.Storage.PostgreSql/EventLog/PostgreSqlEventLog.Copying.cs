using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Storage.EventLog;
using Npgsql;
using NpgsqlTypes;

namespace MoralGraph.Storage.PostgreSql.EventLog;

/// <summary>Reading the log as stored and writing a copied one (<c>moralgraph store copy</c>).</summary>
public sealed partial class PostgreSqlEventLog : IStoredEventSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredEventRow>> ReadStoredAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var command = _dataSource.CreateCommand($"SELECT {EventColumns} FROM events WHERE sequence > @after ORDER BY sequence LIMIT @limit");
        command.Parameters.AddWithValue("after", afterSequence);
        command.Parameters.AddWithValue("limit", limit);
        var rows = await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new StoredEventRow(r.Sequence, r.StudyId, r.Type, r.Payload, r.PreviousHash, r.Hash))];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ParticipantKey>> ExportParticipantKeysAsync(CancellationToken cancellationToken = default) => KeyStore.ExportAsync(cancellationToken);

    /// <summary>
    /// Writes a log copied from another store into this database, which must hold no event, key or snapshot: each row
    /// exactly as given (checked against the chain as it goes), the keys with their ids (destroyed ones destroyed), and
    /// what appends keep beside the events (idempotency keys, stream heads, the study list, the chain head). One
    /// transaction: a refusal or a failure leaves the database as it was. Returns the chain as checked.
    /// </summary>
    /// <exception cref="StoreNotEmptyException">The database holds a store already.</exception>
    /// <exception cref="InvalidDataException">A row breaks the chain.</exception>
    public async Task<StoredChainCheck> ImportStoredAsync(
        IAsyncEnumerable<IReadOnlyList<StoredEventRow>> pages, IReadOnlyList<ParticipantKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pages);
        ArgumentNullException.ThrowIfNull(keys);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The chain head's lock keeps every instance's appends out until the copy commits.
        await using (var check = new NpgsqlCommand("""
            SELECT sequence FROM chain_head FOR UPDATE;
            SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM participant_keys), (SELECT count(*) FROM study_snapshots),
                   (SELECT string_agg(study_id, ', ' ORDER BY study_id COLLATE "C") FROM studies);
            """, connection, transaction))
        await using (var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var (events, storedKeys, snapshots) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            var studies = reader.IsDBNull(3) ? "no study" : "studies " + reader.GetString(3);
            if (events + storedKeys + snapshots > 0)
            {
                throw new StoreNotEmptyException($"the target database already holds a store ({events} events, {studies}; {storedKeys} participant keys; {snapshots} snapshots). Copy into an empty database.");
            }
        }

        await using (var insertKeys = new NpgsqlCommand("""
            INSERT INTO participant_keys (key_id, study_id, participant_id, material)
            SELECT * FROM unnest(@ids, @studies, @participants, @materials)
            """, connection, transaction))
        {
            insertKeys.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. keys.Select(k => k.KeyId)]));
            insertKeys.Parameters.Add(new NpgsqlParameter<string[]>("studies", [.. keys.Select(k => k.StudyId)]));
            insertKeys.Parameters.Add(new NpgsqlParameter<string[]>("participants", [.. keys.Select(k => k.ParticipantId)]));
            insertKeys.Parameters.Add(new NpgsqlParameter("materials", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = keys.Select(k => (object?)k.Material ?? DBNull.Value).ToArray() });
            await insertKeys.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var chain = new StoredChainCheck();
        var studiesModel = new StudiesReadModel();
        var streamHeads = new Dictionary<(string StudyId, string Stream), long>();
        await foreach (var page in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var idempotencyKeys = new string?[page.Count];
            for (var i = 0; i < page.Count; i++)
            {
                var studyEvent = chain.Check(page[i]);
                idempotencyKeys[i] = studyEvent.IdempotencyKey;
                foreach (var stream in StudyStreams.Of(studyEvent))
                {
                    streamHeads[(studyEvent.StudyId, stream)] = page[i].Sequence;
                }

                if (!Core.Access.AccessLog.IsReserved(studyEvent.StudyId))
                {
                    studiesModel.Apply(studyEvent);
                }
            }

            await using var insert = new NpgsqlCommand("""
                INSERT INTO events (sequence, study_id, type, payload, previous_hash, hash, idempotency_key, writer_id)
                SELECT s, st, t, p, ph, h, k, @writer FROM unnest(@sequences, @studies, @types, @payloads, @previous, @hashes, @keys) AS u(s, st, t, p, ph, h, k)
                """, connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<long[]>("sequences", [.. page.Select(r => r.Sequence)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("studies", [.. page.Select(r => r.StudyId)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. page.Select(r => r.Type)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("payloads", [.. page.Select(r => r.Payload)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("previous", [.. page.Select(r => r.PreviousHash)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. page.Select(r => r.Hash)]));
            insert.Parameters.Add(new NpgsqlParameter<string?[]>("keys", idempotencyKeys));
            insert.Parameters.AddWithValue("writer", WriterId);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var touched = studiesModel.Touched;
        await using (var rest = new NpgsqlCommand("""
            INSERT INTO stream_heads (study_id, stream, writer_id, last_sequence)
            SELECT st, s, @writer, l FROM unnest(@headStudies, @streams, @lasts) AS u(st, s, l);
            INSERT INTO studies (study_id, title, phase, question_count, event_count)
            SELECT * FROM unnest(@ids, @titles, @phases, @questions, @counts);
            UPDATE chain_head SET sequence = @sequence, hash = @hash;
            """, connection, transaction))
        {
            rest.Parameters.AddWithValue("writer", WriterId);
            rest.Parameters.Add(new NpgsqlParameter<string[]>("headStudies", [.. streamHeads.Keys.Select(k => k.StudyId)]));
            rest.Parameters.Add(new NpgsqlParameter<string[]>("streams", [.. streamHeads.Keys.Select(k => k.Stream)]));
            rest.Parameters.Add(new NpgsqlParameter<long[]>("lasts", [.. streamHeads.Values]));
            rest.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. touched.Select(s => s.StudyId)]));
            rest.Parameters.Add(new NpgsqlParameter<string[]>("titles", [.. touched.Select(s => s.Title)]));
            rest.Parameters.Add(new NpgsqlParameter<string[]>("phases", [.. touched.Select(s => s.Phase.ToString())]));
            rest.Parameters.Add(new NpgsqlParameter<int[]>("questions", [.. touched.Select(s => s.QuestionCount)]));
            rest.Parameters.Add(new NpgsqlParameter<long[]>("counts", [.. touched.Select(s => s.EventCount)]));
            rest.Parameters.AddWithValue("sequence", chain.Count);
            rest.Parameters.AddWithValue("hash", chain.Head);
            await rest.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return chain;
    }
}
