using MoralGraph.LoadTesting.Measurement;

namespace MoralGraph.LoadTesting.Tests;

public sealed class PercentilesTests
{
    private static readonly double[] OneToHundred = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

    [Theory]
    [InlineData(0.50, 50)]
    [InlineData(0.95, 95)]
    [InlineData(0.99, 99)]
    [InlineData(1.00, 100)]
    [InlineData(0.001, 1)]
    public void Nearest_rank_gives_a_measured_value(double p, double expected) =>
        Assert.Equal(expected, Percentiles.NearestRank(OneToHundred, p));

    [Theory]
    [InlineData(0.50, 2)]   // ceil(1.5) = 2nd of three
    [InlineData(0.99, 3)]
    [InlineData(0.34, 2)]   // ceil(1.02) = 2nd
    [InlineData(0.33, 1)]   // ceil(0.99) = 1st
    public void Small_samples_round_the_rank_up(double p, double expected) =>
        Assert.Equal(expected, Percentiles.NearestRank([1.0, 2.0, 3.0], p));

    [Fact]
    public void No_samples_give_no_percentile() => Assert.Null(Percentiles.NearestRank([], 0.99));

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    public void A_percentile_outside_0_to_1_is_refused(double p) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(OneToHundred, p));

    [Fact]
    public void A_series_summarizes_latencies_failures_and_refusals_apart()
    {
        var series = new ActionSeries();
        foreach (var ms in new[] { 30.0, 10.0, 20.0 })
        {
            series.Succeeded(TimeSpan.FromMilliseconds(ms));
        }

        series.Failed("HTTP 500", "vote: HTTP 500");
        series.Refused("Refused.ChangedElsewhere");

        var summary = series.Summarize();

        Assert.Equal((3, 1, 20.0, 30.0, 30.0), (summary.Count, summary.Errors, summary.P50Ms, summary.P99Ms, summary.MaxMs));
        Assert.Equal(1, summary.ErrorsByKind["HTTP 500"]);
        Assert.Equal(1, summary.Refusals["Refused.ChangedElsewhere"]);
        Assert.Equal(["vote: HTTP 500"], summary.FirstErrors);
    }

    [Fact]
    public void A_series_keeps_only_the_first_few_messages()
    {
        var series = new ActionSeries();
        for (var i = 0; i < 20; i++)
        {
            series.Failed("timeout", $"attempt {i}");
        }

        var summary = series.Summarize();

        Assert.Equal(20, summary.Errors);
        Assert.Equal(ActionSeries.MessagesKept, summary.FirstErrors.Count);
        Assert.Equal("attempt 0", summary.FirstErrors[0]);
    }
}
