using MoralGraph.Core.Reconciliation;

namespace MoralGraph.Core.Tests.Reconciliation;

public class WeightedPageRankTests
{
    // Oracle: the stationary vector of this graph solved exactly (Gaussian elimination over rationals,
    // an independent method from power iteration): r = (I − dM − d/N·1·sinksᵀ)⁻¹ (1−d)/N.
    private static readonly double[] ExactRanks = [0.3566967544731663, 0.14566171830348276, 0.36717543129852626, 0.04459763786941898, 0.08586845805540576];

    private static CompactGraph OracleGraph() => CompactGraph.FromEdges(5, [0, 0, 1, 2, 3, 1], [1, 2, 2, 0, 2, 4], [1, 2, 1, 1, 1, 0.5]);

    [Fact]
    public void Defaults_are_the_textbook_ones()
    {
        var pageRank = new WeightedPageRank();
        Assert.Equal(0.85, pageRank.Damping);
        Assert.Equal(DanglingRankPolicy.Redistribute, pageRank.DanglingPolicy);
        Assert.True(pageRank.MaxIterations > 0);
    }

    [Theory]
    [InlineData(-0.01, 1e-9, 10)]
    [InlineData(1.01, 1e-9, 10)]
    [InlineData(double.NaN, 1e-9, 10)]
    [InlineData(0.85, -1e-9, 10)]
    [InlineData(0.85, 1e-9, 0)]
    public void Knobs_out_of_range_are_refused(double damping, double tolerance, int maxIterations)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new WeightedPageRank(damping, tolerance, maxIterations));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Damping_at_its_bounds_is_allowed(double damping)
    {
        var result = new WeightedPageRank(damping, 1e-12, 10_000).Compute(OracleGraph());
        Assert.Equal(1.0, result.Ranks.Sum(), 9);
    }

    [Fact]
    public void Matches_the_exact_stationary_vector()
    {
        var result = new WeightedPageRank(0.85, 1e-14, 10_000).Compute(OracleGraph());

        for (var i = 0; i < ExactRanks.Length; i++)
        {
            Assert.Equal(ExactRanks[i], result.Ranks[i], 10);
        }

        Assert.Equal(1.0, result.Ranks.Sum(), 12);
        Assert.True(result.Iterations < 10_000);
    }

    [Fact]
    public void Discarding_sinks_leaks_rank_as_MAI_did()
    {
        var result = new WeightedPageRank(0.85, 0, 100, DanglingRankPolicy.Discard).Compute(OracleGraph());

        Assert.Equal(100, result.Iterations);
        Assert.True(result.Ranks.Sum() < 1.0);
    }

    [Fact]
    public void The_parallel_path_gives_the_same_ranks_as_the_serial_one()
    {
        const int n = 5_000;
        var random = new Random(3);
        var sources = Enumerable.Range(0, 4 * n).Select(i => i % n).ToArray();
        var targets = sources.Select(_ => random.Next(n)).ToArray();
        var weights = sources.Select(_ => random.NextDouble()).ToArray();
        var graph = CompactGraph.FromEdges(n, sources, targets, weights);

        var serial = new WeightedPageRank(0.85, 1e-13, 10_000) { ParallelThreshold = int.MaxValue }.Compute(graph);
        var parallel = new WeightedPageRank(0.85, 1e-13, 10_000) { ParallelThreshold = 1 }.Compute(graph);

        Assert.Equal(serial.Iterations, parallel.Iterations);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(serial.Ranks[i], parallel.Ranks[i], 12);
        }
    }

    [Fact]
    public void Edges_naming_unknown_nodes_or_negative_weights_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactGraph.FromEdges(2, [0], [2], [1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactGraph.FromEdges(2, [0], [1], [-1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactGraph.FromEdges(2, [0], [1], [double.NaN]));
    }

    [Fact]
    public void Cancellation_is_checked_between_iterations()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => new WeightedPageRank().Compute(OracleGraph(), cancelled.Token));
    }
}
