namespace MoralGraph.Core.Voting;

/// <summary>
/// Holds the full, append-only history of votes and answers which ones count: for each
/// (participant, from, to, question, context) the latest vote wins, earlier ones stay in history.
/// Unlike MAI's 2023 app, the context is part of the key, so one person can judge the same pair
/// differently in two contexts.
/// </summary>
public sealed class VoteLedger
{
    private readonly List<WiserThanVote> _history = [];
    private readonly Dictionary<VoteKey, int> _latestByKey = [];
    private readonly HashSet<string> _voteIds = new(StringComparer.Ordinal);

    /// <summary>Every vote ever appended, in order.</summary>
    public IReadOnlyList<WiserThanVote> History => _history;

    /// <summary>Number of votes that count.</summary>
    public int EffectiveCount => _latestByKey.Count;

    /// <summary>
    /// Appends a vote. A vote whose id was seen before is a replay and is ignored (returns false).
    /// A vote is "later" by <see cref="WiserThanVote.CastAt"/>, ties broken by append order.
    /// </summary>
    public bool Append(WiserThanVote vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        if (!_voteIds.Add(vote.VoteId))
        {
            return false;
        }

        _history.Add(vote);
        var index = _history.Count - 1;
        if (!_latestByKey.TryGetValue(vote.Key, out var current) || _history[current].CastAt <= vote.CastAt)
        {
            _latestByKey[vote.Key] = index;
        }

        return true;
    }

    /// <summary>The votes that count, in the order they were first cast under their key.</summary>
    public IReadOnlyList<WiserThanVote> EffectiveVotes() =>
        _latestByKey.Values.Order().Select(i => _history[i]).ToList();

    /// <summary>Whether this participant has a vote that counts on this item.</summary>
    public bool HasVoted(VoteKey key) => _latestByKey.ContainsKey(key);
}
