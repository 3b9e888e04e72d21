using System.Collections.Concurrent;
using System.Security.Cryptography;
using MoralGraph.Core.Erasure;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Storage.Erasure;

/// <summary>
/// Participants' data keys in a LiteDB file of their own beside the store (<c>data/moralgraph-keys.db</c>), so the
/// event log and its backups never hold a key. A key is on disk (its commit flushed) before it is handed out: an
/// event encrypted with a key that was lost in a crash could never be read. Destroying a key overwrites its bytes
/// with zeros in place, flushes, and copies LiteDB's log into the data file, which empties the log: neither file
/// keeps the key's bytes afterwards. The destroyed key's record stays, so no new key is ever made for that participant.
/// </summary>
public sealed class LiteDbParticipantKeyStore : IParticipantKeyStore, IDisposable
{
    private const string KeysCollection = "keys";
    private const string StoreCollection = "store";
    private const int KeyBytes = 32;

    private readonly LiteDbStore _store;
    private readonly Lock _writing = new();
    private readonly ConcurrentDictionary<string, ParticipantKey> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _idByOwner = new(StringComparer.Ordinal);
    private bool _disposed;

    // Keys created since the last flush. Creating a key writes it but does not wait for the disk: the event log flushes
    // them (FlushCreatedKeys) on its writer thread before it writes the events they encrypt, once per group. Flushing
    // here instead put an fsync on the caller's thread, inside the study's gate, for every new participant's first words:
    // under a room's arrival that serialized the study and starved the thread pool.
    private volatile bool _unflushed;

    /// <summary>Opens (or creates) the key file at <paramref name="path"/>.</summary>
    public LiteDbParticipantKeyStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _store = LiteDbStore.Open(Path);
        try
        {
            var keys = _store.Database.GetCollection<ParticipantKeyDocument>(KeysCollection);
            keys.EnsureIndex(k => k.Owner, unique: true);
            foreach (var document in keys.FindAll())
            {
                Remember(document);
            }

            var identity = _store.Database.GetCollection<KeyStoreDocument>(StoreCollection);
            var existing = identity.FindById(KeyStoreDocument.TheId);
            if (existing is null)
            {
                existing = new KeyStoreDocument { Id = KeyStoreDocument.TheId, StoreId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) };
                identity.Insert(existing);
                _store.WaitUntilCommitsAreOnDisk();
            }

            StoreId = existing.StoreId;
        }
        catch
        {
            _store.Dispose();
            throw;
        }
    }

    /// <summary>The key file's full path.</summary>
    public string Path { get; }

    /// <summary>A random id this key file was given when created: the event log notes it, to tell a lost or swapped key file.</summary>
    public string StoreId { get; }

    /// <summary>The key file kept beside a store: <c>data/moralgraph.db</c> → <c>data/moralgraph-keys.db</c>.</summary>
    public static string PathBeside(string storePath)
    {
        var full = System.IO.Path.GetFullPath(storePath);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full) ?? "", System.IO.Path.GetFileNameWithoutExtension(full) + "-keys" + System.IO.Path.GetExtension(full));
    }

    /// <inheritdoc />
    public ParticipantKey GetOrCreate(string studyId, string participantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyId);
        ArgumentException.ThrowIfNullOrEmpty(participantId);
        var owner = OwnerOf(studyId, participantId);
        if (_idByOwner.TryGetValue(owner, out var known))
        {
            return _byId[known];
        }

        lock (_writing)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idByOwner.TryGetValue(owner, out known))
            {
                return _byId[known];
            }

            var document = NewDocument(studyId, participantId, RandomNumberGenerator.GetBytes(KeyBytes), destroyed: false);
            _store.Database.GetCollection<ParticipantKeyDocument>(KeysCollection).Insert(document);
            _unflushed = true;
            return Remember(document);
        }
    }

    /// <summary>
    /// Creates the keys the participants do not have yet, in one transaction and one flush: an import or a rewrite of the
    /// store brings thousands of participants at once, and a flush each would be most of its time.
    /// </summary>
    public void CreateMissing(IEnumerable<(string StudyId, string ParticipantId)> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        var missing = participants.Where(p => !_idByOwner.ContainsKey(OwnerOf(p.StudyId, p.ParticipantId))).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        lock (_writing)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var documents = missing.Where(p => !_idByOwner.ContainsKey(OwnerOf(p.StudyId, p.ParticipantId)))
                .Select(p => NewDocument(p.StudyId, p.ParticipantId, RandomNumberGenerator.GetBytes(KeyBytes), destroyed: false)).ToList();
            _store.Database.GetCollection<ParticipantKeyDocument>(KeysCollection).InsertBulk(documents);
            _unflushed = true;
            foreach (var document in documents)
            {
                Remember(document);
            }
        }
    }

    /// <summary>
    /// Waits until every key created so far is on disk. The event log calls it before writing events, so no event is on
    /// disk whose key is not: one flush for a whole group of appends, on the log's writer thread.
    /// </summary>
    public void FlushCreatedKeys()
    {
        if (!_unflushed)
        {
            return;
        }

        lock (_writing)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _store.WaitUntilCommitsAreOnDisk();
            _unflushed = false;
        }
    }

    /// <inheritdoc />
    public ParticipantKey? Find(string keyId) => _byId.GetValueOrDefault(keyId);

    /// <inheritdoc />
    public bool Destroy(string studyId, string participantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyId);
        ArgumentException.ThrowIfNullOrEmpty(participantId);
        lock (_writing)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var keys = _store.Database.GetCollection<ParticipantKeyDocument>(KeysCollection);
            var owner = OwnerOf(studyId, participantId);
            if (!_idByOwner.TryGetValue(owner, out var keyId))
            {
                var tombstone = NewDocument(studyId, participantId, new byte[KeyBytes], destroyed: true);
                keys.Insert(tombstone);
                _store.WaitUntilCommitsAreOnDisk();
                Remember(tombstone);
                return false;
            }

            if (_byId[keyId].IsDestroyed)
            {
                return false;
            }

            // Zeros of the same length, so LiteDB rewrites the document where it was instead of moving it and leaving the
            // old bytes in a freed block; the checkpoint then puts that page over the old one and empties the log.
            var document = keys.FindById(keyId);
            document.Material = new byte[KeyBytes];
            document.Destroyed = true;
            keys.Update(document);
            _store.WaitUntilCommitsAreOnDisk();
            _store.Checkpoint();
            // The array in memory is left to the collector rather than zeroed: an append encrypting with it right now
            // would otherwise encrypt with a key of zeros, which anyone could read.
            _byId[keyId] = _byId[keyId] with { Material = null };
            return true;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ParticipantKeyInfo> List() => [.. _byId.Values.Select(k => new ParticipantKeyInfo(k.KeyId, k.StudyId, k.ParticipantId, k.IsDestroyed)).OrderBy(k => k.StudyId, StringComparer.Ordinal).ThenBy(k => k.ParticipantId, StringComparer.Ordinal)];

    /// <summary>Every key with its material (none for a destroyed one), for copying the store.</summary>
    public IReadOnlyList<ParticipantKey> Export() => [.. _byId.Values.OrderBy(k => k.KeyId, StringComparer.Ordinal)];

    /// <summary>
    /// Stores <paramref name="keys"/> with their ids, destroyed ones as destroyed, into this key file, which must hold none:
    /// the copied log's envelopes name those ids. Flushed before it returns.
    /// </summary>
    internal void ImportStored(IReadOnlyList<ParticipantKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_writing)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_byId.IsEmpty)
            {
                throw new StoreNotEmptyException($"the key file {Path} already holds {_byId.Count} participant keys.");
            }

            var documents = keys.Select(k => new ParticipantKeyDocument
            {
                Id = k.KeyId,
                Owner = OwnerOf(k.StudyId, k.ParticipantId),
                StudyId = k.StudyId,
                ParticipantId = k.ParticipantId,
                Material = k.Material ?? new byte[KeyBytes],
                Destroyed = k.IsDestroyed,
            }).ToList();
            _store.Database.GetCollection<ParticipantKeyDocument>(KeysCollection).InsertBulk(documents);
            _store.WaitUntilCommitsAreOnDisk();
            foreach (var document in documents)
            {
                Remember(document);
            }
        }
    }

    /// <summary>Copies LiteDB's log into the key file and closes it.</summary>
    public void Dispose()
    {
        lock (_writing)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _store.Dispose();
        }
    }

    private ParticipantKey Remember(ParticipantKeyDocument document)
    {
        var key = new ParticipantKey(document.Id, document.StudyId, document.ParticipantId, document.Destroyed ? null : document.Material);
        _byId[key.KeyId] = key;
        _idByOwner[document.Owner] = key.KeyId;
        return key;
    }

    private static ParticipantKeyDocument NewDocument(string studyId, string participantId, byte[] material, bool destroyed) => new()
    {
        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
        Owner = OwnerOf(studyId, participantId),
        StudyId = studyId,
        ParticipantId = participantId,
        Material = material,
        Destroyed = destroyed,
    };

    private static string OwnerOf(string studyId, string participantId) => $"{studyId}\n{participantId}";
}

// LiteDB maps these by convention (Id is _id).
internal sealed class ParticipantKeyDocument
{
    public string Id { get; set; } = "";
    public string Owner { get; set; } = "";
    public string StudyId { get; set; } = "";
    public string ParticipantId { get; set; } = "";
    public byte[] Material { get; set; } = [];
    public bool Destroyed { get; set; }
}

internal sealed class KeyStoreDocument
{
    public const string TheId = "identity";

    public string Id { get; set; } = "";
    public string StoreId { get; set; } = "";
}
