using System.Collections.Concurrent;
using System.Security.Cryptography;
using MoralGraph.Core.Erasure;

namespace MoralGraph.Core.Tests.Erasure;

/// <summary>A key store in memory, for tests of what encryption and erasure do to events and states.</summary>
internal sealed class InMemoryParticipantKeys : IParticipantKeyStore
{
    private readonly ConcurrentDictionary<string, ParticipantKey> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), string> _byOwner = new();

    public ParticipantKey GetOrCreate(string studyId, string participantId) =>
        _byId[_byOwner.GetOrAdd((studyId, participantId), _ => Add(new ParticipantKey(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), studyId, participantId, RandomNumberGenerator.GetBytes(32))))];

    public ParticipantKey? Find(string keyId) => _byId.GetValueOrDefault(keyId);

    public bool Destroy(string studyId, string participantId)
    {
        var key = _byId[_byOwner.GetOrAdd((studyId, participantId), _ => Add(new ParticipantKey(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), studyId, participantId, null)))];
        if (key.IsDestroyed)
        {
            return false;
        }

        _byId[key.KeyId] = key with { Material = null };
        return true;
    }

    public IReadOnlyList<ParticipantKeyInfo> List() => [.. _byId.Values.Select(k => new ParticipantKeyInfo(k.KeyId, k.StudyId, k.ParticipantId, k.IsDestroyed))];

    private string Add(ParticipantKey key)
    {
        _byId[key.KeyId] = key;
        return key.KeyId;
    }
}
