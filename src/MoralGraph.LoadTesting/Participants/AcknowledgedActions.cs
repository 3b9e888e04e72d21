using System.Collections.Concurrent;

namespace MoralGraph.LoadTesting.Participants;

/// <summary>
/// Every action the server acknowledged (HTTP 2xx), per participant: the ledger the chaos mode checks the store and
/// the restarted server's answers against. An action counts as acknowledged only once its answer was read whole.
/// </summary>
public sealed class AcknowledgedActions
{
    private readonly ConcurrentDictionary<string, AcknowledgedParticipant> _participants = new(StringComparer.Ordinal);
    private int _joinsRetried;

    /// <summary>Participants whose join was acknowledged.</summary>
    public IReadOnlyCollection<AcknowledgedParticipant> Participants => [.. _participants.Values];

    /// <summary>
    /// Joins sent again after their connection failed. A join is not idempotent (each creates a participant), so each
    /// may have left one participant in the store that no client knows of; such participants are counted, not lost.
    /// </summary>
    public int JoinsRetried => Volatile.Read(ref _joinsRetried);

    internal AcknowledgedParticipant Joined(string participantId, string token) =>
        _participants.GetOrAdd(participantId, id => new AcknowledgedParticipant(id, token));

    internal void JoinRetried(int extraAttempts) => Interlocked.Add(ref _joinsRetried, extraAttempts);

    /// <summary>Acknowledged votes over every participant.</summary>
    public int VoteCount => _participants.Values.Sum(p => p.Votes.Count);

    /// <summary>Acknowledged card confirmations.</summary>
    public int CardCount => _participants.Values.Count(p => p.CardId is not null);

    /// <summary>Acknowledged surveys.</summary>
    public int SurveyCount => _participants.Values.Count(p => p.SurveyAnswered);
}

/// <summary>One participant's acknowledged actions.</summary>
public sealed class AcknowledgedParticipant(string participantId, string token)
{
    private readonly ConcurrentDictionary<string, string> _votes = new(StringComparer.Ordinal);

    /// <summary>Their pseudonymous id.</summary>
    public string ParticipantId { get; } = participantId;

    /// <summary>Their bearer token, to ask the restarted server about them.</summary>
    public string Token { get; } = token;

    /// <summary>The card whose confirmation was acknowledged.</summary>
    public string? CardId { get; internal set; }

    /// <summary>True once their survey was acknowledged.</summary>
    public bool SurveyAnswered { get; internal set; }

    /// <summary>Item id → the verdict the server acknowledged first (a changed mind on an answered item is refused).</summary>
    public IReadOnlyDictionary<string, string> Votes => _votes;

    internal void Voted(string itemId, string verdict) => _votes.TryAdd(itemId, verdict);
}
