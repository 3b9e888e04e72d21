using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Reconciliation;

/// <summary>
/// The votes of one (question, context) as directed-pair indices over local node numbers, so the tallies can be
/// recomputed cheaply with participants reweighted (the bootstrap). The ranking graph's topology (every pair
/// with a "wiser" vote) is laid out once; a resample only changes edge weights.
/// </summary>
internal sealed class ContextTallies
{
    private readonly int[] _pairFrom;
    private readonly int[] _pairTo;
    private readonly int[] _reverse;
    private readonly int[] _votePair;
    private readonly Verdict[] _voteVerdict;
    private readonly int[] _voteParticipant;
    private readonly Counts _full;

    // The candidate ranking edges (pairs with at least one "wiser" vote in the full sample) and their CSR layout.
    private readonly int[] _candidatePairs;
    private readonly CompactGraph.Layout _layout;
    private CompactGraph? _fullGraph;

    /// <summary>Encodes one context's votes.</summary>
    /// <param name="encoding">The snapshot's votes as columns.</param>
    /// <param name="voteIndices">This context's votes, in snapshot order.</param>
    public ContextTallies(VoteEncoding encoding, int[] voteIndices)
    {
        // The graph is computed over the values voted on in this context (local numbers in study order); the
        // study's other values are isolated nodes whose effect is exact and closed-form (see Rescale), so they cost
        // nothing here yet keep N fixed: one more "wiser" vote for B never lowers B, even from a value new to the context.
        StudyValueCount = encoding.ValueIds.Length;
        var localOf = new int[encoding.ValueIds.Length];
        foreach (var i in voteIndices)
        {
            localOf[encoding.From[i]] = 1;
            localOf[encoding.To[i]] = 1;
        }

        // Arrays sized exactly, here and below: at millions of votes each is on the large object heap, where every
        // doubling of a list stays allocated until a full collection.
        NodeIds = new string[localOf.Length - localOf.AsSpan().Count(0)];
        var node = 0;
        for (var position = 0; position < localOf.Length; position++)
        {
            if (localOf[position] != 0)
            {
                localOf[position] = node;
                NodeIds[node++] = encoding.ValueIds[position];
            }
        }

        // Participants renumbered densely, in order of first vote here (the bootstrap draws over these numbers).
        var participantOf = new int[encoding.ParticipantCount];
        Array.Fill(participantOf, -1);
        var participants = 0;
        _voteVerdict = new Verdict[voteIndices.Length];
        _voteParticipant = new int[voteIndices.Length];
        for (var k = 0; k < voteIndices.Length; k++)
        {
            var i = voteIndices[k];
            _voteVerdict[k] = encoding.Verdict[i];
            ref var participant = ref participantOf[encoding.Participant[i]];
            if (participant < 0)
            {
                participant = participants++;
            }

            _voteParticipant[k] = participant;
        }

        (_votePair, _pairFrom, _pairTo) = NumberPairs(NodeIds.Length, new LocalEnds(localOf, encoding, voteIndices));
        _reverse = ReversePairs(NodeIds.Length, _pairFrom, _pairTo);
        ParticipantCount = participants;
        _full = Count(null);

        _candidatePairs = new int[_pairFrom.Length - _full.Wiser.AsSpan().Count(0)];
        var candidate = 0;
        for (var p = 0; p < _pairFrom.Length; p++)
        {
            if (_full.Wiser[p] > 0)
            {
                _candidatePairs[candidate++] = p;
            }
        }

        _layout = CompactGraph.Layout.Create(NodeIds.Length,
            Array.ConvertAll(_candidatePairs, p => _pairFrom[p]), Array.ConvertAll(_candidatePairs, p => _pairTo[p]));
    }

    /// <summary>The value id of each node: the values voted on in this context, in study order.</summary>
    public string[] NodeIds { get; }

    /// <summary>N, every value of the study: the node count scores are shares of.</summary>
    public int StudyValueCount { get; }

    public int ParticipantCount { get; }

    /// <summary>"Wiser" votes each node received on its in-edges, full sample.</summary>
    public int[] WiserVotesReceived()
    {
        var received = new int[NodeIds.Length];
        foreach (var p in _candidatePairs)
        {
            received[_pairTo[p]] += _full.Wiser[p];
        }

        return received;
    }

    /// <summary>
    /// Every pair with at least one "wiser" vote, in first-voted order, with full-sample tallies. A view: each
    /// edge is made when read, so a graph of millions of edges holds arrays, not millions of objects.
    /// </summary>
    public IReadOnlyList<RankedEdge> Edges(int minWiser, IReadOnlyList<string> contexts, CancellationToken cancellationToken) =>
        new EdgeView(this, minWiser, contexts, StronglyConnectedComponents.OnCycles(RankingGraph(minWiser, null), cancellationToken));

    /// <summary>
    /// PageRank over the ranking edges, with each participant's votes counted <paramref name="participantWeight"/>
    /// times (all once when null), starting from <paramref name="warmStart"/> when given.
    /// </summary>
    public ContextScores Rank(int minWiser, int[]? participantWeight, WeightedPageRank pageRank, double[]? warmStart, CancellationToken cancellationToken)
    {
        var graph = RankingGraph(minWiser, participantWeight);
        var result = pageRank.Compute(graph, warmStart, cancellationToken);
        return Rescale(result, graph, pageRank.Damping);
    }

    /// <summary>
    /// Scores over all N study values from the PageRank r' of the n voted values. The N − n others have no edges,
    /// so each holds the same b; with D' the sinks' mass in r' and b' = ((1 − d) + d·D') / n, the full solution is
    /// r = c·r' and b = c·b' with c = 1 / (1 + (N − n)·b'). (Substituting shows every node's equation holds and the
    /// total is 1, and the solution is unique.)
    /// </summary>
    private ContextScores Rescale(PageRankResult result, CompactGraph graph, double damping)
    {
        var n = NodeIds.Length;
        var sinkMass = 0.0;
        foreach (var sink in graph.Sinks)
        {
            sinkMass += result.Ranks[sink];
        }

        var localBaseline = ((1 - damping) + (damping * sinkMass)) / n;
        var scale = 1 / (1 + ((StudyValueCount - n) * localBaseline));
        var scores = Array.ConvertAll(result.Ranks, r => r * scale);
        return new ContextScores(scores, result.Ranks, localBaseline * scale, result.Iterations, graph.Sinks.Length < n);
    }

    private CompactGraph RankingGraph(int minWiser, int[]? participantWeight)
    {
        if (participantWeight is null && _fullGraph is not null)
        {
            return _fullGraph;
        }

        var counts = participantWeight is null ? _full : Count(participantWeight);
        var weights = new double[_candidatePairs.Length];
        for (var c = 0; c < weights.Length; c++)
        {
            var p = _candidatePairs[c];
            if (counts.Wiser[p] >= minWiser)
            {
                weights[c] = Math.Max(0, Likelihood(counts.Wiser[p], counts.NotWiser[p], counts.Unsure[p]));
            }
        }

        var graph = _layout.WithWeights(weights);
        if (participantWeight is null)
        {
            _fullGraph = graph;
        }

        return graph;
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

    /// <summary>
    /// Numbers the directed pairs the votes name in the order each was first voted on, and gives each vote its pair.
    /// Arrays rather than a hash of pair keys: votes are bucketed by their from-node (a counting sort), and within a
    /// bucket a mark per to-node finds the pair's first vote, so the work is a few passes over the votes however they fall.
    /// </summary>
    private static (int[] VotePair, int[] PairFrom, int[] PairTo) NumberPairs(int nodeCount, LocalEnds votes)
    {
        var byFrom = BucketBy(nodeCount, votes, out var offsets);

        // firstVote[k]: the first vote (lowest index) naming vote k's pair; buckets list votes in index order.
        var firstVote = new int[votes.Count];
        var markedBy = new int[nodeCount];
        var firstOfTarget = new int[nodeCount];
        Array.Fill(markedBy, -1);
        for (var from = 0; from < nodeCount; from++)
        {
            for (var slot = offsets[from]; slot < offsets[from + 1]; slot++)
            {
                var k = byFrom[slot];
                var to = votes.To(k);
                if (markedBy[to] != from)
                {
                    markedBy[to] = from;
                    firstOfTarget[to] = k;
                }

                firstVote[k] = firstOfTarget[to];
            }
        }

        // A pair's number is its rank among first votes; later votes take their first vote's number, already given.
        var pairCount = 0;
        for (var k = 0; k < firstVote.Length; k++)
        {
            pairCount += firstVote[k] == k ? 1 : 0;
        }

        var votePair = firstVote;
        var pairFrom = new int[pairCount];
        var pairTo = new int[pairCount];
        var pair = 0;
        for (var k = 0; k < votePair.Length; k++)
        {
            if (firstVote[k] == k)
            {
                (pairFrom[pair], pairTo[pair]) = (votes.From(k), votes.To(k));
                votePair[k] = pair++;
            }
            else
            {
                votePair[k] = votePair[firstVote[k]];
            }
        }

        return (votePair, pairFrom, pairTo);
    }

    /// <summary>
    /// This context's votes' values as local node numbers, read through the snapshot's columns rather than copied: at
    /// millions of votes, two more vote-long arrays would be garbage on the large object heap.
    /// </summary>
    private readonly struct LocalEnds(int[] localOf, VoteEncoding encoding, int[] voteIndices) : IBucketKeys
    {
        public int Count => voteIndices.Length;

        public int KeyOf(int k) => From(k);

        public int From(int k) => localOf[encoding.From[voteIndices[k]]];

        public int To(int k) => localOf[encoding.To[voteIndices[k]]];
    }

    /// <summary>Each pair's reverse (B→A for A→B), or −1: per node, its out-pairs mark their targets, then its in-pairs look.</summary>
    private static int[] ReversePairs(int nodeCount, int[] pairFrom, int[] pairTo)
    {
        var outPairs = BucketBy(nodeCount, new ArrayKeys(pairFrom), out var outOffsets);
        var inPairs = BucketBy(nodeCount, new ArrayKeys(pairTo), out var inOffsets);
        var reverse = new int[pairFrom.Length];
        var markedBy = new int[nodeCount];
        var pairToTarget = new int[nodeCount];
        Array.Fill(markedBy, -1);
        for (var node = 0; node < nodeCount; node++)
        {
            for (var slot = outOffsets[node]; slot < outOffsets[node + 1]; slot++)
            {
                var p = outPairs[slot];
                markedBy[pairTo[p]] = node;
                pairToTarget[pairTo[p]] = p;
            }

            for (var slot = inOffsets[node]; slot < inOffsets[node + 1]; slot++)
            {
                var p = inPairs[slot];
                reverse[p] = markedBy[pairFrom[p]] == node ? pairToTarget[pairFrom[p]] : -1;
            }
        }

        return reverse;
    }

    /// <summary>The indices 0..n−1 grouped by <paramref name="keys"/> (a stable counting sort); group g is at [offsets[g], offsets[g+1]).</summary>
    private static int[] BucketBy<TKeys>(int keyCount, TKeys keys, out int[] offsets) where TKeys : IBucketKeys
    {
        offsets = new int[keyCount + 1];
        for (var i = 0; i < keys.Count; i++)
        {
            offsets[keys.KeyOf(i) + 1]++;
        }

        for (var key = 0; key < keyCount; key++)
        {
            offsets[key + 1] += offsets[key];
        }

        var cursor = offsets[..keyCount];
        var sorted = new int[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            sorted[cursor[keys.KeyOf(i)]++] = i;
        }

        return sorted;
    }

    /// <summary>What <see cref="BucketBy"/> groups by: a key in 0..keyCount−1 per index.</summary>
    private interface IBucketKeys
    {
        int Count { get; }

        int KeyOf(int index);
    }

    private readonly struct ArrayKeys(int[] keys) : IBucketKeys
    {
        public int Count => keys.Length;

        public int KeyOf(int index) => keys[index];
    }

    private Counts Count(int[]? participantWeight)
    {
        var pairs = _pairFrom.Length;
        var counts = new Counts(new int[pairs], new int[pairs], new int[pairs]);
        for (var i = 0; i < _votePair.Length; i++)
        {
            var weight = participantWeight?[_voteParticipant[i]] ?? 1;
            if (weight == 0)
            {
                continue;
            }

            var p = _votePair[i];
            switch (_voteVerdict[i])
            {
                case Verdict.Wiser: counts.Wiser[p] += weight; break;
                case Verdict.NotWiser: counts.NotWiser[p] += weight; break;
                case Verdict.Unsure: counts.Unsure[p] += weight; break;
            }
        }

        return counts;
    }

    /// <summary>Verdicts per pair; every vote has one, so their sum is the times the pair was shown.</summary>
    private sealed record Counts(int[] Wiser, int[] NotWiser, int[] Unsure)
    {
        public int Shown(int pair) => Wiser[pair] + NotWiser[pair] + Unsure[pair];
    }

    private sealed class EdgeView(ContextTallies tallies, int minWiser, IReadOnlyList<string> contexts, int[] cycles) : IReadOnlyList<RankedEdge>, IContestedEdges
    {
        public int Count => tallies._candidatePairs.Length;

        public string? ContestedReason(int index)
        {
            var full = tallies._full;
            var p = tallies._candidatePairs[index];
            var reverse = tallies._reverse[p];
            if (reverse >= 0 && full.Wiser[reverse] > 0)
            {
                return "both-directions";
            }

            var (from, to) = (tallies._pairFrom[p], tallies._pairTo[p]);
            var inRanking = full.Wiser[p] >= minWiser && Likelihood(full.Wiser[p], full.NotWiser[p], full.Unsure[p]) > 0;
            return inRanking && cycles[from] >= 0 && cycles[from] == cycles[to] ? "cycle" : null;
        }

        public (string SourceValueId, string WiserValueId) Pair(int index)
        {
            var p = tallies._candidatePairs[index];
            return (tallies.NodeIds[tallies._pairFrom[p]], tallies.NodeIds[tallies._pairTo[p]]);
        }

        public RankedEdge this[int index]
        {
            get
            {
                var full = tallies._full;
                var p = tallies._candidatePairs[index];
                var reverse = tallies._reverse[p];
                var lessWise = reverse < 0 ? 0 : full.Wiser[reverse];
                var likelihood = Likelihood(full.Wiser[p], full.NotWiser[p], full.Unsure[p]);
                var inRanking = full.Wiser[p] >= minWiser && likelihood > 0;
                var (from, to) = (tallies._pairFrom[p], tallies._pairTo[p]);
                var impressions = full.Shown(p) + (reverse < 0 ? 0 : full.Shown(reverse));
                return new RankedEdge(
                    tallies.NodeIds[from], tallies.NodeIds[to], contexts,
                    new EdgeTallies(full.Wiser[p], full.NotWiser[p], lessWise, full.Unsure[p], impressions),
                    likelihood, Entropy.Bits(full.Wiser[p], full.NotWiser[p], full.Unsure[p]),
                    inRanking,
                    ContestedReason(index));
            }
        }

        public IEnumerator<RankedEdge> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>Edges that say whether one is contested, and between which values, without being made into records (a big graph has millions).</summary>
internal interface IContestedEdges
{
    /// <summary><see cref="RankedEdge.ContestedReason"/> of edge <paramref name="index"/>, cheaply.</summary>
    string? ContestedReason(int index);

    /// <summary>The source and wiser values of edge <paramref name="index"/>.</summary>
    (string SourceValueId, string WiserValueId) Pair(int index);
}

/// <summary>One context's scores.</summary>
/// <param name="Scores">Each voted value's share of the whole study's rank.</param>
/// <param name="LocalRanks">The PageRank over the voted values alone (a warm start for resamples).</param>
/// <param name="Baseline">The score of every value not voted on in the context.</param>
/// <param name="Iterations">PageRank iterations run.</param>
/// <param name="HasSupport">False when no move had support: every value then merely holds the baseline.</param>
internal sealed record ContextScores(double[] Scores, double[] LocalRanks, double Baseline, int Iterations, bool HasSupport);

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
