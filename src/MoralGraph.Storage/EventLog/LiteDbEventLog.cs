using System.Collections.Concurrent;
using LiteDB;
using MoralGraph.Core.Events;

namespace MoralGraph.Storage.EventLog;

/// <summary>
/// The event log in a LiteDB file. One writer thread takes appends from every caller and commits them
/// in groups (group commit): each group is one LiteDB transaction followed by a checkpoint, which flushes
/// the data to disk, and only then are the callers' tasks completed. So an acknowledged append survives a
/// killed process, the hash chain is extended in one place without locks, and many concurrent voters
/// share one disk flush instead of paying one each.
/// </summary>
public sealed class LiteDbEventLog : IEventLog, IStudyCatalog, IDisposable
{
    private const string EventsCollection = "events";
    private const string KeysCollection = "idempotency";
    private const string StudiesCollection = "studies";
    private const int MaxEventsPerGroup = 2_000;

    private readonly LiteDatabase _database;
    private readonly BlockingCollection<PendingAppend> _pending = new();
    private readonly Thread _writer;
    private readonly FileStream _ownership;
    private volatile Exception? _fault;
    private long _lastSequence;
    private string _lastHash;
    private bool _disposed;

    /// <summary>Opens (or creates) the store at <paramref name="path"/>, creating its folder.</summary>
    public LiteDbEventLog(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        Path = System.IO.Path.GetFullPath(path);

        // One process owns a store: the hash chain and sequence numbers live in this writer's memory, and
        // LiteDB's direct mode does not guard against a second process. A second opener is refused here.
        try
        {
            _ownership = new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new StoreInUseException(Path, e);
        }

        try
        {
            _database = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Direct });
            var events = _database.GetCollection<EventDocument>(EventsCollection);
            events.EnsureIndex(e => e.StudyId);
            var last = events.Query().OrderByDescending(e => e.Id).Limit(1).FirstOrDefault();
            _lastSequence = last?.Id ?? 0;
            _lastHash = last?.Hash ?? EventHashChain.Genesis;
        }
        catch
        {
            _database?.Dispose();
            _ownership.Dispose();
            throw;
        }

        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "moralgraph-event-writer" };
        _writer.Start();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        var recorded = await AppendAllAsync([studyEvent], cancellationToken);
        return recorded[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyEvents);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_fault is { } fault)
        {
            return Task.FromException<IReadOnlyList<RecordedEvent>>(fault);
        }
        if (studyEvents.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<RecordedEvent>>([]);
        }

        // Serialize on the caller's thread: the writer thread should only write.
        var pending = new PendingAppend(studyEvents.Select(e => (e, EventHashChain.Serialize(e))).ToList());
        _pending.Add(pending, CancellationToken.None);

        // Cancellation stops the wait, not the write: once queued, the events are written.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default) =>
        Task.FromResult(ToRecorded(_database.GetCollection<EventDocument>(EventsCollection)
            .Query().Where(e => e.StudyId == studyId).OrderBy(e => e.Id).ToList()));

    /// <inheritdoc />
    /// <remarks>Walks the sequence index from <paramref name="afterSequence"/>, so a short tail is read quickly however long the log.</remarks>
    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default) =>
        afterSequence <= 0 ? ReadStudyAsync(studyId, cancellationToken)
            : Task.FromResult(ToRecorded(_database.GetCollection<EventDocument>(EventsCollection)
                .Find(Query.GT("_id", afterSequence)).Where(e => e.StudyId == studyId).OrderBy(e => e.Id).ToList()));

    private static IReadOnlyList<RecordedEvent> ToRecorded(List<EventDocument> documents)
    {
        IReadOnlyList<RecordedEvent> events = documents.Select(d =>
        {
            var recorded = new RecordedEvent(d.Id, EventHashChain.Deserialize(d.Payload), d.Payload, d.PreviousHash, d.Hash);

            // The study and type columns are indexes for reading; the hashed payload is the truth.
            return recorded.Event.StudyId == d.StudyId ? recorded
                : throw new InvalidOperationException($"The event log is damaged: event {d.Id} is filed under study '{d.StudyId}' but belongs to '{recorded.Event.StudyId}'. Run 'moralgraph audit verify'.");
        }).ToList();
        return events;
    }

    /// <inheritdoc />
    public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var previous = EventHashChain.Genesis;
        long expected = 1;
        foreach (var document in _database.GetCollection<EventDocument>(EventsCollection).Query().OrderBy(e => e.Id).ToEnumerable())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? problem = null;
            if (document.Id != expected)
            {
                problem = $"event {expected} is missing (found {document.Id} next)";
            }
            else if (document.PreviousHash != previous)
            {
                problem = "its previous-hash does not match the event before it";
            }
            else if (EventHashChain.ComputeHash(previous, document.Id, document.Payload) != document.Hash)
            {
                problem = "its content does not match its hash (the event was altered)";
            }
            else if (DescribeColumnMismatch(document) is { } mismatch)
            {
                problem = mismatch;
            }

            if (problem is not null)
            {
                return Task.FromResult(new ChainVerification(false, expected - 1, document.Id, problem));
            }

            previous = document.Hash;
            expected++;
        }

        return Task.FromResult(new ChainVerification(true, expected - 1, null, null) { HeadHash = previous });
    }

    /// <inheritdoc />
    public Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default) =>
        Task.FromResult(_database.GetCollection<EventDocument>(EventsCollection).FindById(sequence)?.Hash);

    /// <inheritdoc />
    public Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<StudySummary> studies = _database.GetCollection<StudyDocument>(StudiesCollection).FindAll()
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new StudySummary(s.Id, s.Title, s.Phase, s.QuestionCount, s.EventCount)).ToList();
        return Task.FromResult(studies);
    }

    /// <summary>Finishes queued writes, then closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _pending.CompleteAdding();
        _writer.Join();
        _pending.Dispose();
        _database.Dispose();
        _ownership.Dispose();
    }

    private void WriteLoop()
    {
        var group = new List<PendingAppend>();
        while (!_pending.IsCompleted)
        {
            if (!_pending.TryTake(out var first, Timeout.Infinite))
            {
                continue;
            }

            group.Clear();
            group.Add(first);
            var count = first.Events.Count;
            while (count < MaxEventsPerGroup && _pending.TryTake(out var next))
            {
                group.Add(next);
                count += next.Events.Count;
            }

            if (_fault is not null)
            {
                FailAll(group, _fault);
                continue;
            }

            try
            {
                Commit(group);
            }
            catch (Exception) when (group.Count > 1 && TryResynchronizeHead())
            {
                // One bad append must not fail its neighbours: retry each on its own.
                foreach (var single in group)
                {
                    try
                    {
                        Commit([single]);
                    }
                    catch (Exception e)
                    {
                        single.Completion.TrySetException(e);
                        if (!TryResynchronizeHead())
                        {
                            FailAll(group, _fault!);
                            break;
                        }
                    }
                }
            }
            catch (Exception e)
            {
                // Whatever went wrong, the writer thread lives on: losing it would leave every caller waiting.
                FailAll(group, TryResynchronizeHead() ? e : _fault!);
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

    /// <summary>
    /// Re-reads the chain's head after a failure so the next append links to what is stored. If even that fails,
    /// the store is unusable (disk gone, engine shut down): the log is marked faulted and refuses appends from
    /// then on with that reason, rather than guessing at the head.
    /// </summary>
    private bool TryResynchronizeHead()
    {
        try
        {
            ResynchronizeHead();
            return true;
        }
        catch (Exception e)
        {
            _fault = new IOException($"The store {Path} can no longer be written: {e.Message}. Restart the app after fixing the cause.", e);
            return false;
        }
    }

    /// <summary>Commits a group in one transaction, or throws with nothing written.</summary>
    private void Commit(IReadOnlyList<PendingAppend> group)
    {
        var sequence = _lastSequence;
        var hash = _lastHash;
        var results = new List<List<RecordedEvent>>(group.Count);
        _database.BeginTrans();
        try
        {
            var events = _database.GetCollection<EventDocument>(EventsCollection);
            var keys = _database.GetCollection<KeyDocument>(KeysCollection);
            var studies = _database.GetCollection<StudyDocument>(StudiesCollection);
            var seenKeys = new Dictionary<string, RecordedEvent>(StringComparer.Ordinal);
            var touchedStudies = new Dictionary<string, StudyDocument>(StringComparer.Ordinal);
            foreach (var append in group)
            {
                var recorded = new List<RecordedEvent>(append.Events.Count);
                foreach (var (studyEvent, payload) in append.Events)
                {
                    if (studyEvent.IdempotencyKey is { } key && FindExisting(key, keys, events, seenKeys) is { } existing)
                    {
                        if (!existing.Event.IsSameSubmissionAs(studyEvent))
                        {
                            throw new IdempotencyConflictException(key, existing.Sequence);
                        }

                        recorded.Add(existing);
                        continue;
                    }

                    sequence++;
                    var eventHash = EventHashChain.ComputeHash(hash, sequence, payload);
                    events.Insert(new EventDocument
                    {
                        Id = sequence, StudyId = studyEvent.StudyId, Type = studyEvent.GetType().Name, Payload = payload, PreviousHash = hash, Hash = eventHash,
                    });
                    var result = new RecordedEvent(sequence, studyEvent, payload, hash, eventHash);
                    if (studyEvent.IdempotencyKey is { } newKey)
                    {
                        keys.Insert(new KeyDocument { Id = newKey, Sequence = sequence });
                        seenKeys[newKey] = result;
                    }

                    // Reserved streams (facilitator accounts and keys) are not studies and stay off the study list.
                    if (!Core.Access.AccessLog.IsReserved(studyEvent.StudyId))
                    {
                        UpdateStudyReadModel(studyEvent, studies, touchedStudies);
                    }

                    hash = eventHash;
                    recorded.Add(result);
                }

                results.Add(recorded);
            }

            foreach (var study in touchedStudies.Values)
            {
                studies.Upsert(study);
            }

            _database.Commit();
        }
        catch
        {
            _database.Rollback();
            throw;
        }

        _lastSequence = sequence;
        _lastHash = hash;
        try
        {
            // LiteDB 5 hands committed log pages to a background writer; a checkpoint waits for it and
            // flushes the data file, so the acknowledgement below really follows the disk write.
            _database.Checkpoint();
        }
        catch (Exception e)
        {
            // Committed, so not to be retried (that would record the events twice), but not confirmed on disk.
            var failure = new IOException($"Events {results.SelectMany(r => r).Min(r => r.Sequence)}–{sequence} were recorded but the flush to disk failed: {e.Message}", e);
            foreach (var append in group)
            {
                append.Completion.TrySetException(failure);
            }

            return;
        }

        for (var i = 0; i < group.Count; i++)
        {
            group[i].Completion.TrySetResult(results[i]);
        }
    }

    /// <summary>Re-reads the chain's head from the file after a failure, so the next append links to what is stored.</summary>
    private void ResynchronizeHead()
    {
        var last = _database.GetCollection<EventDocument>(EventsCollection).Query().OrderByDescending(e => e.Id).Limit(1).FirstOrDefault();
        _lastSequence = last?.Id ?? 0;
        _lastHash = last?.Hash ?? EventHashChain.Genesis;
    }

    private static string? DescribeColumnMismatch(EventDocument document)
    {
        var studyEvent = EventHashChain.Deserialize(document.Payload);
        return studyEvent.StudyId != document.StudyId || studyEvent.GetType().Name != document.Type
            ? $"its study or type column ({document.StudyId}, {document.Type}) does not match its hashed content ({studyEvent.StudyId}, {studyEvent.GetType().Name})"
            : null;
    }

    private static RecordedEvent? FindExisting(string key, ILiteCollection<KeyDocument> keys, ILiteCollection<EventDocument> events, Dictionary<string, RecordedEvent> seenKeys)
    {
        if (seenKeys.TryGetValue(key, out var inGroup))
        {
            return inGroup;
        }

        var stored = keys.FindById(key);
        if (stored is null)
        {
            return null;
        }

        var document = events.FindById(stored.Sequence)
            ?? throw new InvalidOperationException($"The event log is damaged: the submission '{key}' points at event {stored.Sequence}, which is missing. Run 'moralgraph audit verify'.");
        return new RecordedEvent(document.Id, EventHashChain.Deserialize(document.Payload), document.Payload, document.PreviousHash, document.Hash);
    }

    private static void UpdateStudyReadModel(StudyEvent studyEvent, ILiteCollection<StudyDocument> studies, Dictionary<string, StudyDocument> touched)
    {
        if (!touched.TryGetValue(studyEvent.StudyId, out var study))
        {
            study = studies.FindById(studyEvent.StudyId) ?? new StudyDocument { Id = studyEvent.StudyId, Title = studyEvent.StudyId };
            touched[studyEvent.StudyId] = study;
        }

        study.EventCount++;
        switch (studyEvent)
        {
            case StudyDefined defined:
                // The same rules as StudyState: a redefinition keeps the phase; phases only move forward.
                study.Title = defined.Study.Title;
                study.QuestionCount = defined.Study.Questions.Count;
                if (study.EventCount == 1)
                {
                    study.Phase = defined.Study.Phase;
                }

                break;
            case PhaseChanged changed when Core.Studies.StudyPhases.CanMove(study.Phase, changed.Phase):
                study.Phase = changed.Phase;
                break;
        }
    }

    private sealed record PendingAppend(IReadOnlyList<(StudyEvent Event, string Payload)> Events)
    {
        public TaskCompletionSource<IReadOnlyList<RecordedEvent>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Another process (or another log in this one) has the store open.</summary>
public sealed class StoreInUseException(string path, Exception inner)
    : IOException($"The store {path} is in use by another process (is the MoralGraph app running on it?). Stop it, or use another --db.", inner);

/// <summary>A submission reused an id (vote id, card id) with different content; the first one stands.</summary>
public sealed class IdempotencyConflictException(string key, long existingSequence)
    : InvalidOperationException($"'{key}' was already recorded as event {existingSequence} with different content; the first submission stands.")
{
    /// <summary>The reused key.</summary>
    public string Key { get; } = key;
}
