using MoralGraph.Core.Export;

namespace MoralGraph.Core.Releases;

/// <summary>Computes <see cref="SpecDiff"/>: hash maps over both specs, one pass over each list, so 100k values take well under a second.</summary>
internal static class SpecDiffer
{
    private static readonly IReadOnlyList<SpecRanking> NoRanking = [];
    private static readonly IReadOnlyList<SpecEdge> NoEdges = [];

    public static SpecDiff Compare(AlignmentSpec from, AlignmentSpec to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);

        var authorsBefore = new HashSet<string>(StringComparer.Ordinal);
        var valuesBefore = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in from.Values)
        {
            valuesBefore.Add(value.Id);
            foreach (var member in value.Members)
            {
                authorsBefore.Add(member.ParticipantId);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var titles = new Dictionary<string, string>(to.Values.Count, StringComparer.Ordinal);
        var added = new List<DiffValue>();
        var newAuthors = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var value in to.Values)
        {
            titles.TryAdd(value.Id, value.Title);
            if (!valuesBefore.Contains(value.Id))
            {
                added.Add(new DiffValue(value.Id, value.Title));
            }

            foreach (var member in value.Members)
            {
                if (!authorsBefore.Contains(member.ParticipantId))
                {
                    newAuthors.Add(member.ParticipantId);
                }
            }
        }

        var removed = new List<DiffValue>();
        foreach (var value in from.Values)
        {
            // Titles of values gone are the older side's; of values on both sides, the newer one's (added first).
            if (titles.TryAdd(value.Id, value.Title))
            {
                removed.Add(new DiffValue(value.Id, value.Title));
            }
        }

        var winnersBefore = WinnersByGraph(from);
        var winnersAfter = WinnersByGraph(to);
        var fromGraphs = new Dictionary<(string?, string?), SpecGraph>();
        foreach (var graph in from.Graphs)
        {
            fromGraphs.TryAdd((graph.QuestionId, graph.ContextId), graph);
        }

        var graphs = new List<GraphDiff>();
        var seen = new HashSet<(string?, string?)>();
        foreach (var graph in to.Graphs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = (graph.QuestionId, graph.ContextId);
            seen.Add(key);
            var earlier = fromGraphs.GetValueOrDefault(key);
            var diff = CompareGraph(key, graph.ContextText, earlier is null ? GraphPresence.Added : GraphPresence.Both,
                earlier?.Ranking ?? NoRanking, graph.Ranking, earlier?.Edges ?? NoEdges, graph.Edges,
                winnersBefore.GetValueOrDefault(key, []), winnersAfter.GetValueOrDefault(key, []), titles);
            if (!diff.IsUnchanged)
            {
                graphs.Add(diff);
            }
        }

        foreach (var graph in from.Graphs.Where(g => !seen.Contains((g.QuestionId, g.ContextId))))
        {
            var key = (graph.QuestionId, graph.ContextId);
            graphs.Add(CompareGraph(key, graph.ContextText, GraphPresence.Removed, graph.Ranking, NoRanking, graph.Edges, NoEdges,
                winnersBefore.GetValueOrDefault(key, []), [], titles));
        }

        var participation = new ParticipationChange(
            new(from.Counts.Participants, to.Counts.Participants), new(from.Counts.Votes, to.Counts.Votes), new(from.Counts.Cards, to.Counts.Cards),
            new(from.Counts.Values, to.Counts.Values), new(from.Counts.Edges, to.Counts.Edges), [.. newAuthors]);
        return new SpecDiff(Side(from), Side(to), from.Algorithm.Fingerprint != to.Algorithm.Fingerprint, added, removed, participation, graphs);
    }

    private static SpecDiffSide Side(AlignmentSpec spec) =>
        new(spec.ReleaseId, spec.ContentHash, spec.GeneratedAt, spec.Algorithm.Profile, spec.Algorithm.Fingerprint, spec.Counts);

    private static Dictionary<(string?, string?), IReadOnlyList<string>> WinnersByGraph(AlignmentSpec spec)
    {
        var winners = new Dictionary<(string?, string?), IReadOnlyList<string>>();
        foreach (var community in spec.Layers.CommunityValues)
        {
            winners.TryAdd((community.QuestionId, community.ContextId), community.WinningValueIds);
        }

        return winners;
    }

    private static GraphDiff CompareGraph(
        (string? QuestionId, string? ContextId) key, string? contextText, GraphPresence presence,
        IReadOnlyList<SpecRanking> rankingBefore, IReadOnlyList<SpecRanking> rankingAfter,
        IReadOnlyList<SpecEdge> edgesBefore, IReadOnlyList<SpecEdge> edgesAfter,
        IReadOnlyList<string> winnersBefore, IReadOnlyList<string> winnersAfter, Dictionary<string, string> titles)
    {
        var before = new Dictionary<string, SpecRanking>(rankingBefore.Count, StringComparer.Ordinal);
        foreach (var entry in rankingBefore)
        {
            before.TryAdd(entry.ValueId, entry);
        }

        var moves = new List<RankMove>();
        var ranked = new HashSet<string>(rankingAfter.Count, StringComparer.Ordinal);
        foreach (var now in rankingAfter)
        {
            ranked.Add(now.ValueId);
            var then = before.GetValueOrDefault(now.ValueId);
            if (then is null || then.Rank != now.Rank || then.Score != now.Score)
            {
                moves.Add(Move(now.ValueId, then, now, titles));
            }
        }

        foreach (var then in rankingBefore)
        {
            if (!ranked.Contains(then.ValueId))
            {
                moves.Add(Move(then.ValueId, then, null, titles));
            }
        }

        moves.Sort(static (a, b) =>
        {
            var order = (a.RankAfter ?? int.MaxValue).CompareTo(b.RankAfter ?? int.MaxValue);
            order = order != 0 ? order : (a.RankBefore ?? int.MaxValue).CompareTo(b.RankBefore ?? int.MaxValue);
            return order != 0 ? order : string.CompareOrdinal(a.ValueId, b.ValueId);
        });

        var (appeared, vanished, flipped, retallied) = CompareEdges(edgesBefore, edgesAfter);
        return new GraphDiff(key.QuestionId, key.ContextId, contextText, presence, winnersBefore, winnersAfter, moves, appeared, vanished, flipped, retallied);
    }

    private static RankMove Move(string valueId, SpecRanking? before, SpecRanking? after, Dictionary<string, string> titles) => new(
        valueId, titles.GetValueOrDefault(valueId, valueId), before?.Rank, after?.Rank, before?.Score, after?.Score, Interval(before), Interval(after));

    private static ScoreInterval? Interval(SpecRanking? ranked) =>
        ranked is { ScoreLow: { } low, ScoreHigh: { } high } ? new ScoreInterval(low, high) : null;

    /// <summary>
    /// Directed edges on one side only, and pairs whose direction reversed. A pair points the way more voters said the
    /// move made them wiser than said it did not (<c>markedWiser − markedNotWiser</c>, strictly more than the other way,
    /// and above zero); a pair with no such direction on either side cannot flip. A flipped pair's edges are reported as
    /// the flip alone, not also as one edge vanishing and another appearing. Each list is read once (a spec built from a
    /// reconciliation makes its edges as they are read) and its edges are keyed by a pair of small integers, not strings.
    /// </summary>
    private static (List<DiffEdge> Appeared, List<DiffEdge> Vanished, List<FlippedEdge> Flipped, int Retallied) CompareEdges(IReadOnlyList<SpecEdge> before, IReadOnlyList<SpecEdge> after)
    {
        var ids = new ValueIds();
        var then = EdgeSide.Of(before, ids);
        var now = EdgeSide.Of(after, ids);
        var flippedPairs = new HashSet<long>(MixedKeys.Instance);
        var flipped = new List<FlippedEdge>();
        for (var i = 0; i < then.Keys.Length; i++)
        {
            var key = then.Keys[i];
            var reverse = Reverse(key);
            var nowHasKey = now.Index.ContainsKey(key);
            var nowHasReverse = now.Index.ContainsKey(reverse);

            // A pair with the same single direction on both sides cannot point the other way: most pairs, skipped cheaply.
            if ((!nowHasKey && !nowHasReverse) || (nowHasKey && !nowHasReverse && !then.Index.ContainsKey(reverse)))
            {
                continue;
            }

            var pair = Pair(key);
            if (flippedPairs.Contains(pair))
            {
                continue;
            }

            var wasPointing = then.Direction(pair);
            var isPointing = now.Direction(pair);
            if (wasPointing >= 0 && isPointing >= 0 && then.Keys[wasPointing] != now.Keys[isPointing])
            {
                flippedPairs.Add(pair);
                flipped.Add(new FlippedEdge(then.ToDiff(wasPointing, ids), now.ToDiff(isPointing, ids)));
            }
        }

        var appeared = new List<DiffEdge>();
        var retallied = 0;
        for (var i = 0; i < now.Keys.Length; i++)
        {
            var key = now.Keys[i];
            if (flippedPairs.Count > 0 && flippedPairs.Contains(Pair(key)))
            {
                continue;
            }

            if (!then.Index.TryGetValue(key, out var earlier))
            {
                appeared.Add(now.ToDiff(i, ids));
            }
            else if (then.Counts[earlier] != now.Counts[i])
            {
                retallied++;
            }
        }

        var vanished = new List<DiffEdge>();
        for (var i = 0; i < then.Keys.Length; i++)
        {
            var key = then.Keys[i];
            if (!now.Index.ContainsKey(key) && (flippedPairs.Count == 0 || !flippedPairs.Contains(Pair(key))))
            {
                vanished.Add(then.ToDiff(i, ids));
            }
        }

        return (appeared, vanished, flipped, retallied);
    }

    private static long Key(int source, int wiser) => ((long)source << 32) | (uint)wiser;

    private static long Reverse(long key) => Key((int)key, (int)(key >> 32));

    private static long Pair(long key) => (int)(key >> 32) <= (int)key ? key : Reverse(key);

    /// <summary>
    /// Hashes a pair key by mixing its bits: <see cref="long.GetHashCode"/> folds the halves with XOR, so the pairs of
    /// small consecutive ids collide by the hundred and a 100k-value diff took 20 s instead of a fraction of one.
    /// </summary>
    private sealed class MixedKeys : IEqualityComparer<long>
    {
        public static readonly MixedKeys Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long obj)
        {
            var mixed = (ulong)obj * 0x9E3779B97F4A7C15UL;
            return (int)(mixed >> 32) ^ (int)mixed;
        }
    }

    /// <summary>Value ids as small integers, shared by both sides of a graph.</summary>
    private sealed class ValueIds
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];

        public int Of(string id)
        {
            if (!_ids.TryGetValue(id, out var number))
            {
                number = _names.Count;
                _ids.Add(id, number);
                _names.Add(id);
            }

            return number;
        }

        public string Name(int number) => _names[number];
    }

    /// <summary>One side's edges: keys, tallies and summaries in list order, and where each key is.</summary>
    private sealed class EdgeSide(long[] keys, SpecCounts.EdgeCounts[] counts, double[] likelihoods, Dictionary<long, int> index)
    {
        public long[] Keys { get; } = keys;

        public SpecCounts.EdgeCounts[] Counts { get; } = counts;

        public Dictionary<long, int> Index { get; } = index;

        public static EdgeSide Of(IReadOnlyList<SpecEdge> edges, ValueIds ids)
        {
            var keys = new long[edges.Count];
            var counts = new SpecCounts.EdgeCounts[edges.Count];
            var likelihoods = new double[edges.Count];
            var index = new Dictionary<long, int>(edges.Count, MixedKeys.Instance);
            var i = 0;
            foreach (var edge in edges)
            {
                keys[i] = Key(ids.Of(edge.SourceValueId), ids.Of(edge.WiserValueId));
                counts[i] = edge.Counts;
                likelihoods[i] = edge.Summary.WiserLikelihood;
                index.TryAdd(keys[i], i);
                i++;
            }

            return new EdgeSide(keys, counts, likelihoods, index);
        }

        /// <summary>The position of the edge the pair points along, or −1 when it points neither way.</summary>
        public int Direction(long pair)
        {
            var forward = Index.TryGetValue(pair, out var f) ? f : -1;
            var backward = Index.TryGetValue(Reverse(pair), out var b) ? b : -1;
            var forwardSupport = forward < 0 ? 0 : Counts[forward].MarkedWiser - Counts[forward].MarkedNotWiser;
            var backwardSupport = backward < 0 ? 0 : Counts[backward].MarkedWiser - Counts[backward].MarkedNotWiser;
            return forwardSupport > 0 && forwardSupport > backwardSupport ? forward
                : backwardSupport > 0 && backwardSupport > forwardSupport ? backward
                : -1;
        }

        public DiffEdge ToDiff(int position, ValueIds ids) =>
            new(ids.Name((int)(Keys[position] >> 32)), ids.Name((int)Keys[position]), Counts[position], likelihoods[position]);
    }
}
