namespace MoralGraph.Core.Statistics;

/// <summary>
/// The Wilson score 95 % interval of a share (successes out of trials). Chosen over the normal approximation because it
/// stays inside [0, 1] and is honest on few answers or a unanimous share (8 of 8 gives 0.68–1, not 1–1): studies are
/// small, and their figures are often near 100 %. Written here rather than taken from a statistics package because it is
/// one closed formula and the only statistic of its kind MoralGraph needs.
/// </summary>
/// <param name="Low">Lower bound, in [0, 1].</param>
/// <param name="High">Upper bound, in [0, 1].</param>
public readonly record struct WilsonInterval(double Low, double High)
{
    /// <summary>The two-sided 95 % normal quantile.</summary>
    public const double Z = 1.959963984540054;

    /// <summary>The interval of <paramref name="successes"/> out of <paramref name="trials"/>; null when there are no trials.</summary>
    public static WilsonInterval? Of(int successes, int trials)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        return trials == 0 ? null : Of(successes, (double)trials);
    }

    /// <summary>The interval of <paramref name="successes"/> out of <paramref name="trials"/> (> 0) counted as reals.</summary>
    internal static WilsonInterval Of(double successes, double trials)
    {
        // No successes: the low bound is exactly 0 (the formula leaves a rounding residue of about 1e-17).
        var p = successes / trials;
        var z2 = Z * Z;
        var centre = p + (z2 / (2 * trials));
        var margin = Z * Math.Sqrt((p * (1 - p) / trials) + (z2 / (4 * trials * trials)));
        var scale = 1 + (z2 / trials);
        return new WilsonInterval(successes == 0 ? 0 : Math.Max(0, (centre - margin) / scale), Math.Min(1, (centre + margin) / scale));
    }
}
