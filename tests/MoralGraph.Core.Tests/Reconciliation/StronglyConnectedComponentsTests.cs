using MoralGraph.Core.Reconciliation;
using QuikGraph;
using QuikGraph.Algorithms.ConnectedComponents;

namespace MoralGraph.Core.Tests.Reconciliation;

public class StronglyConnectedComponentsTests
{
    [Fact]
    public void Agrees_with_QuikGraph_on_random_graphs()
    {
        var random = new Random(99);
        for (var trial = 0; trial < 200; trial++)
        {
            var n = random.Next(1, 40);
            var edges = Enumerable.Range(0, random.Next(0, 3 * n)).Select(_ => (From: random.Next(n), To: random.Next(n))).ToArray();
            var graph = CompactGraph.FromEdges(n, edges.Select(e => e.From).ToArray(), edges.Select(e => e.To).ToArray(), edges.Select(_ => 1.0).ToArray());

            var ours = StronglyConnectedComponents.Compute(graph);

            var quik = new AdjacencyGraph<int, SEdge<int>>();
            quik.AddVertexRange(Enumerable.Range(0, n));
            quik.AddEdgeRange(edges.Select(e => new SEdge<int>(e.From, e.To)));
            var oracle = new StronglyConnectedComponentsAlgorithm<int, SEdge<int>>(quik);
            oracle.Compute();
            for (var a = 0; a < n; a++)
            {
                for (var b = 0; b < n; b++)
                {
                    Assert.Equal(oracle.Components[a] == oracle.Components[b], ours[a] == ours[b]);
                }
            }
        }
    }

    [Fact]
    public void Zero_weight_edges_do_not_close_a_cycle()
    {
        var graph = CompactGraph.FromEdges(3, [0, 1, 2], [1, 2, 0], [1.0, 1.0, 0.0]);
        Assert.All(StronglyConnectedComponents.OnCycles(graph), c => Assert.Equal(-1, c));
    }

    [Fact]
    public void A_long_chain_closed_into_a_ring_does_not_overflow_the_stack()
    {
        const int n = 300_000;
        var sources = Enumerable.Range(0, n).ToArray();
        var targets = Enumerable.Range(0, n).Select(i => (i + 1) % n).ToArray();
        var components = StronglyConnectedComponents.OnCycles(CompactGraph.FromEdges(n, sources, targets, Enumerable.Repeat(1.0, n).ToArray()));

        Assert.All(components, c => Assert.Equal(components[0], c));
        Assert.True(components[0] >= 0);
    }
}
