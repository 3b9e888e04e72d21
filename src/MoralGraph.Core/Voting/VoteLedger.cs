namespace MoralGraph.Core.Voting;

/// <summary>
/// Holds the full, append-only history of votes and answers which ones count: for each
/// (participant, from, to, question, context) the latest vote wins, earlier ones stay in history.
/// Unlike MAI's 2023 app, the context is part of the key, so one person can judge the same pair
/// differently in two contexts. The votes are kept as <see cref="Columns"/>; this is their view by id.
/// </summary>
public sealed class VoteLedger
{
    /// <summary>The votes as integer columns, which reconciliation reads.</summary>
    public VoteColumns Columns { get; } = new();

    /// <summary>
    /// Every vote ever appended, in order, as the columns keep it: comments and stories stay in the event log
    /// (null here) and times are in UTC.
    /// </summary>
    public IReadOnlyList<WiserThanVote> History
    {
        get
        {
            var frozen = Columns.Freeze();
            return new IndexedList<WiserThanVote>(frozen.Count, frozen.Vote);
        }
    }

    /// <summary>Number of votes that count.</summary>
    public int EffectiveCount => Columns.EffectiveCount;

    /// <summary>
    /// Appends a vote. A vote whose id was seen before is a replay and is ignored (returns false).
    /// A vote is "later" by <see cref="WiserThanVote.CastAt"/>, ties broken by append order.
    /// </summary>
    public bool Append(WiserThanVote vote) => Columns.Append(vote);

    /// <summary>
    /// The votes that count, in the order their item was first voted on, so a changed mind changes a verdict,
    /// not the order of edges in an export.
    /// </summary>
    public IReadOnlyList<WiserThanVote> EffectiveVotes()
    {
        var frozen = Columns.Freeze();
        return Array.ConvertAll(frozen.EffectiveRows(), frozen.Vote);
    }

    /// <summary>The vote that counts for <paramref name="key"/>, or null when there is none.</summary>
    public WiserThanVote? LatestFor(VoteKey key) => Columns.LatestFor(key);

    /// <summary>Whether this participant has a vote that counts on this item.</summary>
    public bool HasVoted(VoteKey key) => Columns.HasVoted(key);
}
