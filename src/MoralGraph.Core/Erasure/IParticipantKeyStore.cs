namespace MoralGraph.Core.Erasure;

/// <summary>A participant's data key: 256 random bits that encrypt every text they write in one study.</summary>
/// <param name="KeyId">Random id that encrypted texts name (it says nothing about the participant).</param>
/// <param name="StudyId">The study.</param>
/// <param name="ParticipantId">The participant.</param>
/// <param name="Material">The AES-256 key; null once destroyed.</param>
public sealed record ParticipantKey(string KeyId, string StudyId, string ParticipantId, byte[]? Material)
{
    /// <summary>True once the key was destroyed: what it encrypted can no longer be read.</summary>
    public bool IsDestroyed => Material is null;
}

/// <summary>A participant's key as listed: whose it is and whether it still exists, never its material.</summary>
/// <param name="KeyId">Its id.</param>
/// <param name="StudyId">The study.</param>
/// <param name="ParticipantId">The participant.</param>
/// <param name="IsDestroyed">True once destroyed.</param>
public sealed record ParticipantKeyInfo(string KeyId, string StudyId, string ParticipantId, bool IsDestroyed);

/// <summary>
/// Where participants' data keys live, apart from the event log: destroying a key is what erases a withdrawn
/// participant's words from the log and from every copy of it, without rewriting the hash-chained log.
/// Implementations are safe for concurrent callers, and a key is on disk before it is returned.
/// </summary>
public interface IParticipantKeyStore
{
    /// <summary>
    /// The participant's key, created (and stored durably) when they have none. A destroyed key stays destroyed: it is
    /// returned as such and never replaced, so words written after a withdrawal cannot become readable again.
    /// </summary>
    ParticipantKey GetOrCreate(string studyId, string participantId);

    /// <summary>The key with <paramref name="keyId"/>, destroyed or not; null when there is no such key.</summary>
    ParticipantKey? Find(string keyId);

    /// <summary>
    /// Destroys the participant's key: its bytes are overwritten where they were stored. True when a key was destroyed
    /// now; false when they had none or it was destroyed before. A participant without a key gets a destroyed one, so
    /// none is ever created for them.
    /// </summary>
    bool Destroy(string studyId, string participantId);

    /// <summary>Every key, destroyed ones included, without their material.</summary>
    IReadOnlyList<ParticipantKeyInfo> List();
}
