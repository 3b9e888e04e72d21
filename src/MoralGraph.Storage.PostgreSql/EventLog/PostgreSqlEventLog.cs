using System.Globalization;
using System.Threading.Channels;
using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.PostgreSql.Erasure;
using MoralGraph.Storage.PostgreSql.Schema;
using Npgsql;

namespace MoralGraph.Storage.PostgreSql.EventLog;

/// <summary>
/// The event log in PostgreSQL, written by several app instances at once, and byte for byte the log the LiteDB store
/// keeps: the same payload JSON, the same SHA-256 chain, the same idempotency keys, so a log copied between the two
/// verifies to the same head. It is plain Npgsql rather than an event-store library (Marten and the like): the hash
/// chain, the idempotency keys and the per-study stream conditions are ours, and must be computed exactly as LiteDB does.
/// <para>
/// As in <see cref="LiteDbEventLog"/>, one writer loop per instance takes the callers' appends in the order they were
/// queued and commits them in groups, one transaction each, completing the callers only after the commit. The
/// transaction starts by locking the one-row chain head (<c>SELECT … FOR UPDATE</c>): that serializes every instance's
/// groups, so the global sequence and the chain stay linear and sequence order is commit order. Within the group each
/// append is checked alone (its idempotency keys, then its <see cref="AppendCondition"/>) and refused alone, leaving
/// nothing behind. The commit also updates each stream's head per writer (for later conditions), the studies' read
/// model, destroys the keys of withdrawing participants, and notifies every instance (<c>pg_notify</c>, sent at commit).
/// </para>
/// </summary>
public sealed partial class PostgreSqlEventLog : ISharedEventLog, IStudyCatalog, IAsyncDisposable, IDisposable
{
    private const int MaxEventsPerGroup = 2_000;
    private const string EventColumns = "sequence, study_id, type, payload, previous_hash, hash";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly ParticipantTextProtector _protector;
    private readonly Channel<PendingAppend> _pending = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly Lock _queueing = new();
    private readonly Lock _listening = new();
    private readonly List<Action<StudyAppended>> _followers = [];
    private readonly CancellationTokenSource _closing = new();
    private Task? _listener;
    private NpgsqlConnection? _writeConnection;
    private bool _disposed;

    private PostgreSqlEventLog(NpgsqlDataSource dataSource, bool ownsDataSource)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        KeyStore = new PostgreSqlParticipantKeyStore(dataSource);

        _protector = new ParticipantTextProtector(KeyStore);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Opens the store in the database <paramref name="connectionString"/> names, creating its tables when absent.</summary>
    public static async Task<PostgreSqlEventLog> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await PostgreSqlSchema.EnsureCreatedAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new PostgreSqlEventLog(dataSource, ownsDataSource: true);
    }

    /// <summary>Opens the store in <paramref name="dataSource"/>'s database (which stays open after the log), creating its tables when absent.</summary>
    public static async Task<PostgreSqlEventLog> OpenAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await PostgreSqlSchema.EnsureCreatedAsync(dataSource, cancellationToken).ConfigureAwait(false);
        return new PostgreSqlEventLog(dataSource, ownsDataSource: false);
    }

    /// <inheritdoc />
    public string WriterId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The participants' keys, in the same database.</summary>
    public PostgreSqlParticipantKeyStore KeyStore { get; }

    /// <summary>True once a read met a participant's text stored in clear, from before the store was encrypted.</summary>
    public bool HasReadClearText => _protector.HasReadClearText;

    /// <summary>The application name of this instance's writing connection, as <c>pg_stat_activity</c> shows it.</summary>
    internal string WriterApplicationName => "moralgraph-write-" + WriterId;

    /// <summary>The application name of this instance's listening connection, as <c>pg_stat_activity</c> shows it.</summary>
    internal string ListenerApplicationName => "moralgraph-listen-" + WriterId;

    /// <inheritdoc />
    public async Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        var recorded = await AppendAllAsync([studyEvent], cancellationToken).ConfigureAwait(false);
        return recorded[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default) =>
        Queue(studyEvents, condition: null, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, AppendCondition condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(studyEvents);
        if (studyEvents.Select(e => e.StudyId).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            throw new ArgumentException("A conditional append holds events of one study.", nameof(studyEvents));
        }

        return Queue(studyEvents, condition, cancellationToken);
    }

    private Task<IReadOnlyList<RecordedEvent>> Queue(IReadOnlyList<StudyEvent> studyEvents, AppendCondition? condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(studyEvents);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (studyEvents.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<RecordedEvent>>([]);
        }

        // Encrypt and serialize on the caller's thread, so the writer loop only writes. But a participant without a key yet
        // (their first words) would make the caller wait for the database here, and the caller is a study's gate: such
        // appends are queued as they are, in order, and the writer creates every key its group needs in one statement.
        PendingAppend pending;
        if (studyEvents.SelectMany(OwnersOf).Any(owner => !KeyStore.IsCached(owner.StudyId, owner.ParticipantId)))
        {
            pending = new PendingAppend(studyEvents, condition);
        }
        else
        {
            List<(StudyEvent, string)> serialized;
            try
            {
                serialized = studyEvents.Select(e => (e, EventHashChain.Serialize(Protect(e, studyEvents)))).ToList();
            }
            catch (Exception e) when (e is NpgsqlException or System.Security.Cryptography.CryptographicException)
            {
                // A key could not be read: nothing is queued, so nothing of the append is recorded.
                return Task.FromException<IReadOnlyList<RecordedEvent>>(e);
            }

            pending = new PendingAppend(serialized, condition);
        }

        lock (_queueing)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pending.Writer.TryWrite(pending);
        }

        // Cancellation stops the wait, not the write: once queued, the events are written.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default) =>
        ReadStudyAsync(studyId, 0, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyId);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var command = _dataSource.CreateCommand($"SELECT {EventColumns} FROM events WHERE study_id = @study AND sequence > @after ORDER BY sequence");
        command.Parameters.AddWithValue("study", studyId);
        command.Parameters.AddWithValue("after", afterSequence);
        var rows = await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
        return ToRecorded(rows);
    }

    /// <summary>Up to <paramref name="limit"/> events of every stream after <paramref name="afterSequence"/>, in order (for copying the whole log).</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var command = _dataSource.CreateCommand($"SELECT {EventColumns} FROM events WHERE sequence > @after ORDER BY sequence LIMIT @limit");
        command.Parameters.AddWithValue("after", afterSequence);
        command.Parameters.AddWithValue("limit", limit);
        return ToRecorded(await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One snapshot of the whole log, however many instances append meanwhile.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {EventColumns} FROM events ORDER BY sequence", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        var previous = EventHashChain.Genesis;
        long expected = 1;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = ReadRow(reader);
            var problem = EventHashChain.LinkProblem(expected, previous, row.Sequence, row.PreviousHash, row.Payload, row.Hash) ?? DescribeColumnMismatch(row);

            if (problem is not null)
            {
                return new ChainVerification(false, expected - 1, row.Sequence, problem);
            }

            previous = row.Hash;
            expected++;
        }

        return new ChainVerification(true, expected - 1, null, null) { HeadHash = previous };
    }

    /// <inheritdoc />
    public async Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var command = _dataSource.CreateCommand("SELECT hash FROM events WHERE sequence = @sequence");
        command.Parameters.AddWithValue("sequence", sequence);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var command = _dataSource.CreateCommand("SELECT study_id, title, phase, question_count, event_count FROM studies ORDER BY study_id COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var studies = new List<StudySummary>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            studies.Add(new StudySummary(reader.GetString(0), reader.GetString(1), Enum.Parse<StudyPhase>(reader.GetString(2)), reader.GetInt32(3), reader.GetInt64(4)));
        }

        return studies;
    }

    /// <summary>Finishes the queued appends, stops listening, then closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_queueing)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _pending.Writer.Complete();
        }

        await _writer.ConfigureAwait(false);
        await _closing.CancelAsync().ConfigureAwait(false);
        Task? listening;
        lock (_listening)
        {
            listening = _listener;
        }

        if (listening is not null)
        {
            await listening.ConfigureAwait(false);
        }

        _closing.Dispose();
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WriteLoopAsync()
    {
        var group = new List<PendingAppend>();
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Appends that arrived while the previous group was committing all go into this one.
            group.Clear();
            var count = 0;
            while (count < MaxEventsPerGroup && reader.TryRead(out var next))
            {
                group.Add(next);
                count += next.Count;
            }

            SerializeDeferred(group);
            if (group.Count == 0)
            {
                continue;
            }

            // Whatever goes wrong, the loop lives on: losing it would leave every caller waiting.
            await CommitIsolatingBadAppendsAsync(group).ConfigureAwait(false);
        }

        if (_writeConnection is not null)
        {
            await _writeConnection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates, in one statement, the keys of the participants whose first words are in the group, then encrypts and
    /// serializes their appends; an append that cannot be is answered with the reason and leaves the group.
    /// </summary>
    private void SerializeDeferred(List<PendingAppend> group)
    {
        var deferred = group.Where(p => p.Unserialized is not null).ToList();
        if (deferred.Count == 0)
        {
            return;
        }

        try
        {
            KeyStore.CreateMissing(deferred.SelectMany(p => p.Unserialized!).SelectMany(OwnersOf));
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            foreach (var pending in deferred)
            {
                pending.Completion.TrySetException(Describe(e));
                group.Remove(pending);
            }

            return;
        }

        foreach (var pending in deferred)
        {
            try
            {
                var events = pending.Unserialized!;
                pending.Serialized(events.Select(e => (e, EventHashChain.Serialize(Protect(e, events)))).ToList());
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
            {
                pending.Completion.TrySetException(Describe(e));
                group.Remove(pending);
            }
        }
    }

    private async Task CommitIsolatingBadAppendsAsync(List<PendingAppend> group)
    {
        try
        {
            await CommitAsync(group).ConfigureAwait(false);
            return;
        }
        catch (CommitUnknownException unknown)
        {
            FailAll(group, unknown);
            return;
        }
        catch (NpgsqlException)
        {
            // Nothing was committed (CommitAsync answers a group whose COMMIT went through), and the connection was
            // replaced: a server restart or a cut connection costs the callers one more try, not an error.
        }

        try
        {
            await CommitAsync(group).ConfigureAwait(false);
            return;
        }
        catch (CommitUnknownException unknown)
        {
            FailAll(group, unknown);
            return;
        }
        catch (Exception e) when (group.Count == 1)
        {
            group[0].Completion.TrySetException(Describe(e));
            return;
        }
        catch (Exception)
        {
            // One bad append (or a dropped connection) must not fail its neighbours: each is tried on its own below.
        }

        foreach (var single in group)
        {
            try
            {
                await CommitAsync([single]).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                single.Completion.TrySetException(Describe(e));
            }
        }
    }

    private static void FailAll(IEnumerable<PendingAppend> group, Exception error)
    {
        foreach (var append in group)
        {
            append.Completion.TrySetException(error);
        }
    }

    private static Exception Describe(Exception failure) => failure switch
    {
        NpgsqlException npgsql => new IOException($"The PostgreSQL store could not be written, so nothing was recorded: {npgsql.Message}", npgsql),
        _ => failure,
    };

    /// <summary>
    /// Commits the group in one transaction and only then completes each append with its events, or with the refusal
    /// that kept it out. Throws, with nothing committed, when the transaction fails; the connection is then replaced, so
    /// the next group starts clean.
    /// </summary>
    private async Task CommitAsync(IReadOnlyList<PendingAppend> group)
    {
        if (_writeConnection is null)
        {
            _writeConnection = await OpenNamedConnectionAsync(WriterApplicationName, CancellationToken.None).ConfigureAwait(false);
        }

        var connection = _writeConnection;
        var outcomes = new List<(PendingAppend Append, IReadOnlyList<RecordedEvent>? Recorded, Exception? Refusal)>(group.Count);
        var withdrawals = new List<(string StudyId, string ParticipantId)>();
        (long Sequence, string Hash)? committing = null;
        try
        {
            var (sequence, hash, stored, studies, conditionConflicts) = await BeginAsync(connection, group).ConfigureAwait(false);
            var rows = new List<NewRow>();
            var streamHeads = new Dictionary<(string StudyId, string Stream), long>();
            var seenKeys = new Dictionary<string, RecordedEvent>(StringComparer.Ordinal);
            foreach (var append in group)
            {
                // Every key and the condition are checked before any event of the append is planned in, so a refused
                // append leaves nothing behind and its neighbours in the group go ahead.
                var plan = Plan(append, sequence, stored, seenKeys, out var conflict);
                if (conflict is null && plan.Any(p => p.IsNew))
                {
                    conflict = conditionConflicts.GetValueOrDefault(append);
                }

                if (conflict is not null)
                {
                    outcomes.Add((append, null, conflict));
                    continue;
                }

                var recorded = new List<RecordedEvent>(plan.Count);
                foreach (var step in plan)
                {
                    if (step.Stored is { } existing)
                    {
                        recorded.Add(existing);
                        continue;
                    }

                    if (step.SameAs >= 0)
                    {
                        recorded.Add(recorded[step.SameAs]);
                        continue;
                    }

                    var studyEvent = step.Event;
                    sequence++;
                    var eventHash = EventHashChain.ComputeHash(hash, sequence, step.Payload);
                    rows.Add(new NewRow(sequence, studyEvent.StudyId, studyEvent.GetType().Name, step.Payload, hash, eventHash, studyEvent.IdempotencyKey));
                    var result = new RecordedEvent(sequence, studyEvent, step.Payload, hash, eventHash);
                    if (studyEvent.IdempotencyKey is { } newKey)
                    {
                        seenKeys[newKey] = result;
                    }

                    foreach (var stream in StudyStreams.Of(studyEvent))
                    {
                        streamHeads[(studyEvent.StudyId, stream)] = sequence;
                    }

                    if (studyEvent is ParticipantWithdrew withdrew)
                    {
                        withdrawals.Add((withdrew.StudyId, withdrew.ParticipantId));
                    }

                    // Reserved streams (facilitator accounts and keys) are not studies and stay off the study list.
                    if (!Core.Access.AccessLog.IsReserved(studyEvent.StudyId))
                    {
                        studies.Apply(studyEvent);
                    }

                    hash = eventHash;
                    recorded.Add(result);
                }

                outcomes.Add((append, recorded, null));
            }

            committing = rows.Count > 0 ? (sequence, hash) : null;
            await WriteAndCommitAsync(connection, rows, streamHeads, studies, withdrawals, sequence, hash).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The transaction may have been committed when the connection dropped during COMMIT: then its events are
            // recorded and must be answered as such, never written again.
            await ReplaceConnectionAsync().ConfigureAwait(false);
            if (committing is not { } expected)
            {
                throw;
            }

            switch (await IsStoredAsync(expected.Sequence, expected.Hash).ConfigureAwait(false))
            {
                case false:
                    throw;
                case null:
                    // Never retried: writing the group again could record its events twice.
                    throw new CommitUnknownException(expected.Sequence);
            }
        }

        foreach (var (studyId, participantId) in withdrawals)
        {
            KeyStore.ForgetMaterial(studyId, participantId);
        }

        foreach (var (append, recorded, refusal) in outcomes)
        {
            if (refusal is null)
            {
                append.Completion.TrySetResult(recorded!);
            }
            else
            {
                append.Completion.TrySetException(refusal);
            }
        }
    }

    /// <summary>
    /// After a failed commit: true when event <paramref name="sequence"/> is stored with <paramref name="hash"/> (the group
    /// was committed), false when it is not, null when the store cannot be asked.
    /// </summary>
    private async Task<bool?> IsStoredAsync(long sequence, string hash)
    {
        try
        {
            return await HashAtAsync(sequence).ConfigureAwait(false) == hash;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            return null;
        }
    }

    private async Task ReplaceConnectionAsync()
    {
        if (_writeConnection is { } broken)
        {
            _writeConnection = null;
            try
            {
                // A group that failed before its COMMIT holds the chain head's lock until its transaction ends.
                if (broken.State == System.Data.ConnectionState.Open)
                {
                    await using var rollback = new NpgsqlCommand("ROLLBACK", broken);
                    await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                // A broken connection cannot roll back; PostgreSQL ends its transaction when the backend goes.
            }

            try
            {
                await broken.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                // Closing a connection that failed can fail too; the next group opens a new one regardless.
            }
        }
    }

    /// <summary>
    /// Opens the group's transaction and reads all it needs in one round trip: the chain head, locked (which waits for
    /// any other instance's group to commit), the stored events of the group's idempotency keys, the studies it touches,
    /// and, for each conditional append, the first other writer's event that breaks its condition.
    /// </summary>
    private async Task<(long Sequence, string Hash, Dictionary<string, RecordedEvent> Stored, StudiesReadModel Studies, Dictionary<PendingAppend, StreamConflictException> Conflicts)> BeginAsync(
        NpgsqlConnection connection, IReadOnlyList<PendingAppend> group)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT sequence, hash FROM chain_head FOR UPDATE"));

        var keys = new NpgsqlBatchCommand($"SELECT {EventColumns}, idempotency_key FROM events WHERE idempotency_key = ANY(@keys)");
        keys.Parameters.Add(new NpgsqlParameter<string[]>("keys", [.. group.SelectMany(a => a.Events).Select(e => e.Event.IdempotencyKey).OfType<string>().Distinct(StringComparer.Ordinal)]));
        batch.BatchCommands.Add(keys);

        var studies = new NpgsqlBatchCommand("SELECT study_id, title, phase, question_count, event_count FROM studies WHERE study_id = ANY(@ids)");
        studies.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. group.SelectMany(a => a.Events).Select(e => e.Event.StudyId).Where(id => !Core.Access.AccessLog.IsReserved(id)).Distinct(StringComparer.Ordinal)]));
        batch.BatchCommands.Add(studies);

        var conditional = group.Where(a => a.Condition is { Streams.Count: > 0 }).ToList();
        foreach (var append in conditional)
        {
            var check = new NpgsqlBatchCommand("""
                SELECT stream, last_sequence FROM stream_heads
                WHERE study_id = @study AND stream = ANY(@streams) AND writer_id <> @writer AND last_sequence > @after
                ORDER BY last_sequence LIMIT 1
                """);
            check.Parameters.AddWithValue("study", append.Events[0].Event.StudyId);
            check.Parameters.Add(new NpgsqlParameter<string[]>("streams", [.. append.Condition!.Streams]));
            check.Parameters.AddWithValue("writer", WriterId);
            check.Parameters.AddWithValue("after", append.Condition.AfterSequence);
            batch.BatchCommands.Add(check);
        }

        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            throw new InvalidOperationException("The event log's chain head row is missing.");
        }

        var (sequence, hash) = (reader.GetInt64(0), reader.GetString(1));

        await reader.NextResultAsync().ConfigureAwait(false);
        var storedRows = new List<(string Key, EventRow Row)>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            storedRows.Add((reader.GetString(6), ReadRow(reader)));
        }

        await reader.NextResultAsync().ConfigureAwait(false);
        var model = new StudiesReadModel();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            model.Load(new StudyRow(reader.GetString(0), reader.GetString(1), Enum.Parse<StudyPhase>(reader.GetString(2)), reader.GetInt32(3), reader.GetInt64(4)));
        }

        var conflicts = new Dictionary<PendingAppend, StreamConflictException>();
        foreach (var append in conditional)
        {
            await reader.NextResultAsync().ConfigureAwait(false);
            if (await reader.ReadAsync().ConfigureAwait(false))
            {
                conflicts[append] = new StreamConflictException(append.Events[0].Event.StudyId, reader.GetString(0), reader.GetInt64(1));
            }
        }

        await reader.CloseAsync().ConfigureAwait(false);
        var stored = new Dictionary<string, RecordedEvent>(StringComparer.Ordinal);
        foreach (var (key, row) in storedRows)
        {
            stored[key] = ToRecorded([row])[0];
        }

        return (sequence, hash, stored, model, conflicts);
    }

    /// <summary>
    /// Writes the group's rows, stream heads, studies, chain head, the withdrawing participants' keys' destruction and the
    /// notifications, and commits, in one round trip.
    /// </summary>
    private async Task WriteAndCommitAsync(
        NpgsqlConnection connection, List<NewRow> rows, Dictionary<(string StudyId, string Stream), long> streamHeads,
        StudiesReadModel studies, List<(string StudyId, string ParticipantId)> withdrawals, long headSequence, string headHash)
    {
        await using var batch = new NpgsqlBatch(connection);
        if (rows.Count == 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
            return;
        }

        var insert = new NpgsqlBatchCommand("""
            INSERT INTO events (sequence, study_id, type, payload, previous_hash, hash, idempotency_key, writer_id)
            SELECT s, st, t, p, ph, h, k, @writer FROM unnest(@sequences, @studies, @types, @payloads, @previous, @hashes, @keys) AS u(s, st, t, p, ph, h, k)
            """);
        insert.Parameters.Add(new NpgsqlParameter<long[]>("sequences", [.. rows.Select(r => r.Sequence)]));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("studies", [.. rows.Select(r => r.StudyId)]));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. rows.Select(r => r.Type)]));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("payloads", [.. rows.Select(r => r.Payload)]));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("previous", [.. rows.Select(r => r.PreviousHash)]));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. rows.Select(r => r.Hash)]));
        insert.Parameters.Add(new NpgsqlParameter<string?[]>("keys", [.. rows.Select(r => r.IdempotencyKey)]));
        insert.Parameters.AddWithValue("writer", WriterId);
        batch.BatchCommands.Add(insert);

        var heads = new NpgsqlBatchCommand("""
            INSERT INTO stream_heads (study_id, stream, writer_id, last_sequence)
            SELECT st, s, @writer, l FROM unnest(@studies, @streams, @lasts) AS u(st, s, l)
            ON CONFLICT (study_id, stream, writer_id) DO UPDATE SET last_sequence = GREATEST(stream_heads.last_sequence, excluded.last_sequence)
            """);
        heads.Parameters.Add(new NpgsqlParameter<string[]>("studies", [.. streamHeads.Keys.Select(k => k.StudyId)]));
        heads.Parameters.Add(new NpgsqlParameter<string[]>("streams", [.. streamHeads.Keys.Select(k => k.Stream)]));
        heads.Parameters.Add(new NpgsqlParameter<long[]>("lasts", [.. streamHeads.Values]));
        heads.Parameters.AddWithValue("writer", WriterId);
        batch.BatchCommands.Add(heads);

        var touched = studies.Touched;
        if (touched.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO studies (study_id, title, phase, question_count, event_count)
                SELECT * FROM unnest(@ids, @titles, @phases, @questions, @counts)
                ON CONFLICT (study_id) DO UPDATE SET title = excluded.title, phase = excluded.phase, question_count = excluded.question_count, event_count = excluded.event_count
                """);
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. touched.Select(s => s.StudyId)]));
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("titles", [.. touched.Select(s => s.Title)]));
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("phases", [.. touched.Select(s => s.Phase.ToString())]));
            upsert.Parameters.Add(new NpgsqlParameter<int[]>("questions", [.. touched.Select(s => s.QuestionCount)]));
            upsert.Parameters.Add(new NpgsqlParameter<long[]>("counts", [.. touched.Select(s => s.EventCount)]));
            batch.BatchCommands.Add(upsert);
        }

        var head = new NpgsqlBatchCommand("UPDATE chain_head SET sequence = @sequence, hash = @hash");
        head.Parameters.AddWithValue("sequence", headSequence);
        head.Parameters.AddWithValue("hash", headHash);
        batch.BatchCommands.Add(head);

        // Sent by PostgreSQL at commit, and only then: one per study, naming the group's last event of it.
        var lastByStudy = rows.GroupBy(r => r.StudyId, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}|{g.Max(r => r.Sequence)}|{WriterId}")).ToArray();
        var notify = new NpgsqlBatchCommand($"SELECT pg_notify('{PostgreSqlSchema.AppendedChannel}', n) FROM unnest(@notes) AS n");
        notify.Parameters.Add(new NpgsqlParameter<string[]>("notes", lastByStudy));
        batch.BatchCommands.Add(notify);

        foreach (var (studyId, participantId) in withdrawals)
        {
            batch.BatchCommands.Add(PostgreSqlParticipantKeyStore.Destruction(studyId, participantId));
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves each event of an append to a stored event (a replay), an earlier event of the same append, or a new
    /// event, without writing anything; or finds the key that was already used for different content. As LiteDB does.
    /// </summary>
    private static List<PlannedEvent> Plan(
        PendingAppend append, long lastSequence, Dictionary<string, RecordedEvent> stored, Dictionary<string, RecordedEvent> seenKeys, out Exception? conflict)
    {
        conflict = null;
        var plan = new List<PlannedEvent>(append.Events.Count);
        Dictionary<string, int>? newKeys = null;
        foreach (var (studyEvent, payload) in append.Events)
        {
            if (studyEvent.IdempotencyKey is not { } key)
            {
                plan.Add(new PlannedEvent(studyEvent, payload, null, -1));
                continue;
            }

            if (newKeys is not null && newKeys.TryGetValue(key, out var first))
            {
                if (!plan[first].Event.IsSameSubmissionAs(studyEvent))
                {
                    conflict = new IdempotencyConflictException(key, lastSequence + 1 + plan.Take(first).Count(p => p.IsNew));
                    return plan;
                }

                plan.Add(new PlannedEvent(studyEvent, payload, null, first));
                continue;
            }

            if ((seenKeys.GetValueOrDefault(key) ?? stored.GetValueOrDefault(key)) is { } existing)
            {
                if (!existing.Event.IsSameSubmissionAs(studyEvent))
                {
                    conflict = new IdempotencyConflictException(key, existing.Sequence);
                    return plan;
                }

                plan.Add(new PlannedEvent(studyEvent, payload, existing, -1));
                continue;
            }

            (newKeys ??= new Dictionary<string, int>(StringComparer.Ordinal))[key] = plan.Count;
            plan.Add(new PlannedEvent(studyEvent, payload, null, -1));
        }

        return plan;
    }

    private static async Task<List<EventRow>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<EventRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(ReadRow(reader));
        }

        return rows;
    }

    private static EventRow ReadRow(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));

    private IReadOnlyList<RecordedEvent> ToRecorded(List<EventRow> rows)
    {
        var events = rows.Select(r => (Row: r, Event: EventHashChain.Deserialize(r.Payload))).ToList();

        // A withdrawal committed by any instance destroyed the key with it: this instance's cache must not decrypt the
        // participant's earlier words either, so it forgets the key before revealing anything.
        foreach (var withdrew in events.Select(e => e.Event).OfType<ParticipantWithdrew>())
        {
            KeyStore.ForgetMaterial(withdrew.StudyId, withdrew.ParticipantId);
        }

        return [.. events.Select(e =>
        {
            // The study and type columns are indexes for reading; the hashed payload is the truth.
            return e.Event.StudyId == e.Row.StudyId ? new RecordedEvent(e.Row.Sequence, _protector.Reveal(e.Event), e.Row.Payload, e.Row.PreviousHash, e.Row.Hash)
                : throw new InvalidOperationException($"The event log is damaged: event {e.Row.Sequence} is filed under study '{e.Row.StudyId}' but belongs to '{e.Event.StudyId}'. Run 'moralgraph audit verify'.");
        })];
    }

    private static string? DescribeColumnMismatch(EventRow row)
    {
        var studyEvent = EventHashChain.Deserialize(row.Payload);
        return studyEvent.StudyId != row.StudyId || studyEvent.GetType().Name != row.Type
            ? $"its study or type column ({row.StudyId}, {row.Type}) does not match its hashed content ({studyEvent.StudyId}, {studyEvent.GetType().Name})"
            : null;
    }

    /// <summary>The participants whose keys <paramref name="studyEvent"/> needs: its author's, and those its stories quote.</summary>
    private static IEnumerable<(string StudyId, string ParticipantId)> OwnersOf(StudyEvent studyEvent)
    {
        var owners = new List<(string, string)>();
        if (studyEvent.ParticipantTextOwner() is { } owner)
        {
            owners.Add((studyEvent.StudyId, owner));
        }

        studyEvent.MapQuotedText((_, quoted, text) =>
        {
            owners.AddRange(quoted.Select(q => (studyEvent.StudyId, q)));
            return text;
        });
        return owners;
    }

    /// <summary>The event as stored: its participant's words encrypted with their key, a facilitator's edit under its card's author.</summary>
    private StudyEvent Protect(StudyEvent studyEvent, IReadOnlyList<StudyEvent> batch)
    {
        if (studyEvent is CardEdited { ParticipantId: null } edited)
        {
            // An edit that does not name the card's author (an older caller) is still the author's words.
            return AuthorOf(edited, batch) is { } author ? _protector.Protect(edited with { ParticipantId = author }) : studyEvent;
        }

        return _protector.Protect(studyEvent);
    }

    private string? AuthorOf(CardEdited edited, IReadOnlyList<StudyEvent> batch)
    {
        if (batch.OfType<CardSubmitted>().FirstOrDefault(c => c.StudyId == edited.StudyId && c.CardId == edited.CardId) is { } inBatch)
        {
            return inBatch.ParticipantId;
        }

        var cardKey = new CardSubmitted(edited.CardId, "", "", "", "", []) { StudyId = edited.StudyId, OccurredAt = default, Actor = "" }.IdempotencyKey!;
        using var command = _dataSource.CreateCommand("SELECT payload FROM events WHERE idempotency_key = @key");
        command.Parameters.AddWithValue("key", cardKey);
        return command.ExecuteScalar() is string payload ? (EventHashChain.Deserialize(payload) as CardSubmitted)?.ParticipantId : null;
    }

    /// <summary>
    /// A connection of the data source named <paramref name="applicationName"/> in <c>pg_stat_activity</c>, so operators
    /// (and tests) can tell the writer and the listener. (The pool resets the name when the connection goes back.)
    /// </summary>
    private async Task<NpgsqlConnection> OpenNamedConnectionAsync(string applicationName, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var name = new NpgsqlCommand("SELECT set_config('application_name', @name, false)", connection);
            name.Parameters.AddWithValue("name", applicationName);
            await name.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // A class, not a record: each append is itself (the group's refusals are found by reference), however alike two are.
    private sealed class PendingAppend
    {
        public PendingAppend(IReadOnlyList<(StudyEvent Event, string Payload)> events, AppendCondition? condition)
        {
            Events = events;
            Condition = condition;
        }

        /// <summary>An append whose keys the writer creates before it serializes it.</summary>
        public PendingAppend(IReadOnlyList<StudyEvent> unserialized, AppendCondition? condition)
        {
            Unserialized = unserialized;
            Events = [];
            Condition = condition;
        }

        public IReadOnlyList<(StudyEvent Event, string Payload)> Events { get; private set; }

        /// <summary>The events still to be encrypted and serialized (by the writer), or null.</summary>
        public IReadOnlyList<StudyEvent>? Unserialized { get; private set; }

        public int Count => Unserialized?.Count ?? Events.Count;

        public AppendCondition? Condition { get; }

        public void Serialized(IReadOnlyList<(StudyEvent Event, string Payload)> events)
        {
            Events = events;
            Unserialized = null;
        }

        public TaskCompletionSource<IReadOnlyList<RecordedEvent>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>An event of an append as planned: already <paramref name="Stored"/>, the same as the append's event at <paramref name="SameAs"/>, or new.</summary>
    private readonly record struct PlannedEvent(StudyEvent Event, string Payload, RecordedEvent? Stored, int SameAs)
    {
        public bool IsNew => Stored is null && SameAs < 0;
    }

    /// <summary>The connection was lost while a group's COMMIT was under way, and the store could not be asked whether it went through.</summary>
    private sealed class CommitUnknownException(long lastSequence)
        : IOException($"The connection to the PostgreSQL store was lost while events up to {lastSequence} were being committed, and whether they were recorded cannot be told now. 'moralgraph audit verify' and the study's events will show it; a retried submission with the same id is stored once.");

    private sealed record EventRow(long Sequence, string StudyId, string Type, string Payload, string PreviousHash, string Hash);

    private sealed record NewRow(long Sequence, string StudyId, string Type, string Payload, string PreviousHash, string Hash, string? IdempotencyKey);
}
