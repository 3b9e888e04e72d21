using System.Collections.Concurrent;
using System.Security.Cryptography;
using MoralGraph.Core.Erasure;
using Npgsql;
using NpgsqlTypes;

namespace MoralGraph.Storage.PostgreSql.Erasure;

/// <summary>
/// Participants' data keys in the <c>participant_keys</c> table, shared by every app instance on the database. Creating
/// a key is <c>INSERT … ON CONFLICT DO NOTHING</c> then a read, so two instances meeting a new participant at once agree
/// on one key. Keys are cached in memory: an instance drops its cached material as soon as it reads the participant's
/// withdrawal (<see cref="ForgetMaterial"/>), so a cache cannot keep decrypting words another instance erased. The
/// event log destroys the key (material set to NULL) in the transaction that commits the withdrawal.
/// <para>
/// PostgreSQL keeps an updated row's old version until VACUUM reclaims it, and its write-ahead log and backups keep
/// what they held: a destroyed key's bytes leave the table's live rows at once and its files only once vacuumed and
/// overwritten. Keep this database's backups on the same retention as the erasure promise requires.
/// </para>
/// </summary>
public sealed class PostgreSqlParticipantKeyStore : IParticipantKeyStore
{
    private const int KeyBytes = 32;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<string, ParticipantKey> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _idByOwner = new(StringComparer.Ordinal);

    /// <summary>Keys in the database of <paramref name="dataSource"/>, whose schema must exist (<see cref="Schema.PostgreSqlSchema"/>).</summary>
    public PostgreSqlParticipantKeyStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
    }

    /// <summary>True when this instance holds the participant's key (or knows it destroyed) without asking the database.</summary>
    internal bool IsCached(string studyId, string participantId) => Cached(studyId, participantId) is not null;

    /// <inheritdoc />
    public ParticipantKey GetOrCreate(string studyId, string participantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyId);
        ArgumentException.ThrowIfNullOrEmpty(participantId);
        if (Cached(studyId, participantId) is { } known)
        {
            return known;
        }

        CreateMissing([(studyId, participantId)]);
        return Cached(studyId, participantId) ?? throw new InvalidOperationException($"The key of participant '{participantId}' in study '{studyId}' was created but cannot be read back.");
    }

    /// <summary>Creates, in one statement, the keys these participants do not have yet, and caches them all (imports bring thousands at once).</summary>
    public void CreateMissing(IEnumerable<(string StudyId, string ParticipantId)> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        var missing = participants.Where(p => Cached(p.StudyId, p.ParticipantId) is null).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        using var connection = _dataSource.OpenConnection();
        using (var insert = new NpgsqlCommand("""
            INSERT INTO participant_keys (key_id, study_id, participant_id, material)
            SELECT * FROM unnest(@ids, @studies, @participants, @materials)
            ON CONFLICT DO NOTHING
            """, connection))
        {
            insert.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. missing.Select(_ => NewKeyId())]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("studies", [.. missing.Select(p => p.StudyId)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("participants", [.. missing.Select(p => p.ParticipantId)]));
            insert.Parameters.Add(new NpgsqlParameter("materials", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = missing.Select(_ => RandomNumberGenerator.GetBytes(KeyBytes)).ToArray() });
            insert.ExecuteNonQuery();
        }

        // Whoever won the insert, these rows are the keys every instance now uses.
        using var select = new NpgsqlCommand("""
            SELECT k.key_id, k.study_id, k.participant_id, k.material FROM participant_keys k
            JOIN unnest(@studies, @participants) AS p(study_id, participant_id) USING (study_id, participant_id)
            """, connection);
        select.Parameters.Add(new NpgsqlParameter<string[]>("studies", [.. missing.Select(p => p.StudyId)]));
        select.Parameters.Add(new NpgsqlParameter<string[]>("participants", [.. missing.Select(p => p.ParticipantId)]));
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            Remember(ReadKey(reader));
        }
    }

    /// <inheritdoc />
    public ParticipantKey? Find(string keyId)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        if (_byId.TryGetValue(keyId, out var known))
        {
            return known;
        }

        using var connection = _dataSource.OpenConnection();
        using var select = new NpgsqlCommand("SELECT key_id, study_id, participant_id, material FROM participant_keys WHERE key_id = @id", connection);
        select.Parameters.AddWithValue("id", keyId);
        using var reader = select.ExecuteReader();
        return reader.Read() ? Remember(ReadKey(reader)) : null;
    }

    /// <inheritdoc />
    public bool Destroy(string studyId, string participantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyId);
        ArgumentException.ThrowIfNullOrEmpty(participantId);
        using var connection = _dataSource.OpenConnection();
        using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Destruction(studyId, participantId));
        var destroyed = (bool)batch.ExecuteScalar()!;
        ForgetMaterial(studyId, participantId);
        return destroyed;
    }

    /// <inheritdoc />
    public IReadOnlyList<ParticipantKeyInfo> List()
    {
        using var connection = _dataSource.OpenConnection();
        using var select = new NpgsqlCommand("SELECT key_id, study_id, participant_id, material IS NULL FROM participant_keys ORDER BY study_id COLLATE \"C\", participant_id COLLATE \"C\"", connection);
        using var reader = select.ExecuteReader();
        var keys = new List<ParticipantKeyInfo>();
        while (reader.Read())
        {
            keys.Add(new ParticipantKeyInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
        }

        return keys;
    }

    /// <summary>Every key with its material (none for a destroyed one), read from the table rather than the cache, for copying the store.</summary>
    public async Task<IReadOnlyList<ParticipantKey>> ExportAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT key_id, study_id, participant_id, material FROM participant_keys ORDER BY key_id COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<ParticipantKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    }

    /// <summary>
    /// The statement that destroys the participant's key, for the transaction that commits their withdrawal; a participant
    /// without a key gets a destroyed one, so none is ever created for them. It answers whether a key was destroyed now.
    /// </summary>
    internal static NpgsqlBatchCommand Destruction(string studyId, string participantId)
    {
        var command = new NpgsqlBatchCommand("""
            WITH previous AS (SELECT material IS NOT NULL AS live FROM participant_keys WHERE study_id = @study AND participant_id = @participant FOR UPDATE),
            tombstone AS (
                INSERT INTO participant_keys (key_id, study_id, participant_id, material) VALUES (@id, @study, @participant, NULL)
                ON CONFLICT (study_id, participant_id) DO UPDATE SET material = NULL)
            SELECT coalesce((SELECT live FROM previous), false)
            """);
        command.Parameters.AddWithValue("study", studyId);
        command.Parameters.AddWithValue("participant", participantId);
        command.Parameters.AddWithValue("id", NewKeyId());
        return command;
    }

    /// <summary>
    /// Forgets the participant's key material in this instance's cache: their withdrawal was committed, by this instance
    /// or another, and with it the key's destruction.
    /// </summary>
    internal void ForgetMaterial(string studyId, string participantId)
    {
        if (_idByOwner.TryGetValue(OwnerOf(studyId, participantId), out var keyId) && _byId.TryGetValue(keyId, out var key) && !key.IsDestroyed)
        {
            // Left to the collector rather than zeroed: an append encrypting with it right now would otherwise use a key of zeros.
            _byId[keyId] = key with { Material = null };
        }
    }

    private ParticipantKey? Cached(string studyId, string participantId) =>
        _idByOwner.TryGetValue(OwnerOf(studyId, participantId), out var keyId) && _byId.TryGetValue(keyId, out var key) ? key : null;

    private ParticipantKey Remember(ParticipantKey key)
    {
        // A key destroyed in the cache stays destroyed, even if a read raced the destruction and saw the material.
        if (_byId.TryGetValue(key.KeyId, out var cached) && cached.IsDestroyed)
        {
            return cached;
        }

        _byId[key.KeyId] = key;
        _idByOwner[OwnerOf(key.StudyId, key.ParticipantId)] = key.KeyId;
        return key;
    }

    private static ParticipantKey ReadKey(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3));

    private static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string OwnerOf(string studyId, string participantId) => $"{studyId}\n{participantId}";
}
