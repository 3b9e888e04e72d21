using MoralGraph.Core.Voting;

namespace MoralGraph.Web.Components.Participation;

/// <summary>How everyone answered one item so far.</summary>
/// <param name="Wiser">"Yes" answers.</param>
/// <param name="NotWiser">"No" answers.</param>
/// <param name="Unsure">"Not sure" answers.</param>
public sealed record VoteTallies(int Wiser, int NotWiser, int Unsure)
{
    /// <summary>The tallies of the item (from, to, context) among <paramref name="votes"/>.</summary>
    public static VoteTallies Of(IEnumerable<WiserThanVote> votes, VoteItem item)
    {
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentNullException.ThrowIfNull(item);
        var onItem = votes.Where(v => v.FromValueId == item.FromValueId && v.ToValueId == item.ToValueId && v.Context == item.Context).ToList();
        return new VoteTallies(onItem.Count(v => v.Verdict == Verdict.Wiser), onItem.Count(v => v.Verdict == Verdict.NotWiser), onItem.Count(v => v.Verdict == Verdict.Unsure));
    }
}
