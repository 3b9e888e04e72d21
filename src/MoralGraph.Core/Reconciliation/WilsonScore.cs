namespace MoralGraph.Core.Reconciliation;

/// <summary>The Wilson score interval of a share of votes: low on few votes however unanimous.</summary>
public static class WilsonScore
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The lower bound of the 95 % Wilson interval of <paramref name="successes"/> / <paramref name="trials"/>; 0 without trials.</summary>
    public static double LowerBound(double successes, double trials)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, successes);
        // No successes: the bound is exactly 0 (the formula leaves a rounding residue of about 1e-17).
        if (trials == 0 || successes == 0)
        {
            return 0;
        }

        var p = successes / trials;
        var z2 = Z95 * Z95;
        var centre = p + (z2 / (2 * trials));
        var margin = Z95 * Math.Sqrt((p * (1 - p) / trials) + (z2 / (4 * trials * trials)));
        return Math.Max(0, (centre - margin) / (1 + (z2 / trials)));
    }
}
