using System.Text.Json;
using MoralGraph.LoadTesting.Reporting;
using Xunit.Abstractions;

namespace MoralGraph.LoadTesting.Tests;

/// <summary>
/// The short form of the load and crash-proof runs, through the command as a user types it, against the real
/// app on loopback: a load of 100 participants for 10 s with one browser and one dashboard, a chaos run of three
/// SIGKILL rounds, and a short load over two instances. All run in this one class, so one after the other: the machine
/// has two cores.
/// </summary>
[Collection(RealServers.Name)]
public sealed class LoadRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_load_run_acknowledges_votes_without_errors_and_writes_the_report_shape()
    {
        await using var sandbox = await ServerSandbox.CreateAsync();
        await sandbox.StartAsync();
        var reportPath = Path.Combine(sandbox.Folder, "report.json");

        var (exitCode, printed, error) = await sandbox.RunCliAsync(ServerSandbox.Password + "\n",
            "load", "--url", sandbox.Url, "--study", ServerSandbox.Slug, "--participants", "100", "--duration", "10s", "--think-time", "50ms..200ms",
            "--browsers", "1", "--dashboards", "1", "--facilitator", ServerSandbox.Facilitator, "--report", reportPath);

        output.WriteLine(printed);
        output.WriteLine(error);
        Assert.True(exitCode == 0, $"exit code {exitCode}: {error}\n{printed}\n--- server ---\n{sandbox.Log}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath));
        var root = report.RootElement;
        Assert.Equal(100, root.GetProperty("participants").GetInt32());
        // It stops by itself: the 10 s run plus the browser's last step, which on a 2-core machine busy with the rest of
        // the suite took 36 s once; a run that did not stop would be the test's timeout, not a minute.
        Assert.InRange(root.GetProperty("durationSeconds").GetDouble(), 9.5, 60);
        Assert.True(root.GetProperty("serverRssMb").GetDouble() > 0);
        var lag = root.GetProperty("dashboardLag");
        Assert.True(lag.GetProperty("p50Ms").GetDouble() >= 0 && lag.GetProperty("p99Ms").GetDouble() >= lag.GetProperty("p50Ms").GetDouble());
        var actions = root.GetProperty("actions");
        // The survey comes last and may not be reached in 10 s on a busy machine (the whole suite runs beside this test).
        foreach (var type in new[] { "join", "me", "interview", "confirm", "items", "vote" })
        {
            var action = actions.GetProperty(type);
            Assert.True(action.GetProperty("count").GetInt32() > 0, $"no {type} was acknowledged");
            Assert.Equal(0, action.GetProperty("errors").GetInt32());
            foreach (var percentile in new[] { "p50Ms", "p95Ms", "p99Ms" })
            {
                Assert.True(action.GetProperty(percentile).GetDouble() > 0, $"{type}.{percentile}");
            }
        }

        Assert.Equal(0, root.GetProperty("errors").GetProperty("total").GetInt32());
        Assert.Equal(1, root.GetProperty("browserActions").GetProperty("join").GetProperty("count").GetInt32());
        Assert.True(root.GetProperty("circuits").GetProperty("perCircuitKb").ValueKind == JsonValueKind.Number);
        Assert.Contains("api      vote", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_kill_rounds_lose_no_acknowledged_action_and_leave_a_store_that_verifies_and_replays()
    {
        await using var sandbox = await ServerSandbox.CreateAsync();
        var reportPath = Path.Combine(sandbox.Folder, "chaos.json");

        var (exitCode, printed, error) = await sandbox.RunCliAsync(string.Empty,
            "load", "--url", sandbox.Url, "--study", ServerSandbox.Slug, "--participants", "100", "--think-time", "50ms..150ms", "--ramp-up", "2s",
            "--chaos", "kill", "--rounds", "3", "--kill-every", "3s", "--server-command", sandbox.StartCommand, "--report", reportPath);

        output.WriteLine(printed);
        output.WriteLine(error);
        Assert.True(File.Exists(reportPath), $"exit code {exitCode}, no report: {error}\n{printed}");
        var chaos = LoadReport.FromJson(await File.ReadAllTextAsync(reportPath))!.Chaos!;
        Assert.Equal(3, chaos.Rounds);
        Assert.Equal(3, chaos.RecoveryMs.Count);
        Assert.Equal(0, chaos.LostAcknowledgedActions);
        Assert.True(chaos.ChainVerified, string.Join('\n', chaos.StoreChecks));
        Assert.True(chaos.StateEqualsReplay, string.Join('\n', chaos.StoreChecks));
        Assert.Empty(chaos.InconsistentAnswers);
        Assert.True(chaos.Acknowledged["vote"] > 0 && chaos.Acknowledged["join"] > 0, "Nothing was acknowledged: the load did not run.");

        // The same checks as the commands, on the store the harness read.
        var verify = await sandbox.RunCliAsync(string.Empty, "audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
        var replay = await sandbox.RunCliAsync(string.Empty, "audit", "replay");
        Assert.True(replay.ExitCode == 0, replay.Error);
    }

    [Fact]
    public async Task A_short_load_over_two_instances_spreads_participants_and_dashboards_and_counts_the_switchers()
    {
        // Two instances with a store each (each seeds the same study): they share nothing, so this checks the spread and
        // the switch's bookkeeping, not what one instance sees of the other's writes.
        await using var first = await ServerSandbox.CreateAsync();
        await using var second = await ServerSandbox.CreateAsync();
        await Task.WhenAll(first.StartAsync(), second.StartAsync());
        var reportPath = Path.Combine(first.Folder, "two-instances.json");

        var (exitCode, printed, error) = await first.RunCliAsync(ServerSandbox.Password + "\n",
            "load", "--url", first.Url, "--url", second.Url, "--study", ServerSandbox.Slug, "--participants", "20", "--duration", "6s", "--ramp-up", "1s",
            "--think-time", "20ms..60ms", "--switch-instance-share", "0.5", "--dashboards", "2", "--facilitator", ServerSandbox.Facilitator, "--report", reportPath);

        output.WriteLine(printed);
        output.WriteLine(error);
        Assert.True(File.Exists(reportPath), $"exit code {exitCode}, no report: {error}\n{printed}");
        var report = LoadReport.FromJson(await File.ReadAllTextAsync(reportPath))!;
        Assert.Equal([first.Url + "/", second.Url + "/"], report.Instances.Select(i => i.Url));
        Assert.Equal([10, 10], report.Instances.Select(i => i.Participants));
        Assert.Equal([1, 1], report.Instances.Select(i => i.Dashboards));
        Assert.All(report.Instances, i => Assert.True(i.Vote is { Count: > 0, P99Ms: > 0 }, $"no vote acknowledged by {i.Url}"));
        Assert.All(report.Instances, i => Assert.True(i.Server is { Pid: > 0, RssMb: > 0 }, $"{i.Url}'s process was not sampled"));
        Assert.Equal(report.Instances[0].Server, report.Server);

        // Every switcher's first request on the other instance carries a token that instance never issued: one failure
        // each, counted as the switch's, and the run ends with findings.
        var switches = report.InstanceSwitches!;
        Assert.True(switches.Participants > 0, "nobody reached the switch (after the card) in 6 s");
        Assert.Equal(switches.Participants, switches.FailedActions);
        Assert.Equal(0, switches.ProgressMissing);
        Assert.Equal(switches.FailedActions, report.Errors.Total);
        Assert.Equal(2, exitCode);
        Assert.Contains("Instance switches (share 0.5)", printed, StringComparison.Ordinal);

        // Each dashboard hears only its own instance's store.
        Assert.True(report.DashboardLagSameInstance!.Messages > 0);
        Assert.Equal(0, report.DashboardLagCrossInstance!.Messages);
    }

    [Fact]
    public async Task With_two_instances_the_kill_rounds_take_turns_and_every_instance_is_restarted_and_stopped()
    {
        // No participants: the two instances have a store each, and the check reads the primary's (--db); what this
        // proves is the supervision of several servers — one command each, one killed per round, all stopped at the end.
        await using var first = await ServerSandbox.CreateAsync();
        await using var second = await ServerSandbox.CreateAsync();
        var reportPath = Path.Combine(first.Folder, "two-instances-chaos.json");

        var (exitCode, printed, error) = await first.RunCliAsync(string.Empty,
            "load", "--url", first.Url, "--url", second.Url, "--study", ServerSandbox.Slug, "--participants", "0",
            "--chaos", "kill", "--rounds", "2", "--kill-every", "500ms", "--server-command", first.StartCommand, "--server-command", second.StartCommand,
            "--report", reportPath);

        output.WriteLine(printed);
        output.WriteLine(error);
        Assert.True(exitCode == 0, $"exit code {exitCode}: {error}\n{printed}");
        var report = LoadReport.FromJson(await File.ReadAllTextAsync(reportPath))!;
        var chaos = report.Chaos!;
        Assert.Equal([first.Url + "/", second.Url + "/"], chaos.KilledInstances);
        Assert.Equal(2, chaos.RecoveryMs.Count);
        Assert.True(chaos.ChainVerified && chaos.StateEqualsReplay, string.Join('\n', chaos.StoreChecks));
        Assert.Contains(chaos.StoreChecks, c => c.Contains($"{ServerSandbox.Slug}: restored from", StringComparison.Ordinal));
        Assert.All(report.Instances, i => Assert.True(i.Server is { Pid: > 0 }, $"{i.Url}'s process was not sampled"));
        Assert.Equal(2, printed.Split("stopped gracefully").Length - 1);
    }
}
