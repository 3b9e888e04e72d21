using System.Text.Json.Serialization;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Bridging;

/// <summary>One opinion group's judgement of one value in one context.</summary>
/// <param name="Group">The group, 1 the largest.</param>
/// <param name="Endorsing">The group's votes endorsing the value.</param>
/// <param name="Votes">The group's votes that endorse or oppose it ("unsure" does neither).</param>
/// <param name="Share">Endorsing / votes, or null without votes.</param>
/// <param name="LowerBound">Wilson 95 % lower bound of the share; 0 without votes.</param>
public sealed record GroupSupport(int Group, int Endorsing, int Votes, double? Share, double LowerBound);

/// <summary>
/// How the opinion groups judged the values of one context. A vote endorses value V when it calls the move to V wiser, or
/// the move from V not wiser; it opposes V when it calls the move from V wiser, or the move to V not wiser; "unsure" does
/// neither. A value's support in a group is the share of that group's endorsing votes among its endorsing and opposing
/// ones; its bridging score is the lowest, over the groups with voters in this context, of the Wilson 95 % lower bound of
/// that share, so a value one group never judged (or judged on few votes) does not bridge. With fewer than two groups
/// voting here there is nothing to bridge and scores are null.
/// </summary>
/// <param name="GroupVoters">Members of each group (group 1 first) who voted in this context.</param>
/// <param name="ValueIds">The values voted on here, in study order.</param>
/// <param name="Endorsing">Endorsing votes of value v by group g at v × groups + g.</param>
/// <param name="Judged">Endorsing and opposing votes of value v by group g at v × groups + g.</param>
public sealed record ContextBridging(IReadOnlyList<int> GroupVoters, IReadOnlyList<string> ValueIds, IReadOnlyList<int> Endorsing, IReadOnlyList<int> Judged)
{
    private Dictionary<string, int>? _index;

    /// <summary>Groups with at least one voter here.</summary>
    [JsonIgnore]
    public int GroupsVoting => GroupVoters.Count(v => v > 0);

    /// <summary>Each group's support of <paramref name="valueId"/> (group 1 first), or null when it was not voted on here.</summary>
    public IReadOnlyList<GroupSupport>? SupportOf(string valueId)
    {
        if (!Index().TryGetValue(valueId, out var v))
        {
            return null;
        }

        var groups = GroupVoters.Count;
        var support = new GroupSupport[groups];
        for (var g = 0; g < groups; g++)
        {
            var endorsing = Endorsing[(v * groups) + g];
            var judged = Judged[(v * groups) + g];
            support[g] = new GroupSupport(g + 1, endorsing, judged, judged > 0 ? (double)endorsing / judged : null, WilsonScore.LowerBound(endorsing, judged));
        }

        return support;
    }

    /// <summary>The bridging score of <paramref name="valueId"/>, or null when it was not voted on here or fewer than two groups voted here.</summary>
    public double? ScoreOf(string valueId)
    {
        if (GroupsVoting < 2 || SupportOf(valueId) is not { } support)
        {
            return null;
        }

        return support.Where(s => GroupVoters[s.Group - 1] > 0).Min(s => s.LowerBound);
    }

    private Dictionary<string, int> Index()
    {
        if (_index is { } index)
        {
            return index;
        }

        index = new Dictionary<string, int>(ValueIds.Count, StringComparer.Ordinal);
        for (var v = 0; v < ValueIds.Count; v++)
        {
            index[ValueIds[v]] = v;
        }

        return _index = index;
    }
}

/// <summary>Counts each opinion group's endorsing and opposing votes per value of a context (see <see cref="ContextBridging"/>).</summary>
public static class BridgingSupport
{
    /// <summary>The support rule's name, as the export records it.</summary>
    public const string SupportRule = "endorse: to-wiser or from-not-wiser; score: min over groups of Wilson 95% lower bound";

    /// <summary>
    /// What a report shows of a graph's bridging: its winning values (<see cref="Export.AlignmentSpecBuilder.Winners"/>), then
    /// the value of highest bridging score (ties: the better ranked) when it does not win; and that value, or null when no
    /// value has a score.
    /// </summary>
    public static (IReadOnlyList<(string ValueId, bool Winning)> Shown, string? Top) Highlights(ContextGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var winners = Export.AlignmentSpecBuilder.Winners(graph);
        var shown = winners.Select(id => (id, true)).ToList();
        if (graph.Bridging is not { } bridging)
        {
            return (shown, null);
        }

        string? top = null;
        var topScore = double.NegativeInfinity;
        foreach (var ranked in graph.Ranking)
        {
            if (bridging.ScoreOf(ranked.ValueId) is { } score && score > topScore)
            {
                (top, topScore) = (ranked.ValueId, score);
            }
        }

        if (top is not null && !winners.Contains(top))
        {
            shown.Add((top, false));
        }

        return (shown, top);
    }

    internal static ContextBridging Of(VoteEncoding encoding, int[] votes, OpinionGroupAssignment groups, CancellationToken cancellationToken)
    {
        var k = groups.Summary.GroupCount;
        var groupOf = groups.GroupOfParticipant;
        var localOf = new int[encoding.ValueIds.Length];
        foreach (var i in votes)
        {
            localOf[encoding.From[i]] = 1;
            localOf[encoding.To[i]] = 1;
        }

        var valueIds = new List<string>();
        for (var position = 0; position < localOf.Length; position++)
        {
            if (localOf[position] != 0)
            {
                localOf[position] = valueIds.Count;
                valueIds.Add(encoding.ValueIds[position]);
            }
        }

        var endorsing = new int[valueIds.Count * k];
        var judged = new int[valueIds.Count * k];
        var voters = new HashSet<int>[k];
        for (var g = 0; g < k; g++)
        {
            voters[g] = [];
        }

        for (var n = 0; n < votes.Length; n++)
        {
            if ((n & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var i = votes[n];
            var group = groupOf[encoding.Participant[i]];
            if (group < 0)
            {
                continue;
            }

            voters[group].Add(encoding.Participant[i]);
            var verdict = encoding.Verdict[i];
            if (verdict == Verdict.Unsure)
            {
                continue;
            }

            // "Wiser" endorses the value moved to; "not wiser" endorses the value moved from. Each vote judges both.
            var (endorsed, opposed) = verdict == Verdict.Wiser ? (encoding.To[i], encoding.From[i]) : (encoding.From[i], encoding.To[i]);
            endorsing[(localOf[endorsed] * k) + group]++;
            judged[(localOf[endorsed] * k) + group]++;
            judged[(localOf[opposed] * k) + group]++;
        }

        return new ContextBridging([.. voters.Select(v => v.Count)], valueIds, endorsing, judged);
    }
}
