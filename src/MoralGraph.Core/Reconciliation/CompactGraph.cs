namespace MoralGraph.Core.Reconciliation;

/// <summary>
/// A weighted directed graph in compressed sparse row form, indexed by incoming edge, with each edge's
/// weight already divided by its source's total out-weight (its "share"). Immutable once built.
/// </summary>
public sealed class CompactGraph
{
    private CompactGraph(Layout layout, double[] inShares, int[] sinks)
    {
        NodeCount = layout.NodeCount;
        InOffsets = layout.InOffsets;
        InSources = layout.InSources;
        InShares = inShares;
        Sinks = sinks;
    }

    /// <summary>Number of nodes (0..N−1).</summary>
    public int NodeCount { get; }

    /// <summary>In-edges of node v are at [InOffsets[v], InOffsets[v+1]).</summary>
    internal int[] InOffsets { get; }

    /// <summary>Source node of each in-edge.</summary>
    internal int[] InSources { get; }

    /// <summary>w(u,v) / W(u) for each in-edge (0 for an edge of weight 0).</summary>
    internal double[] InShares { get; }

    /// <summary>Nodes with no outgoing weight.</summary>
    internal int[] Sinks { get; }

    /// <summary>Number of edges.</summary>
    public int EdgeCount => InSources.Length;

    /// <summary>
    /// Builds the graph from parallel arrays of edges. Weights must be finite and ≥ 0; an edge of weight 0
    /// carries nothing; parallel edges add up.
    /// </summary>
    public static CompactGraph FromEdges(int nodeCount, ReadOnlySpan<int> sources, ReadOnlySpan<int> targets, ReadOnlySpan<double> weights)
    {
        if (sources.Length != weights.Length)
        {
            throw new ArgumentException("sources, targets and weights must have the same length.");
        }

        return Layout.Create(nodeCount, sources, targets).WithWeights(weights);
    }

    /// <summary>
    /// The topology alone (who points at whom), laid out once so that graphs differing only in their weights —
    /// the bootstrap's resamples — cost one pass over the edges each.
    /// </summary>
    internal sealed class Layout
    {
        private readonly int[] _edgeSource;
        private readonly int[] _slotOfEdge;

        private Layout(int nodeCount, int[] inOffsets, int[] inSources, int[] edgeSource, int[] slotOfEdge)
        {
            NodeCount = nodeCount;
            InOffsets = inOffsets;
            InSources = inSources;
            _edgeSource = edgeSource;
            _slotOfEdge = slotOfEdge;
        }

        public int NodeCount { get; }

        public int[] InOffsets { get; }

        public int[] InSources { get; }

        public static Layout Create(int nodeCount, ReadOnlySpan<int> sources, ReadOnlySpan<int> targets) =>
            Create(nodeCount, sources, targets, keptSources: null);

        /// <summary>As the span overload, keeping <paramref name="sources"/> itself rather than a copy (the caller hands it over).</summary>
        public static Layout Create(int nodeCount, int[] sources, int[] targets) => Create(nodeCount, sources, targets, keptSources: sources);

        private static Layout Create(int nodeCount, ReadOnlySpan<int> sources, ReadOnlySpan<int> targets, int[]? keptSources)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
            if (sources.Length != targets.Length)
            {
                throw new ArgumentException("sources, targets and weights must have the same length.");
            }

            var offsets = new int[nodeCount + 1];
            for (var i = 0; i < sources.Length; i++)
            {
                var (u, v) = (sources[i], targets[i]);
                if ((uint)u >= (uint)nodeCount || (uint)v >= (uint)nodeCount)
                {
                    throw new ArgumentOutOfRangeException(nameof(sources), $"Edge {i} ({u}→{v}) names a node outside 0..{nodeCount - 1}.");
                }

                offsets[v + 1]++;
            }

            for (var v = 0; v < nodeCount; v++)
            {
                offsets[v + 1] += offsets[v];
            }

            var cursor = offsets[..nodeCount];
            var inSources = new int[sources.Length];
            var slotOfEdge = new int[sources.Length];
            for (var i = 0; i < sources.Length; i++)
            {
                var slot = cursor[targets[i]]++;
                inSources[slot] = sources[i];
                slotOfEdge[i] = slot;
            }

            return new Layout(nodeCount, offsets, inSources, keptSources ?? sources.ToArray(), slotOfEdge);
        }

        /// <summary>The graph with these weights, given in the order the edges were laid out.</summary>
        public CompactGraph WithWeights(ReadOnlySpan<double> weights)
        {
            if (weights.Length != _edgeSource.Length)
            {
                throw new ArgumentException($"{weights.Length} weights for {_edgeSource.Length} edges.", nameof(weights));
            }

            var outWeight = new double[NodeCount];
            for (var i = 0; i < weights.Length; i++)
            {
                var w = weights[i];
                if (!double.IsFinite(w) || w < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(weights), $"Edge {i} has weight {w}; weights must be finite and ≥ 0.");
                }

                outWeight[_edgeSource[i]] += w;
            }

            var shares = new double[weights.Length];
            for (var i = 0; i < weights.Length; i++)
            {
                if (weights[i] > 0)
                {
                    shares[_slotOfEdge[i]] = weights[i] / outWeight[_edgeSource[i]];
                }
            }

            var sinkCount = 0;
            foreach (var w in outWeight)
            {
                sinkCount += w == 0 ? 1 : 0;
            }

            var sinks = new int[sinkCount];
            for (int u = 0, next = 0; u < NodeCount; u++)
            {
                if (outWeight[u] == 0)
                {
                    sinks[next++] = u;
                }
            }

            return new CompactGraph(this, shares, sinks);
        }
    }
}
