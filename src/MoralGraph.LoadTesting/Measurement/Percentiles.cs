namespace MoralGraph.LoadTesting.Measurement;

/// <summary>Percentiles of latencies, by nearest rank: the smallest sample with at least p of the samples at or below it.</summary>
/// <remarks>
/// Nearest rank rather than interpolation so that every figure reported is a latency that was really measured: a p99
/// of 48 ms means one request took 48 ms, not a blend of two.
/// </remarks>
public static class Percentiles
{
    /// <summary>The <paramref name="p"/> percentile (0 &lt; p ≤ 1) of <paramref name="sorted"/>, which must be in ascending order; null when empty.</summary>
    public static double? NearestRank(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(p);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
