using BenchmarkDotNet.Attributes;
using MoralGraph.Core.Reconciliation;
using QuikGraph;
using QuikGraph.Algorithms.Ranking;

namespace MoralGraph.Benchmarks;

/// <summary>
/// Weighted PageRank on N values with 5 random wiser-than edges each (damping 0.85): the compact CSR kernel the
/// default profile uses, against QuikGraph's own PageRankAlgorithm on the same topology (unweighted, as QuikGraph's is).
/// </summary>
[MemoryDiagnoser]
public class PageRankBenchmarks
{
    private CompactGraph _graph = null!;
    private BidirectionalGraph<int, SEdge<int>> _quikGraph = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Values { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var sources = new int[Values * 5];
        var targets = new int[Values * 5];
        var weights = new double[Values * 5];
        for (var i = 0; i < sources.Length; i++)
        {
            sources[i] = i / 5;
            targets[i] = (sources[i] + 1 + random.Next(Values - 1)) % Values;
            weights[i] = 0.2 + random.NextDouble();
        }

        _graph = CompactGraph.FromEdges(Values, sources, targets, weights);
        if (Values <= 100_000)
        {
            _quikGraph = new BidirectionalGraph<int, SEdge<int>>(allowParallelEdges: true);
            _quikGraph.AddVertexRange(Enumerable.Range(0, Values));
            _quikGraph.AddEdgeRange(sources.Select((s, i) => new SEdge<int>(s, targets[i])));
        }
    }

    [Benchmark(Baseline = true)]
    public double CompactKernel() => new WeightedPageRank(0.85, 1e-10, 1000).Compute(_graph).Ranks[0];

    [Benchmark]
    public double QuikGraphPageRank()
    {
        if (_quikGraph is null)
        {
            return 0; // QuikGraph's object graph at 1M values is left out: building it alone takes longer than the kernel's whole run.
        }

        var algorithm = new PageRankAlgorithm<int, SEdge<int>>(_quikGraph) { Damping = 0.85, Tolerance = 1e-10, MaxIterations = 1000 };
        algorithm.Compute();
        return algorithm.Ranks[0];
    }
}
