using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;

namespace MoralGraph.Storage.EventLog;

/// <summary>
/// An event exactly as a store keeps it: the payload JSON the chain hashed (participants' words still encrypted), its
/// sequence, the hash before it and its own. Copying these rows unchanged is what keeps a copied log's head the same.
/// </summary>
/// <param name="Sequence">Its position in the whole log, from 1.</param>
/// <param name="StudyId">The study column (an index; the payload is the truth).</param>
/// <param name="Type">The type column (an index; the payload is the truth).</param>
/// <param name="Payload">The stored, hashed JSON.</param>
/// <param name="PreviousHash">The hash of the event before it.</param>
/// <param name="Hash">Its hash.</param>
public sealed record StoredEventRow(long Sequence, string StudyId, string Type, string Payload, string PreviousHash, string Hash);

/// <summary>A store whose log and participants' keys can be read as stored, for copying to another store (<c>moralgraph store copy</c>).</summary>
public interface IStoredEventSource
{
    /// <summary>Up to <paramref name="limit"/> events after <paramref name="afterSequence"/>, in order, as stored: nothing is decrypted.</summary>
    Task<IReadOnlyList<StoredEventRow>> ReadStoredAsync(long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every participant's key with its id and material; destroyed keys without material.</summary>
    Task<IReadOnlyList<ParticipantKey>> ExportParticipantKeysAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Checks rows against the hash chain as they are copied, the way <c>audit verify</c> does, so a copy never writes a
/// broken or altered log: sequences from 1 without gaps, each previous hash the hash before it, each hash recomputed.
/// </summary>
public sealed class StoredChainCheck
{
    /// <summary>Rows checked so far.</summary>
    public long Count { get; private set; }

    /// <summary>The last checked row's hash (the genesis hash before any).</summary>
    public string Head { get; private set; } = EventHashChain.Genesis;

    /// <summary>The head as <c>audit verify</c> prints it: <c>COUNT:HASH</c>.</summary>
    public string Describe() => $"{Count}:{Head}";

    /// <summary>Checks the next row and returns its event; throws <see cref="InvalidDataException"/> when the chain breaks there.</summary>
    public StudyEvent Check(StoredEventRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var expected = Count + 1;
        StudyEvent? studyEvent = null;
        var problem = EventHashChain.LinkProblem(expected, Head, row.Sequence, row.PreviousHash, row.Payload, row.Hash);
        if (problem is null)
        {
            studyEvent = EventHashChain.Deserialize(row.Payload);
            if (studyEvent.StudyId != row.StudyId || studyEvent.GetType().Name != row.Type)
            {
                problem = $"its study or type column ({row.StudyId}, {row.Type}) does not match its hashed content ({studyEvent.StudyId}, {studyEvent.GetType().Name})";
            }
        }

        if (problem is not null)
        {
            throw new InvalidDataException($"the source's audit log is broken at event {row.Sequence}: {problem}. {Count} events before it verified.");
        }

        Count = expected;
        Head = row.Hash;
        return studyEvent!;
    }
}

/// <summary>A copy's target already holds a store; nothing was written to it.</summary>
/// <param name="message">What the target holds.</param>
public sealed class StoreNotEmptyException(string message) : InvalidOperationException(message);
