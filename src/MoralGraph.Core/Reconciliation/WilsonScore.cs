namespace MoralGraph.Core.Reconciliation;

/// <summary>The lower bound of the Wilson score interval of a share of votes (<see cref="Statistics.WilsonInterval"/>): low on few votes however unanimous.</summary>
public static class WilsonScore
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = Statistics.WilsonInterval.Z;

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

        return Statistics.WilsonInterval.Of(successes, trials).Low;
    }
}
