using MoralGraph.LoadTesting.Harness;

namespace MoralGraph.LoadTesting.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("2s..8s", 2000, 8000)]
    [InlineData("500ms..1.5s", 500, 1500)]
    [InlineData("3s", 3000, 3000)]
    [InlineData(" 1m .. 2m ", 60000, 120000)]
    public void Think_times_read_a_range_or_one_duration(string text, double min, double max)
    {
        var thinkTime = ThinkTime.Parse(text);

        Assert.Equal((min, max), (thinkTime.Min.TotalMilliseconds, thinkTime.Max.TotalMilliseconds));
    }

    [Theory]
    [InlineData("8s..2s")]
    [InlineData("2..8")]
    [InlineData("2s..8s..9s")]
    [InlineData("-1s")]
    [InlineData("fast")]
    public void Bad_think_times_are_refused(string text) => Assert.Throws<FormatException>(() => ThinkTime.Parse(text));

    [Fact]
    public void A_think_time_stays_within_its_range()
    {
        var thinkTime = ThinkTime.Parse("2s..8s");
        var random = new Random(5);

        var pauses = Enumerable.Range(0, 1000).Select(_ => thinkTime.Next(random)).ToList();

        Assert.All(pauses, pause => Assert.InRange(pause, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8)));
        Assert.True(pauses.Max() - pauses.Min() > TimeSpan.FromSeconds(5), "The pauses do not spread over the range.");
    }

    [Fact]
    public void Every_problem_with_the_options_is_listed()
    {
        var options = new LoadRunOptions
        {
            Url = new Uri("http://10.0.0.1/"),
            Study = " ",
            Participants = LoadRunOptions.MaxParticipants + 1,
            Duration = TimeSpan.FromHours(2),
            Dashboards = 2,
            Chaos = new ChaosOptions("", TimeSpan.FromMilliseconds(10), 0, "/tmp/x.db"),
        };

        var problems = options.Validate();

        Assert.Equal(8, problems.Count);
        Assert.Contains(problems, p => p.Contains("--dashboards needs --facilitator", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("needs --server-command", StringComparison.Ordinal));
    }

    [Fact]
    public void The_ramp_up_is_a_third_of_the_run_at_most_ten_seconds()
    {
        var options = new LoadRunOptions { Url = new Uri("http://127.0.0.1/"), Study = "s" };

        Assert.Equal(TimeSpan.FromSeconds(10), options.EffectiveRampUp);
        Assert.Equal(TimeSpan.FromSeconds(3), (options with { Duration = TimeSpan.FromSeconds(9) }).EffectiveRampUp);
        Assert.Equal(TimeSpan.FromSeconds(1), (options with { RampUp = TimeSpan.FromSeconds(1) }).EffectiveRampUp);
    }
}
