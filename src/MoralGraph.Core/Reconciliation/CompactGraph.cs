namespace MoralGraph.Core.Reconciliation;

/// <summary>
/// A weighted directed graph in compressed sparse row form, indexed by incoming edge, with each edge's
/// weight already divided by its source's total out-weight (its "share"). Immutable once built.
/// </summary>
public sealed class CompactGraph
{
    private CompactGraph(int nodeCount, int[] inOffsets, int[] inSources, double[] inShares, int[] sinks)
    {
        NodeCount = nodeCount;
        InOffsets = inOffsets;
        InSources = inSources;
        InShares = inShares;
        Sinks = sinks;
    }

    /// <summary>Number of nodes (0..N−1).</summary>
    public int NodeCount { get; }

    /// <summary>In-edges of node v are at [InOffsets[v], InOffsets[v+1]).</summary>
    internal int[] InOffsets { get; }

    /// <summary>Source node of each in-edge.</summary>
    internal int[] InSources { get; }

    /// <summary>w(u,v) / W(u) for each in-edge.</summary>
    internal double[] InShares { get; }

    /// <summary>Nodes with no outgoing weight.</summary>
    internal int[] Sinks { get; }

    /// <summary>Number of edges.</summary>
    public int EdgeCount => InSources.Length;

    /// <summary>
    /// Builds the graph from parallel arrays of edges. Weights must be finite and &gt; 0 (an edge of weight 0
    /// carries nothing and is dropped); parallel edges add up.
    /// </summary>
    public static CompactGraph FromEdges(int nodeCount, ReadOnlySpan<int> sources, ReadOnlySpan<int> targets, ReadOnlySpan<double> weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        if (sources.Length != targets.Length || sources.Length != weights.Length)
        {
            throw new ArgumentException("sources, targets and weights must have the same length.");
        }

        var outWeight = new double[nodeCount];
        var inDegree = new int[nodeCount + 1];
        var kept = 0;
        for (var i = 0; i < sources.Length; i++)
        {
            var (u, v, w) = (sources[i], targets[i], weights[i]);
            if ((uint)u >= (uint)nodeCount || (uint)v >= (uint)nodeCount)
            {
                throw new ArgumentOutOfRangeException(nameof(sources), $"Edge {i} ({u}→{v}) names a node outside 0..{nodeCount - 1}.");
            }

            if (!double.IsFinite(w) || w < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(weights), $"Edge {i} has weight {w}; weights must be finite and ≥ 0.");
            }

            if (w == 0)
            {
                continue;
            }

            outWeight[u] += w;
            inDegree[v + 1]++;
            kept++;
        }

        for (var v = 0; v < nodeCount; v++)
        {
            inDegree[v + 1] += inDegree[v];
        }

        var offsets = inDegree;
        var cursor = new int[nodeCount];
        Array.Copy(offsets, cursor, nodeCount);
        var inSources = new int[kept];
        var inShares = new double[kept];
        for (var i = 0; i < sources.Length; i++)
        {
            if (weights[i] == 0)
            {
                continue;
            }

            var slot = cursor[targets[i]]++;
            inSources[slot] = sources[i];
            inShares[slot] = weights[i] / outWeight[sources[i]];
        }

        var sinks = Enumerable.Range(0, nodeCount).Where(u => outWeight[u] == 0).ToArray();
        return new CompactGraph(nodeCount, offsets, inSources, inShares, sinks);
    }
}
