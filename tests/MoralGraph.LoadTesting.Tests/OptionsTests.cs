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

        Assert.Equal(9, problems.Count);
        Assert.Contains(problems, p => p.Contains("--dashboards needs --facilitator", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("needs --server-command", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("needs the store (--db)", StringComparison.Ordinal));
    }

    private static readonly LoadRunOptions TwoInstances = new()
    {
        Url = new Uri("http://127.0.0.1:5001/"),
        OtherUrls = [new Uri("http://127.0.0.1:5002/")],
        Study = "s",
    };

    [Fact]
    public void Several_loopback_instances_are_accepted_the_first_being_the_primary()
    {
        Assert.Empty(TwoInstances.Validate());
        Assert.Equal(["http://127.0.0.1:5001/", "http://127.0.0.1:5002/"], TwoInstances.Urls.Select(u => u.ToString()));
        Assert.Empty((TwoInstances with { SwitchInstanceShare = 1, ServerPids = [10, 11] }).Validate());
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void A_switch_share_outside_0_to_1_is_refused(double share) =>
        Assert.Contains("--switch-instance-share", Assert.Single((TwoInstances with { SwitchInstanceShare = share }).Validate()), StringComparison.Ordinal);

    [Fact]
    public void Each_instance_is_checked_and_problems_of_several_instances_are_named()
    {
        var problems = (TwoInstances with { OtherUrls = [new Uri("http://10.0.0.2:5002/"), new Uri("http://127.0.0.1:5001/")], ServerPids = [1, 2] }).Validate();

        Assert.Equal(3, problems.Count);
        Assert.Contains("--url http://10.0.0.2:5002/ is not a loopback address.", problems);
        Assert.Contains("--url names the same instance twice.", problems);
        Assert.Contains("--server-pid is given 2 times for 3 --url: give one per instance, in the same order, or none.", problems);
    }

    [Fact]
    public void Switching_needs_a_second_instance()
    {
        var problems = (TwoInstances with { OtherUrls = [], SwitchInstanceShare = 0.2 }).Validate();

        Assert.Equal("--switch-instance-share needs a second --url: there is no other instance to switch to.", Assert.Single(problems));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void With_the_chaos_mode_there_is_one_server_command_per_instance(int commands, bool refused)
    {
        var chaos = new ChaosOptions("start 1", TimeSpan.FromSeconds(3), 2, "/tmp/x.db")
        {
            OtherServerCommands = [.. Enumerable.Range(2, commands - 1).Select(i => $"start {i}")],
            OpenStore = () => throw new InvalidOperationException("not opened in this test"),
        };

        var problems = (TwoInstances with { Chaos = chaos }).Validate();

        Assert.Equal(refused ? [$"--server-command is given {commands} times for 2 --url: with --chaos kill, give one per instance, in the same order."] : [], problems);
    }

    [Fact]
    public void One_server_pid_still_stands_for_the_only_instance()
    {
        var options = new LoadRunOptions { Url = new Uri("http://127.0.0.1/"), Study = "s", ServerPid = 42 };

        Assert.Equal([42], options.EffectiveServerPids);
        Assert.Empty(options.Validate());
        Assert.Contains("--server-pid is given 1 times for 2 --url", Assert.Single((TwoInstances with { ServerPid = 42 }).Validate()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--switch-instance-share 1.5", "--switch-instance-share 1.5 is outside 0–1.")]
    [InlineData("--chaos kill --server-command a", "--server-command is given 1 times for 2 --url")]
    [InlineData("--server-pid 1 --server-pid 2 --server-pid 3", "--server-pid is given 3 times for 2 --url")]
    [InlineData("--url http://10.0.0.9:5003", "--url http://10.0.0.9:5003 is not on this machine")]
    public async Task The_command_reads_several_urls_and_refuses_what_does_not_fit_them_before_sending_anything(string more, string expected)
    {
        var error = new StringWriter();

        var exitCode = await MoralGraph.Cli.MoralGraphCli.RunAsync(
            ["load", "--url", "http://127.0.0.1:1", "--url", "http://127.0.0.1:2", "--study", "demo", "--duration", "1s", .. more.Split(' ')],
            new StringWriter(), error, new StringReader(string.Empty));

        Assert.Equal(1, exitCode);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
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
