using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Reconciliation;

/// <summary>Running tallies of one directed pair while votes are summed.</summary>
internal sealed class PairTally(string from, string to)
{
    private List<string>? _contexts;
    private List<ContextRef>? _contextRefs;

    public string From { get; } = from;
    public string To { get; } = to;
    public int Wiser { get; set; }
    public int NotWiser { get; set; }
    public int Unsure { get; set; }
    public int LessWise { get; set; }
    public int Impressions { get; set; }
    public IReadOnlyList<string> Contexts => _contexts ?? (IReadOnlyList<string>)[];
    public IReadOnlyList<ContextRef> ContextRefs => _contextRefs ?? (IReadOnlyList<ContextRef>)[];

    public double WiserLikelihood
    {
        get
        {
            var total = Wiser + NotWiser + Unsure + LessWise;
            return total == 0 ? 0 : (double)(Wiser - LessWise) / total;
        }
    }

    public void AddContext(ContextRef context, string text)
    {
        _contexts ??= [];
        if (!_contexts.Contains(text))
        {
            _contexts.Add(text);
        }

        _contextRefs ??= [];
        if (!_contextRefs.Contains(context))
        {
            _contextRefs.Add(context);
        }
    }

    public EdgeTallies ToTallies() => new(Wiser, NotWiser, LessWise, Unsure, Impressions);
}

/// <summary>Directed pairs in the order they were first touched (exports keep that order, as MAI's did).</summary>
internal sealed class PairTable
{
    private readonly Dictionary<(string From, string To), PairTally> _byKey = [];
    private readonly List<PairTally> _inOrder = [];

    public IReadOnlyList<PairTally> InOrder => _inOrder;

    public PairTally Get(string from, string to)
    {
        if (!_byKey.TryGetValue((from, to), out var tally))
        {
            tally = new PairTally(from, to);
            _byKey.Add((from, to), tally);
            _inOrder.Add(tally);
        }

        return tally;
    }
}

/// <summary>Shannon entropy in bits of a set of counts.</summary>
internal static class Entropy
{
    public static double Bits(params ReadOnlySpan<int> counts)
    {
        var total = 0.0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return 0;
        }

        var entropy = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = count / total;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }
}

/// <summary>Looks up the text participants read for a context reference.</summary>
internal static class ContextTexts
{
    public static Func<ContextRef, string> Of(Study study)
    {
        var texts = study.Questions
            .SelectMany(q => q.Contexts.Select(c => (Key: new ContextRef(q.Id, c.Id), c.Text)))
            .ToDictionary(p => p.Key, p => p.Text);
        return context => texts.TryGetValue(context, out var text) ? text : context.ContextId;
    }
}

/// <summary>Maps value ids to node indices, runs PageRank, and orders the result.</summary>
internal static class RankingGraph
{
    public static (double[] Ranks, int Iterations) Rank(IReadOnlyList<string> valueIds, IEnumerable<RankedEdge> edges, WeightedPageRank pageRank, CancellationToken cancellationToken)
    {
        var index = IndexOf(valueIds);
        var sources = new List<int>();
        var targets = new List<int>();
        var weights = new List<double>();
        foreach (var edge in edges.Where(e => e.InRanking))
        {
            sources.Add(index[edge.SourceValueId]);
            targets.Add(index[edge.WiserValueId]);
            weights.Add(edge.WiserLikelihood);
        }

        var graph = CompactGraph.FromEdges(valueIds.Count, sources.ToArray(), targets.ToArray(), weights.ToArray());
        var result = pageRank.Compute(graph, cancellationToken);
        return (result.Ranks, result.Iterations);
    }

    public static Dictionary<string, int> IndexOf(IReadOnlyList<string> valueIds)
    {
        var index = new Dictionary<string, int>(valueIds.Count, StringComparer.Ordinal);
        for (var i = 0; i < valueIds.Count; i++)
        {
            index[valueIds[i]] = i;
        }

        return index;
    }

    /// <summary>
    /// Values by descending score; ties by id (ordinal) so the order never depends on input order. A view over the arrays:
    /// each place is made when read, so a ranking of a million values holds arrays, not a million records.
    /// </summary>
    public static IReadOnlyList<RankedValue> Order(IReadOnlyList<string> valueIds, double[] scores, int[] wiserVotesReceived,
        double[]? winShare = null, double[]? low = null, double[]? high = null)
    {
        // Sort by score over plain arrays, then put each run of equal scores in id order.
        var order = new int[valueIds.Count];
        var keys = new double[valueIds.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = -scores[i];
        }

        Array.Sort(keys, order);
        var byId = Comparer<int>.Create((a, b) => string.CompareOrdinal(valueIds[a], valueIds[b]));
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && keys[end] == keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(order, start, end - start, byId);
            }

            start = end;
        }

        return new IndexedList<RankedValue>(order.Length, position =>
        {
            var i = order[position];
            return new RankedValue(valueIds[i], position + 1, scores[i], wiserVotesReceived[i], winShare?[i], low?[i], high?[i]);
        });
    }
}
