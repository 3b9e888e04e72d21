using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Reconciliation;

/// <summary>
/// The votes of one (question, context) encoded as pair indices, so tallies can be recomputed cheaply
/// with participants weighted (the bootstrap) without touching strings again.
/// </summary>
internal sealed class ContextTallies
{
    private readonly List<int> _pairFrom = [];
    private readonly List<int> _pairTo = [];
    private readonly List<int> _reverse = [];
    private readonly int[] _votePair;
    private readonly Verdict[] _voteVerdict;
    private readonly int[] _voteParticipant;
    private readonly string[] _nodeIds;
    private readonly int[] _wiser;
    private readonly int[] _notWiser;
    private readonly int[] _unsure;
    private readonly int[] _shown;

    public ContextTallies(IReadOnlyList<WiserThanVote> votes, Dictionary<string, int> nodeIndex)
    {
        _nodeIds = new string[nodeIndex.Count];
        foreach (var (id, i) in nodeIndex)
        {
            _nodeIds[i] = id;
        }

        var pairIndex = new Dictionary<long, int>();
        var participants = new Dictionary<string, int>(StringComparer.Ordinal);
        _votePair = new int[votes.Count];
        _voteVerdict = new Verdict[votes.Count];
        _voteParticipant = new int[votes.Count];
        for (var i = 0; i < votes.Count; i++)
        {
            var vote = votes[i];
            var a = nodeIndex[vote.FromValueId];
            var b = nodeIndex[vote.ToValueId];
            var forward = PairOf(a, b, pairIndex);
            _ = PairOf(b, a, pairIndex);
            _votePair[i] = forward;
            _voteVerdict[i] = vote.Verdict;
            ref var participant = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(participants, vote.ParticipantId, out var exists);
            if (!exists)
            {
                participant = participants.Count - 1;
            }

            _voteParticipant[i] = participant;
        }

        ParticipantCount = participants.Count;
        (_wiser, _notWiser, _unsure, _shown) = Count(null);
    }

    public int ParticipantCount { get; }

    /// <summary>Every pair with at least one "wiser" vote, in first-voted order, with full-sample tallies.</summary>
    public List<RankedEdge> Edges(int minWiser, string contextText)
    {
        var edges = new List<RankedEdge>();
        for (var p = 0; p < _pairFrom.Count; p++)
        {
            if (_wiser[p] == 0)
            {
                continue;
            }

            var lessWise = _wiser[_reverse[p]];
            var likelihood = Likelihood(_wiser[p], _notWiser[p], _unsure[p]);
            var impressions = _shown[p] + _shown[_reverse[p]];
            edges.Add(new RankedEdge(
                _nodeIds[_pairFrom[p]], _nodeIds[_pairTo[p]], [contextText],
                new EdgeTallies(_wiser[p], _notWiser[p], lessWise, _unsure[p], impressions),
                likelihood, Entropy.Bits(_wiser[p], _notWiser[p], _unsure[p]),
                InRanking: _wiser[p] >= minWiser && likelihood > 0,
                ContestedReason: lessWise > 0 ? "both-directions" : null));
        }

        return edges;
    }

    /// <summary>PageRank over the ranking edges, with each participant's votes counted <paramref name="participantWeight"/> times (all once when null).</summary>
    public PageRankResult Rank(int nodeCount, int minWiser, int[]? participantWeight, WeightedPageRank pageRank, double[]? warmStart, CancellationToken cancellationToken)
    {
        var (wiser, notWiser, unsure, _) = participantWeight is null ? (_wiser, _notWiser, _unsure, _shown) : Count(participantWeight);
        var sources = new List<int>();
        var targets = new List<int>();
        var weights = new List<double>();
        for (var p = 0; p < _pairFrom.Count; p++)
        {
            if (wiser[p] < minWiser)
            {
                continue;
            }

            var likelihood = Likelihood(wiser[p], notWiser[p], unsure[p]);
            if (likelihood > 0)
            {
                sources.Add(_pairFrom[p]);
                targets.Add(_pairTo[p]);
                weights.Add(likelihood);
            }
        }

        var graph = CompactGraph.FromEdges(nodeCount, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sources),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(targets), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(weights));
        return pageRank.Compute(graph, warmStart, cancellationToken);
    }

    /// <summary>
    /// (wiser − notWiser) / (wiser + notWiser + unsure) over the votes on this item alone. Votes on the reverse item
    /// (markedLessWise) deliberately do not enter: they would make a vote for B over A change B's own out-edges,
    /// and then one more "wiser" vote for B could lower B's score. Reverse support makes its own edge instead,
    /// and both are flagged contested.
    /// </summary>
    private static double Likelihood(int wiser, int notWiser, int unsure)
    {
        var total = wiser + notWiser + unsure;
        return total == 0 ? 0 : (double)(wiser - notWiser) / total;
    }

    private (int[] Wiser, int[] NotWiser, int[] Unsure, int[] Shown) Count(int[]? participantWeight)
    {
        var pairs = _pairFrom.Count;
        var wiser = new int[pairs];
        var notWiser = new int[pairs];
        var unsure = new int[pairs];
        var shown = new int[pairs];
        for (var i = 0; i < _votePair.Length; i++)
        {
            var weight = participantWeight?[_voteParticipant[i]] ?? 1;
            if (weight == 0)
            {
                continue;
            }

            var p = _votePair[i];
            shown[p] += weight;
            switch (_voteVerdict[i])
            {
                case Verdict.Wiser: wiser[p] += weight; break;
                case Verdict.NotWiser: notWiser[p] += weight; break;
                case Verdict.Unsure: unsure[p] += weight; break;
            }
        }

        return (wiser, notWiser, unsure, shown);
    }

    private int PairOf(int from, int to, Dictionary<long, int> pairIndex)
    {
        var key = ((long)from << 32) | (uint)to;
        if (pairIndex.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var index = _pairFrom.Count;
        pairIndex.Add(key, index);
        _pairFrom.Add(from);
        _pairTo.Add(to);
        _reverse.Add(-1);
        var reverseKey = ((long)to << 32) | (uint)from;
        if (pairIndex.TryGetValue(reverseKey, out var reverse))
        {
            _reverse[index] = reverse;
            _reverse[reverse] = index;
        }

        return index;
    }
}

/// <summary>A string hash that is the same in every process (string.GetHashCode is randomized per run).</summary>
internal static class StableHash
{
    public static int Of(string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }

    public static int Combine(params ReadOnlySpan<int> parts)
    {
        unchecked
        {
            var hash = 17;
            foreach (var part in parts)
            {
                hash = (hash * 31) + part;
            }

            return hash;
        }
    }
}
