using System.Collections.Concurrent;
using System.Security.Cryptography;
using LiteDB;
using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Storage.Erasure;

namespace MoralGraph.Storage.EventLog;

/// <summary>
/// The event log in a LiteDB file. One writer thread takes appends from every caller, in the order they were
/// queued, and commits them in groups (group commit): each group is one LiteDB transaction, and only once LiteDB's
/// log holds the whole transaction on disk (one flush of the log file per group) are the callers' tasks completed.
/// So an acknowledged append survives a killed process and a power cut, the hash chain is extended in one place
/// without locks, and many concurrent voters share one disk flush instead of paying one each. The log is copied
/// into the data file (a checkpoint) only once it has grown past a few megabytes, after the group's callers have
/// their answer.
/// <para>
/// When the disk is full, the group that did not fit fails with <see cref="StoreFullException"/>, with none of its
/// events stored; the store is read back from its files (LiteDB's memory may hold the failed group) and later
/// appends go through as soon as there is room again.
/// </para>
/// <para>
/// Participants' words are encrypted before an event is serialized, so the hash chain covers the ciphertext, with each
/// participant's key from a key file beside the store (<see cref="LiteDbParticipantKeyStore"/>); reads decrypt them.
/// Once a <see cref="ParticipantWithdrew"/> is on disk, the participant's key is destroyed, and opening the store
/// destroys any key a crash left behind a recorded withdrawal: from then on their words read as
/// <see cref="ParticipantText.Withdrawn"/> from this file and from every copy of it, and the chain still verifies.
/// </para>
/// </summary>
public sealed class LiteDbEventLog : IEventLog, IStudyCatalog, IStoredEventSource, IDisposable
{
    private const string EventsCollection = "events";
    private const string KeysCollection = "idempotency";
    private const string StudiesCollection = "studies";
    private const string ErasureCollection = "erasure";
    private const int MaxEventsPerGroup = 2_000;

    // LiteDB's own default (1,000 pages of 8 KB): a checkpoint copies every page version in the log, so a larger
    // log saves flushes of the data file but makes the append that waits behind a checkpoint wait longer.
    private const long DefaultCheckpointLogBytes = 8 * 1024 * 1024;

    private readonly BlockingCollection<PendingAppend> _pending = new();
    private readonly Thread _writer;
    private readonly FileStream _ownership;
    private readonly long _checkpointLogBytes;
    private readonly LiteDbParticipantKeyStore? _keys;
    private readonly ParticipantTextProtector? _protector;
    private readonly bool _ownsKeys;

    // Withdrawals on disk whose key is still to be destroyed (the key file failed): tried again after each group.
    private readonly ConcurrentQueue<(string StudyId, string ParticipantId)> _keysToDestroy = new();

    // Whether the store notes which key file its encrypted words need; written with the first encrypted event.
    private bool _keyStoreNoted;

    // Readers and the writer's commits share the open store (read lock); replacing it after a storage failure
    // waits for them (write lock).
    private readonly ReaderWriterLockSlim _storeLock = new();
    private LiteDbStore? _store;
    private Exception? _unavailable;
    private volatile Exception? _fault;
    private long _lastSequence;
    private string _lastHash = EventHashChain.Genesis;
    private bool _disposed;

    /// <summary>Opens (or creates) the store at <paramref name="path"/>, creating its folder.</summary>
    public LiteDbEventLog(string path)
        : this(path, DefaultCheckpointLogBytes)
    {
    }

    /// <summary>Opens the store, copying LiteDB's log into the data file once it holds <paramref name="checkpointLogBytes"/>.</summary>
    internal LiteDbEventLog(string path, long checkpointLogBytes)
        : this(path, checkpointLogBytes, LiteDbParticipantKeyStore.PathBeside(path))
    {
    }

    /// <summary>
    /// Opens the store with its participants' keys in <paramref name="keysPath"/>; null keeps words in clear text, as
    /// stores were written before encryption (for tests of their migration).
    /// </summary>
    internal LiteDbEventLog(string path, long checkpointLogBytes, string? keysPath)
        : this(path, checkpointLogBytes, keysPath, sharedKeys: null)
    {
    }

    /// <summary>Opens the store with the participants' keys of <paramref name="sharedKeys"/>, which stays open after this log (a store being rewritten).</summary>
    internal LiteDbEventLog(string path, LiteDbParticipantKeyStore sharedKeys)
        : this(path, DefaultCheckpointLogBytes, keysPath: null, sharedKeys ?? throw new ArgumentNullException(nameof(sharedKeys)))
    {
    }

    private LiteDbEventLog(string path, long checkpointLogBytes, string? keysPath, LiteDbParticipantKeyStore? sharedKeys)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkpointLogBytes);
        _checkpointLogBytes = checkpointLogBytes;
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
            _store = LiteDbStore.Open(Path);
            _store.Database.GetCollection<EventDocument>(EventsCollection).EnsureIndex(e => e.StudyId);
            (_lastSequence, _lastHash) = ReadHead(_store.Database);
            if (sharedKeys is not null)
            {
                _keys = sharedKeys;
                _keyStoreNoted = CheckKeyStore(_store.Database, sharedKeys);
            }
            else if (keysPath is not null)
            {
                _keys = OpenKeyStore(_store.Database, keysPath, out _keyStoreNoted);
                _ownsKeys = true;
            }

            if (_keys is not null)
            {
                _protector = new ParticipantTextProtector(_keys);
                DestroyKeysOfWithdrawn(_store.Database);
                RewrittenFrom = _store.Database.GetCollection<RewriteDocument>(ErasureCollection).FindById(RewriteDocument.TheId) is { } rewrite
                    ? $"{rewrite.FromHeadSequence}:{rewrite.FromHeadHash}" : null;
            }
        }
        catch
        {
            if (_ownsKeys)
            {
                _keys?.Dispose();
            }

            _store?.Dispose();
            _ownership.Dispose();
            throw;
        }

        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "moralgraph-event-writer" };
        _writer.Start();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Full path of the participants' key file, or null for a store kept in clear text.</summary>
    public string? KeyStorePath => _keys?.Path;

    /// <summary>The participants' keys, or null for a store kept in clear text.</summary>
    internal LiteDbParticipantKeyStore? KeyStore => _keys;

    /// <summary>
    /// True once a read met a participant's text stored in clear, from before the store was encrypted: what
    /// <c>moralgraph store encrypt</c> rewrites. (The app reads every study as it starts, so it knows by then.)
    /// </summary>
    public bool HasReadClearText => _protector?.HasReadClearText ?? false;

    /// <summary>
    /// When this store was written by <c>moralgraph store encrypt</c> from a store in clear text, that store's chain head
    /// (<c>N:HASH</c>, as <c>audit verify</c> printed it), which links the two chains for an auditor; else null.
    /// </summary>
    public string? RewrittenFrom { get; private set; }

    /// <summary>Records, durably, the head of the chain this store was rewritten from (see <see cref="RewrittenFrom"/>).</summary>
    internal void NoteRewrittenFrom(long headSequence, string headHash) => Read(database =>
    {
        database.GetCollection<RewriteDocument>(ErasureCollection).Upsert(new RewriteDocument { Id = RewriteDocument.TheId, FromHeadSequence = headSequence, FromHeadHash = headHash });
        _store!.WaitUntilCommitsAreOnDisk();
        RewrittenFrom = $"{headSequence}:{headHash}";
        return true;
    });

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

        // Encrypt and serialize on the caller's thread: the writer thread should only write.
        List<(StudyEvent, string)> serialized;
        try
        {
            if (_keys is not null && studyEvents.Count > 1)
            {
                _keys.CreateMissing(studyEvents.SelectMany(OwnersOf));
            }

            serialized = studyEvents.Select(e => (e, EventHashChain.Serialize(Protect(e, studyEvents)))).ToList();
        }
        catch (Exception e) when (e is IOException or LiteException or CryptographicException)
        {
            // A key could not be created or stored: nothing is queued, so nothing of the append is recorded.
            return Task.FromException<IReadOnlyList<RecordedEvent>>(e);
        }

        var pending = new PendingAppend(serialized);
        _pending.Add(pending, CancellationToken.None);

        // Cancellation stops the wait, not the write: once queued, the events are written.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default) => Task.FromResult(Read(database =>
        ToRecorded(database.GetCollection<EventDocument>(EventsCollection).Query().Where(e => e.StudyId == studyId).OrderBy(e => e.Id).ToList())));

    /// <inheritdoc />
    /// <remarks>Walks the sequence index from <paramref name="afterSequence"/>, so a short tail is read quickly however long the log.</remarks>
    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default) =>
        afterSequence <= 0 ? ReadStudyAsync(studyId, cancellationToken)
            : Task.FromResult(Read(database => ToRecorded(database.GetCollection<EventDocument>(EventsCollection)
                .Find(Query.GT("_id", afterSequence)).Where(e => e.StudyId == studyId).OrderBy(e => e.Id).ToList())));

    /// <summary>Up to <paramref name="limit"/> events of every stream after <paramref name="afterSequence"/>, in order (for rewriting the whole log).</summary>
    internal IReadOnlyList<RecordedEvent> ReadAll(long afterSequence, int limit) => Read(database =>
        ToRecorded(database.GetCollection<EventDocument>(EventsCollection).Find(Query.GT("_id", afterSequence), 0, limit).OrderBy(e => e.Id).ToList()));

    /// <summary>Up to <paramref name="limit"/> stored payloads after <paramref name="afterSequence"/>, exactly as stored and hashed.</summary>
    internal IReadOnlyList<(long Sequence, string Payload)> ReadPayloads(long afterSequence, int limit) => Read(database =>
    {
        IReadOnlyList<(long, string)> payloads = database.GetCollection<EventDocument>(EventsCollection).Find(Query.GT("_id", afterSequence), 0, limit)
            .OrderBy(e => e.Id).Select(e => (e.Id, e.Payload)).ToList();
        return payloads;
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEventRow>> ReadStoredAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return Task.FromResult(Read(database =>
        {
            IReadOnlyList<StoredEventRow> rows = database.GetCollection<EventDocument>(EventsCollection).Find(Query.GT("_id", afterSequence), 0, limit)
                .OrderBy(e => e.Id).Select(e => new StoredEventRow(e.Id, e.StudyId, e.Type, e.Payload, e.PreviousHash, e.Hash)).ToList();
            return rows;
        }));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ParticipantKey>> ExportParticipantKeysAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_keys?.Export() ?? []);

    /// <summary>
    /// Writes <paramref name="rows"/> as they are, after the events already here, checking each against
    /// <paramref name="chain"/>: the same documents, idempotency keys and study list an append writes, but not one byte of a
    /// payload changed. Only for a new store nobody else appends to (<see cref="Copying.LiteDbStoreImport"/>).
    /// </summary>
    internal void ImportStored(IReadOnlyList<StoredEventRow> rows, StoredChainCheck chain)
    {
        Read(database =>
        {
            database.BeginTrans();
            try
            {
                var events = database.GetCollection<EventDocument>(EventsCollection);
                var keys = database.GetCollection<KeyDocument>(KeysCollection);
                var studies = database.GetCollection<StudyDocument>(StudiesCollection);
                var touchedStudies = new Dictionary<string, StudyDocument>(StringComparer.Ordinal);
                foreach (var row in rows)
                {
                    var studyEvent = chain.Check(row);
                    if (!_keyStoreNoted && _keys is not null && row.Payload.Contains(ParticipantTextProtector.EnvelopePrefix, StringComparison.Ordinal))
                    {
                        database.GetCollection<ErasureDocument>(ErasureCollection).Upsert(new ErasureDocument { Id = ErasureDocument.TheId, KeyStoreId = _keys.StoreId });
                        _keyStoreNoted = true;
                    }

                    events.Insert(new EventDocument { Id = row.Sequence, StudyId = row.StudyId, Type = row.Type, Payload = row.Payload, PreviousHash = row.PreviousHash, Hash = row.Hash });
                    if (studyEvent.IdempotencyKey is { } key)
                    {
                        keys.Insert(new KeyDocument { Id = key, Sequence = row.Sequence });
                    }

                    if (!Core.Access.AccessLog.IsReserved(studyEvent.StudyId))
                    {
                        UpdateStudyReadModel(studyEvent, studies, touchedStudies);
                    }
                }

                foreach (var study in touchedStudies.Values)
                {
                    studies.Upsert(study);
                }

                database.Commit();
            }
            catch
            {
                database.Rollback();
                throw;
            }

            return true;
        });

        _store!.WaitUntilCommitsAreOnDisk();
        (_lastSequence, _lastHash) = (chain.Count, chain.Head);
    }

    private IReadOnlyList<RecordedEvent> ToRecorded(List<EventDocument> documents)
    {
        IReadOnlyList<RecordedEvent> events = documents.Select(d =>
        {
            var recorded = new RecordedEvent(d.Id, Reveal(EventHashChain.Deserialize(d.Payload)), d.Payload, d.PreviousHash, d.Hash);

            // The study and type columns are indexes for reading; the hashed payload is the truth.
            return recorded.Event.StudyId == d.StudyId ? recorded
                : throw new InvalidOperationException($"The event log is damaged: event {d.Id} is filed under study '{d.StudyId}' but belongs to '{recorded.Event.StudyId}'. Run 'moralgraph audit verify'.");
        }).ToList();
        return events;
    }

    /// <inheritdoc />
    public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => Task.FromResult(Read(database =>
    {
        var previous = EventHashChain.Genesis;
        long expected = 1;
        foreach (var document in database.GetCollection<EventDocument>(EventsCollection).Query().OrderBy(e => e.Id).ToEnumerable())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var problem = EventHashChain.LinkProblem(expected, previous, document.Id, document.PreviousHash, document.Payload, document.Hash) ?? DescribeColumnMismatch(document);

            if (problem is not null)
            {
                return new ChainVerification(false, expected - 1, document.Id, problem);
            }

            previous = document.Hash;
            expected++;
        }

        return new ChainVerification(true, expected - 1, null, null) { HeadHash = previous };
    }));

    /// <inheritdoc />
    public Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(database => database.GetCollection<EventDocument>(EventsCollection).FindById(sequence)?.Hash));

    /// <inheritdoc />
    public Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken = default) => Task.FromResult(Read(database =>
    {
        IReadOnlyList<StudySummary> studies = database.GetCollection<StudyDocument>(StudiesCollection).FindAll()
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new StudySummary(s.Id, s.Title, s.Phase, s.QuestionCount, s.EventCount)).ToList();
        return studies;
    }));

    /// <summary>Finishes queued writes, copies LiteDB's log into the data file, then closes the files.</summary>
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
        _storeLock.EnterWriteLock();
        try
        {
            _store?.Dispose();
            _store = null;
        }
        finally
        {
            _storeLock.ExitWriteLock();
        }

        _storeLock.Dispose();
        if (_ownsKeys)
        {
            _keys?.Dispose();
        }

        _ownership.Dispose();
    }

    /// <summary>
    /// Runs a read on the open store. LiteDB shuts its engine down after any I/O error, a reader's too (a query that
    /// sorts on a full disk), so after such a failure the store is opened again and the read tried once more.
    /// </summary>
    private T Read<T>(Func<LiteDatabase, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 1; ; attempt++)
        {
            LiteDbStore? store = null;
            Exception failure;
            _storeLock.EnterReadLock();
            try
            {
                store = _store;
                if (store is not null)
                {
                    return read(store.Database);
                }

                failure = _unavailable ?? new IOException($"The store {Path} is not open.");
            }
            catch (Exception e) when (IsStorageFailure(e, store))
            {
                failure = e;
            }
            finally
            {
                _storeLock.ExitReadLock();
            }

            ReplaceStore(store);
            if (attempt == 2)
            {
                throw StoreFullException.IsCause(failure) ? StoreFullException.NotRead(Path, failure)
                    : new IOException($"The store {Path} could not be read: {failure.Message}", failure);
            }
        }
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

            // Appends that arrived while the previous group was being flushed all go into this one.
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

            // Whatever goes wrong, the writer thread lives on: losing it would leave every caller waiting. After a
            // storage failure there is no checkpoint: on a full disk it would fail too, and cost a reopen each time.
            if (Write(group))
            {
                CheckpointWhenTheLogIsLarge();
            }
        }
    }

    /// <summary>
    /// Commits a group and completes its appends. A storage failure fails the group and reopens the store, so the next
    /// group starts from what is on disk; if the failure came before anything was committed (LiteDB had shut down
    /// after an earlier error, a reader's perhaps), the group is first tried once more on the reopened store.
    /// Returns false after a storage failure.
    /// </summary>
    private bool Write(List<PendingAppend> group)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (_store is null)
            {
                ReplaceStore(null);
            }

            LiteDbStore? store = null;
            Exception? storageFailure = null;
            _storeLock.EnterReadLock();
            try
            {
                store = _store;
                if (store is null)
                {
                    storageFailure = _unavailable ?? new IOException($"The store {Path} is not open.");
                }
                else
                {
                    CommitIsolatingBadAppends(store, group);
                }
            }
            catch (Exception e) when (IsStorageFailure(e, store))
            {
                storageFailure = e;
            }
            finally
            {
                _storeLock.ExitReadLock();
            }

            if (storageFailure is null)
            {
                return true;
            }

            ReplaceStore(store);

            // Appends already committed on their own (after a bad neighbour) are done and must not be written twice.
            group.RemoveAll(append => append.Completion.Task.IsCompleted);
            if (attempt == 1 && store is not null && storageFailure is not LogNotOnDiskException)
            {
                continue;
            }

            FailAll(group, DescribeWriteFailure(storageFailure));
            return false;
        }
    }

    private void CommitIsolatingBadAppends(LiteDbStore store, List<PendingAppend> group)
    {
        try
        {
            CommitDurably(store, group);
            return;
        }
        catch (Exception e) when (!IsStorageFailure(e, store))
        {
            if (!TryResynchronizeHead(store))
            {
                FailAll(group, _fault!);
                return;
            }

            if (group.Count == 1)
            {
                FailAll(group, e);
                return;
            }
        }

        // One bad append must not fail its neighbours: retry each on its own.
        foreach (var single in group)
        {
            try
            {
                CommitDurably(store, [single]);
            }
            catch (Exception e) when (!IsStorageFailure(e, store))
            {
                single.Completion.TrySetException(e);
                if (!TryResynchronizeHead(store))
                {
                    FailAll(group, _fault!);
                    return;
                }
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

    private Exception DescribeWriteFailure(Exception failure)
    {
        // A group is one transaction: once the store is read back, either all of it is there or none of it.
        if (failure is LogNotOnDiskException notOnDisk)
        {
            if (_store is null)
            {
                return new IOException($"The store {Path} could not confirm events after {notOnDisk.HeadBefore} on disk, nor be reopened to check whether they were recorded: {failure.Message}", failure);
            }

            if (_lastSequence > notOnDisk.HeadBefore)
            {
                return new IOException($"Events {notOnDisk.HeadBefore + 1}–{_lastSequence} were recorded but could not be confirmed on disk: {failure.Message}", failure);
            }
        }

        return StoreFullException.IsCause(failure) ? StoreFullException.NotRecorded(Path, failure)
            : new IOException($"The store {Path} could not be written, so nothing was recorded: {failure.Message}", failure);
    }

    /// <summary>
    /// True when <paramref name="error"/> comes from the disk rather than from the events: an I/O error, or LiteDB
    /// refusing to work because <paramref name="store"/>'s engine shut down after one.
    /// </summary>
    private static bool IsStorageFailure(Exception error, LiteDbStore? store)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is IOException)
            {
                return true;
            }
        }

        return error is LiteException or ObjectDisposedException && store is not null && store.WasShutDownByIoError();
    }

    /// <summary>
    /// Closes <paramref name="failed"/> and opens the store again: after a storage failure LiteDB's memory may hold a
    /// group that never reached the disk, or LiteDB may have shut its engine down, so the store and the chain's head are
    /// read back from the files. Opening needs no free space. If it fails anyway, the next group or read tries again.
    /// Does nothing if another thread has already replaced <paramref name="failed"/>.
    /// </summary>
    private void ReplaceStore(LiteDbStore? failed)
    {
        _storeLock.EnterWriteLock();
        try
        {
            if (!ReferenceEquals(_store, failed) || _disposed)
            {
                return;
            }

            try
            {
                _store?.Abandon();
            }
            catch (Exception e) when (e is IOException or LiteException or ObjectDisposedException)
            {
                // Closing a store that failed can fail too; the new one is opened from the files regardless.
            }

            _store = null;
            try
            {
                var store = LiteDbStore.Open(Path);
                (_lastSequence, _lastHash) = ReadHead(store.Database);
                _store = store;
                _unavailable = null;
            }
            catch (Exception e)
            {
                _unavailable = e;
            }
        }
        finally
        {
            _storeLock.ExitWriteLock();
        }
    }

    private void CheckpointWhenTheLogIsLarge()
    {
        LiteDbStore? store = null;
        _storeLock.EnterReadLock();
        try
        {
            store = _store;
            if (store is null || store.LogLength < _checkpointLogBytes)
            {
                return;
            }

            store.Checkpoint();
            return;
        }
        catch (Exception e) when (!IsStorageFailure(e, store))
        {
            // Readers held the store past LiteDB's lock timeout, or the engine shut down (the next group finds out):
            // the log stays, and a later group tries again.
            return;
        }
        catch (Exception)
        {
            // Acknowledged appends are safe in the log, which the reopened store reads back; a later group checkpoints.
        }
        finally
        {
            _storeLock.ExitReadLock();
        }

        ReplaceStore(store);
    }

    /// <summary>
    /// Re-reads the chain's head after a failed group so the next append links to what is stored. If even that fails,
    /// the store is unusable (the engine shut down for a reason other than the disk): the log is marked faulted and
    /// refuses appends from then on with that reason, rather than guessing at the head. A storage failure (LiteDB
    /// rethrows the I/O error it shut down after) is thrown, for <see cref="Write"/> to reopen the store.
    /// </summary>
    private bool TryResynchronizeHead(LiteDbStore store)
    {
        try
        {
            (_lastSequence, _lastHash) = ReadHead(store.Database);
            return true;
        }
        catch (Exception e) when (!IsStorageFailure(e, store))
        {
            _fault = new IOException($"The store {Path} can no longer be written: {e.Message}. Restart the app after fixing the cause.", e);
            return false;
        }
    }

    /// <summary>
    /// Writes the group in one transaction and waits until the log holds it on disk, then completes each append with
    /// its events, or with the conflict that kept it out. Throws with nothing committed if the transaction fails, and
    /// a <see cref="LogNotOnDiskException"/> if it was committed but could not be flushed.
    /// </summary>
    private void CommitDurably(LiteDbStore store, IReadOnlyList<PendingAppend> group)
    {
        // The keys that encrypt this group reach the disk before any of its events can.
        _keys?.FlushCreatedKeys();
        var database = store.Database;
        var sequence = _lastSequence;
        var hash = _lastHash;
        var outcomes = new List<(PendingAppend Append, IReadOnlyList<RecordedEvent>? Recorded, Exception? Refusal)>(group.Count);
        var withdrawals = new List<(string StudyId, string ParticipantId)>();
        var notesKeyStore = _keyStoreNoted;
        database.BeginTrans();
        try
        {
            var events = database.GetCollection<EventDocument>(EventsCollection);
            var keys = database.GetCollection<KeyDocument>(KeysCollection);
            var studies = database.GetCollection<StudyDocument>(StudiesCollection);
            var seenKeys = new Dictionary<string, RecordedEvent>(StringComparer.Ordinal);
            var touchedStudies = new Dictionary<string, StudyDocument>(StringComparer.Ordinal);
            foreach (var append in group)
            {
                // Every key of an append is checked before any of its events is written, so a conflicting append
                // leaves nothing behind and its neighbours in the group go ahead.
                var plan = Plan(append, sequence, keys, events, seenKeys, out var conflict);
                if (conflict is not null)
                {
                    outcomes.Add((append, null, conflict));
                    continue;
                }

                var recorded = new List<RecordedEvent>(plan.Count);
                foreach (var step in plan)
                {
                    if (step.Stored is { } stored)
                    {
                        recorded.Add(stored);
                        continue;
                    }

                    if (step.SameAs >= 0)
                    {
                        recorded.Add(recorded[step.SameAs]);
                        continue;
                    }

                    var studyEvent = step.Event;
                    if (!notesKeyStore && _keys is not null && step.Payload.Contains(ParticipantTextProtector.EnvelopePrefix, StringComparison.Ordinal))
                    {
                        // From this event on the store cannot be read without this key file: say so where the next opener looks.
                        database.GetCollection<ErasureDocument>(ErasureCollection).Upsert(new ErasureDocument { Id = ErasureDocument.TheId, KeyStoreId = _keys.StoreId });
                        notesKeyStore = true;
                    }

                    if (studyEvent is ParticipantWithdrew withdrew)
                    {
                        withdrawals.Add((withdrew.StudyId, withdrew.ParticipantId));
                    }

                    sequence++;
                    var eventHash = EventHashChain.ComputeHash(hash, sequence, step.Payload);
                    events.Insert(new EventDocument
                    {
                        Id = sequence, StudyId = studyEvent.StudyId, Type = studyEvent.GetType().Name, Payload = step.Payload, PreviousHash = hash, Hash = eventHash,
                    });
                    var result = new RecordedEvent(sequence, studyEvent, step.Payload, hash, eventHash);
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

                outcomes.Add((append, recorded, null));
            }

            foreach (var study in touchedStudies.Values)
            {
                studies.Upsert(study);
            }

            database.Commit();
        }
        catch
        {
            database.Rollback();
            throw;
        }

        try
        {
            store.WaitUntilCommitsAreOnDisk();
        }
        catch (Exception e)
        {
            // Committed in LiteDB's memory but not confirmed on disk: never retried (that could record the events
            // twice); the store is read back from the files, and the head with it.
            throw new LogNotOnDiskException(_lastSequence, e);
        }

        _lastSequence = sequence;
        _lastHash = hash;
        _keyStoreNoted = notesKeyStore;

        // The withdrawal is on disk before the key goes, so a crash in between leaves the key, which the next open
        // destroys; and the withdrawing participant is answered only once their words are unreadable.
        foreach (var withdrawal in withdrawals)
        {
            _keysToDestroy.Enqueue(withdrawal);
        }

        DestroyPendingKeys();
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
    /// Resolves each event of an append to a stored event (a replay), an earlier event of the same append, or a new
    /// event, without writing anything; or finds the key that was already used for different content.
    /// </summary>
    private List<PlannedEvent> Plan(
        PendingAppend append, long lastSequence, ILiteCollection<KeyDocument> keys, ILiteCollection<EventDocument> events,
        Dictionary<string, RecordedEvent> seenKeys, out IdempotencyConflictException? conflict)
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

            if (FindExisting(key, keys, events, seenKeys) is { } existing)
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

    private static (long Sequence, string Hash) ReadHead(LiteDatabase database)
    {
        var last = database.GetCollection<EventDocument>(EventsCollection).Query().OrderByDescending(e => e.Id).Limit(1).FirstOrDefault();
        return (last?.Id ?? 0, last?.Hash ?? EventHashChain.Genesis);
    }

    private static string? DescribeColumnMismatch(EventDocument document)
    {
        var studyEvent = EventHashChain.Deserialize(document.Payload);
        return studyEvent.StudyId != document.StudyId || studyEvent.GetType().Name != document.Type
            ? $"its study or type column ({document.StudyId}, {document.Type}) does not match its hashed content ({studyEvent.StudyId}, {studyEvent.GetType().Name})"
            : null;
    }

    private RecordedEvent? FindExisting(string key, ILiteCollection<KeyDocument> keys, ILiteCollection<EventDocument> events, Dictionary<string, RecordedEvent> seenKeys)
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
        return new RecordedEvent(document.Id, Reveal(EventHashChain.Deserialize(document.Payload)), document.Payload, document.PreviousHash, document.Hash);
    }

    private StudyEvent Reveal(StudyEvent studyEvent) => _protector?.Reveal(studyEvent) ?? studyEvent;

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
        if (_protector is null)
        {
            return studyEvent;
        }

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
        return Read(database => database.GetCollection<KeyDocument>(KeysCollection).FindById(cardKey) is { } stored
            ? (EventHashChain.Deserialize(database.GetCollection<EventDocument>(EventsCollection).FindById(stored.Sequence).Payload) as CardSubmitted)?.ParticipantId
            : null);
    }

    private static LiteDbParticipantKeyStore OpenKeyStore(LiteDatabase database, string keysPath, out bool noted)
    {
        var note = database.GetCollection<ErasureDocument>(ErasureCollection).FindById(ErasureDocument.TheId);
        noted = note is not null;
        if (note is not null && !File.Exists(keysPath))
        {
            throw new InvalidOperationException($"The participants' key file {keysPath} is missing, and this store's participant texts are encrypted with its keys. Put it back from the backup taken with the store (stop the app first); without it those words cannot be read.");
        }

        var keys = new LiteDbParticipantKeyStore(keysPath);
        try
        {
            CheckKeyStore(database, keys);
        }
        catch
        {
            keys.Dispose();
            throw;
        }

        return keys;
    }

    /// <summary>Refuses a key file other than the one the store's encrypted texts name; true when the store names one.</summary>
    private static bool CheckKeyStore(LiteDatabase database, LiteDbParticipantKeyStore keys)
    {
        var note = database.GetCollection<ErasureDocument>(ErasureCollection).FindById(ErasureDocument.TheId);
        return note is null || note.KeyStoreId == keys.StoreId ? note is not null
            : throw new InvalidOperationException($"The participants' key file {keys.Path} is not the one this store's texts were encrypted with (key file {keys.StoreId}, expected {note.KeyStoreId}). Put back the key file that belongs with this store.");
    }

    /// <summary>Destroys the keys of participants whose withdrawal is recorded: what a crash between the two left behind.</summary>
    private void DestroyKeysOfWithdrawn(LiteDatabase database)
    {
        var submissions = database.GetCollection<KeyDocument>(KeysCollection);
        foreach (var key in _keys!.List().Where(k => !k.IsDestroyed))
        {
            var withdrawal = new ParticipantWithdrew(key.ParticipantId) { StudyId = key.StudyId, OccurredAt = default, Actor = key.ParticipantId }.IdempotencyKey!;
            if (submissions.FindById(withdrawal) is not null)
            {
                _keys.Destroy(key.StudyId, key.ParticipantId);
            }
        }
    }

    private void DestroyPendingKeys()
    {
        while (_keys is not null && _keysToDestroy.TryPeek(out var next))
        {
            try
            {
                _keys.Destroy(next.StudyId, next.ParticipantId);
            }
            catch (Exception)
            {
                // The withdrawal is on disk, and its group must be answered as recorded whatever the key file did (an
                // exception from here would have the group written again): the key goes after a later group, or when
                // the store is next opened.
                return;
            }

            _keysToDestroy.TryDequeue(out _);
        }
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

    /// <summary>An event of an append as planned: already <paramref name="Stored"/>, the same as the append's event at <paramref name="SameAs"/>, or new.</summary>
    private readonly record struct PlannedEvent(StudyEvent Event, string Payload, RecordedEvent? Stored, int SameAs)
    {
        public bool IsNew => Stored is null && SameAs < 0;
    }

    /// <summary>A group following event <paramref name="headBefore"/> was committed in LiteDB's memory, but its log could not be written or flushed to disk.</summary>
    private sealed class LogNotOnDiskException(long headBefore, Exception inner) : IOException(inner.Message, inner)
    {
        public long HeadBefore { get; } = headBefore;
    }
}

/// <summary>Another process (or another log in this one) has the store open.</summary>
public sealed class StoreInUseException(string path, Exception inner)
    : IOException($"The store {path} is in use by another process (is the MoralGraph app running on it?). Stop it, or use another --db.", inner);

/// <summary>
/// The disk (or the disk quota) holding the store is full. An append that fails with it was not recorded: none of its
/// events are stored and the hash chain is as it was. The store carries on by itself once there is room again;
/// retrying the append then is safe (a submission with the same id is stored once).
/// </summary>
public sealed class StoreFullException : IOException
{
    // Linux and macOS report ENOSPC (28) as the HResult of an IOException, and EDQUOT (122 on Linux, 69 on macOS) for a
    // full quota; Windows reports ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL as HRESULTs.
    private static readonly int[] FullDiskCodes = OperatingSystem.IsWindows() ? [unchecked((int)0x80070070), unchecked((int)0x80070027)]
        : OperatingSystem.IsLinux() ? [28, 122] : [28, 69];

    private StoreFullException(string message, Exception inner)
        : base(message, inner)
    {
    }

    internal static StoreFullException NotRecorded(string path, Exception inner) =>
        new($"The disk holding the store {path} is full, so this was not recorded. Free some disk space: the store carries on by itself once there is room.", inner);

    internal static StoreFullException NotRead(string path, Exception inner) =>
        new($"The disk holding the store {path} is full, so it could not be read (LiteDB needed room for a temporary file). Free some disk space: the store carries on by itself once there is room.", inner);

    /// <summary>True when <paramref name="error"/>, or an exception inside it, says the disk or the quota is full.</summary>
    internal static bool IsCause(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is IOException && FullDiskCodes.Contains(e.HResult))
            {
                return true;
            }
        }

        return false;
    }
}
