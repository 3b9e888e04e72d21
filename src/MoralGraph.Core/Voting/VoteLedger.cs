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
    private readonly Dictionary<VoteKey, (int First, int Latest)> _byKey = [];
    private readonly HashSet<string> _voteIds = new(StringComparer.Ordinal);

    /// <summary>Every vote ever appended, in order.</summary>
    public IReadOnlyList<WiserThanVote> History => _history;

    /// <summary>Number of votes that count.</summary>
    public int EffectiveCount => _byKey.Count;

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
        if (!_byKey.TryGetValue(vote.Key, out var current))
        {
            _byKey[vote.Key] = (index, index);
        }
        else if (_history[current.Latest].CastAt <= vote.CastAt)
        {
            _byKey[vote.Key] = (current.First, index);
        }

        return true;
    }

    /// <summary>
    /// The votes that count, in the order their item was first voted on, so a changed mind changes a verdict,
    /// not the order of edges in an export.
    /// </summary>
    public IReadOnlyList<WiserThanVote> EffectiveVotes() =>
        _byKey.Values.OrderBy(v => v.First).Select(v => _history[v.Latest]).ToList();

    /// <summary>The vote that counts for <paramref name="key"/>, or null when there is none.</summary>
    public WiserThanVote? LatestFor(VoteKey key) => _byKey.TryGetValue(key, out var votes) ? _history[votes.Latest] : null;

    /// <summary>Whether this participant has a vote that counts on this item.</summary>
    public bool HasVoted(VoteKey key) => _byKey.ContainsKey(key);
}
