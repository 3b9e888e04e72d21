namespace MoralGraph.Core.Reconciliation;

/// <summary>
/// Strongly connected components of a <see cref="CompactGraph"/>'s positive-weight edges: Tarjan's algorithm,
/// iterative (a graph of a million values would overflow the call stack of a recursive one), over the
/// in-edge arrays directly (a graph and its reverse have the same components).
/// </summary>
/// <remarks>
/// QuikGraph's StronglyConnectedComponentsAlgorithm gives the same partition (the tests use it as the oracle) but
/// keys its state by dictionary and needs its own object graph: 0.4–0.8 s per 100k values here, against a few
/// milliseconds for this pass over arrays the ranking has already built.
/// </remarks>
public static class StronglyConnectedComponents
{
    /// <summary>Component number of each node (0-based, in the order components complete).</summary>
    public static int[] Compute(CompactGraph graph, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var n = graph.NodeCount;
        var offsets = graph.InOffsets;
        var neighbours = graph.InSources;
        var shares = graph.InShares;
        var index = new int[n];
        var low = new int[n];
        var component = new int[n];
        var onStack = new bool[n];
        var stack = new int[n];
        var frames = new (int Node, int NextEdge)[n];
        Array.Fill(index, -1);
        int counter = 0, stackTop = 0, components = 0;

        for (var root = 0; root < n; root++)
        {
            if (index[root] >= 0)
            {
                continue;
            }

            if ((root & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var depth = 0;
            frames[0] = (root, offsets[root]);
            index[root] = low[root] = counter++;
            stack[stackTop++] = root;
            onStack[root] = true;
            while (depth >= 0)
            {
                var (v, e) = frames[depth];
                var descended = false;
                for (; e < offsets[v + 1]; e++)
                {
                    if (shares[e] <= 0)
                    {
                        continue;
                    }

                    var w = neighbours[e];
                    if (index[w] < 0)
                    {
                        frames[depth] = (v, e + 1);
                        frames[++depth] = (w, offsets[w]);
                        index[w] = low[w] = counter++;
                        stack[stackTop++] = w;
                        onStack[w] = true;
                        descended = true;
                        break;
                    }

                    if (onStack[w] && index[w] < low[v])
                    {
                        low[v] = index[w];
                    }
                }

                if (descended)
                {
                    continue;
                }

                if (low[v] == index[v])
                {
                    int w;
                    do
                    {
                        w = stack[--stackTop];
                        onStack[w] = false;
                        component[w] = components;
                    }
                    while (w != v);
                    components++;
                }

                depth--;
                if (depth >= 0)
                {
                    var parent = frames[depth].Node;
                    if (low[v] < low[parent])
                    {
                        low[parent] = low[v];
                    }
                }
            }
        }

        return component;
    }

    /// <summary>Each node's component when that component has two or more nodes (the node lies on a cycle); −1 otherwise.</summary>
    public static int[] OnCycles(CompactGraph graph, CancellationToken cancellationToken = default)
    {
        var component = Compute(graph, cancellationToken);
        var size = new int[graph.NodeCount];
        foreach (var c in component)
        {
            size[c]++;
        }

        for (var v = 0; v < component.Length; v++)
        {
            if (size[component[v]] < 2)
            {
                component[v] = -1;
            }
        }

        return component;
    }
}
