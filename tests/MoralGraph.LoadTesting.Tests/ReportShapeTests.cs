using System.Text.Json;
using MoralGraph.LoadTesting.Reporting;

namespace MoralGraph.LoadTesting.Tests;

/// <summary>The report file is an interface users script against: these names are fixed (fields are added, never renamed).</summary>
public sealed class ReportShapeTests
{
    private static LoadReport Sample() => new(
        1000,
        60.2,
        new Dictionary<string, ActionReport>
        {
            ["vote"] = new(3876, 0, 4.1, 12.5, 31.7) { MaxMs = 80.2, Refusals = new Dictionary<string, int> { ["Refused.ChangedElsewhere"] = 12 } },
            ["join"] = new(1000, 0, 6.0, 15.0, 40.0),
        },
        new DashboardLagReport(8.5, 120.3) { Messages = 5000, P95Ms = 60, MaxMs = 300, Resyncs = 0 },
        512.5)
    {
        Study = "demo",
        ThinkTime = "2s..8s",
        Browsers = 10,
        Dashboards = 3,
        Errors = new ErrorReport(0, new Dictionary<string, int>(), []),
    };

    [Fact]
    public void The_report_has_the_fields_the_issue_fixed_by_name()
    {
        using var json = JsonDocument.Parse(Sample().ToJson());
        var root = json.RootElement;

        Assert.Equal(1000, root.GetProperty("participants").GetInt32());
        Assert.Equal(60.2, root.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(512.5, root.GetProperty("serverRssMb").GetDouble());
        var vote = root.GetProperty("actions").GetProperty("vote");
        Assert.Equal(
            ["count", "errors", "p50Ms", "p95Ms", "p99Ms"],
            vote.EnumerateObject().Select(p => p.Name).Take(5).ToArray());
        Assert.Equal(3876, vote.GetProperty("count").GetInt32());
        Assert.Equal(31.7, vote.GetProperty("p99Ms").GetDouble());
        Assert.Equal(8.5, root.GetProperty("dashboardLag").GetProperty("p50Ms").GetDouble());
        Assert.Equal(120.3, root.GetProperty("dashboardLag").GetProperty("p99Ms").GetDouble());
    }

    [Fact]
    public void The_first_fields_come_in_the_issue_s_order_and_action_types_keep_their_names()
    {
        using var json = JsonDocument.Parse(Sample().ToJson());

        Assert.Equal(
            ["participants", "durationSeconds", "actions", "dashboardLag", "serverRssMb"],
            json.RootElement.EnumerateObject().Select(p => p.Name).Take(5).ToArray());
        Assert.Equal(["vote", "join"], json.RootElement.GetProperty("actions").EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void A_report_reads_back_as_written()
    {
        var written = Sample();

        var read = LoadReport.FromJson(written.ToJson())!;

        Assert.Equal(written.ToJson(), read.ToJson());
    }

    [Fact]
    public void An_action_with_no_acknowledgement_has_null_percentiles_not_zeros()
    {
        using var json = JsonDocument.Parse((Sample() with { Actions = new Dictionary<string, ActionReport> { ["vote"] = new(0, 3, null, null, null) } }).ToJson());

        var vote = json.RootElement.GetProperty("actions").GetProperty("vote");
        Assert.Equal(JsonValueKind.Null, vote.GetProperty("p99Ms").ValueKind);
        Assert.Equal(3, vote.GetProperty("errors").GetInt32());
    }

    private static LoadReport TwoInstances() => Sample() with
    {
        Instances =
        [
            new InstanceReport("http://127.0.0.1:5001/", 500, 2) { Vote = new ActionReport(1900, 0, 4.0, 12.0, 30.0), Acknowledged = 9000, Server = new ServerReport(101, 300, 320, 20, 33, 40) },
            new InstanceReport("http://127.0.0.1:5002/", 500, 1) { Vote = new ActionReport(1976, 0, 4.2, 13.0, 33.3), Acknowledged = 9100 },
        ],
        DashboardLagSameInstance = new DashboardLagReport(5, 40) { Messages = 3000 },
        DashboardLagCrossInstance = new DashboardLagReport(12, 480.5) { Messages = 2000, P95Ms = 200, MaxMs = 900 },
        SwitchInstanceShare = 0.1,
        InstanceSwitches = new InstanceSwitchReport(100, 0, 0),
    };

    [Fact]
    public void Several_instances_add_fields_and_keep_the_first_ones()
    {
        using var json = JsonDocument.Parse(TwoInstances().ToJson());
        var root = json.RootElement;

        Assert.Equal(
            ["participants", "durationSeconds", "actions", "dashboardLag", "serverRssMb"],
            root.EnumerateObject().Select(p => p.Name).Take(5).ToArray());
        var instances = root.GetProperty("instances").EnumerateArray().ToList();
        Assert.Equal(["url", "participants", "dashboards", "vote", "acknowledged", "errors", "server"], instances[0].EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(33.3, instances[1].GetProperty("vote").GetProperty("p99Ms").GetDouble());
        Assert.Equal(JsonValueKind.Null, instances[1].GetProperty("server").ValueKind);
        Assert.Equal(480.5, root.GetProperty("dashboardLagCrossInstance").GetProperty("p99Ms").GetDouble());
        Assert.Equal(900, root.GetProperty("dashboardLagCrossInstance").GetProperty("maxMs").GetDouble());
        Assert.Equal(3000, root.GetProperty("dashboardLagSameInstance").GetProperty("messages").GetInt32());
        Assert.Equal(0.1, root.GetProperty("switchInstanceShare").GetDouble());
        Assert.Equal(
            ["participants", "failedActions", "progressMissing", "first"],
            root.GetProperty("instanceSwitches").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(TwoInstances().ToJson(), LoadReport.FromJson(TwoInstances().ToJson())!.ToJson());
    }

    [Fact]
    public void One_instance_leaves_the_split_lag_and_the_switches_null()
    {
        using var json = JsonDocument.Parse(Sample().ToJson());

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("dashboardLagCrossInstance").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("instanceSwitches").ValueKind);
    }

    [Fact]
    public void The_table_gives_each_instance_the_cross_instance_lag_and_the_switches()
    {
        var table = ReportTable.Render(TwoInstances());

        Assert.Contains("cross-instance: p50 12.0 ms, p95 200.0 ms, p99 480.5 ms, max 900.0 ms over 2000 messages; target p99 ≤ 1000 ms met.", table, StringComparison.Ordinal);
        Assert.Contains("Instance http://127.0.0.1:5002/: 500 participants, 1 dashboards, 9100 actions acknowledged, 0 errors; votes 1976, p50 4.2 ms, p95 13.0 ms, p99 33.3 ms; process not found.", table, StringComparison.Ordinal);
        Assert.Contains("target p99 ≤ 1000 ms NOT met.", ReportTable.Render(TwoInstances() with { DashboardLagCrossInstance = new DashboardLagReport(400, 1000.1) { Messages = 10 } }), StringComparison.Ordinal);
        Assert.Contains("Instance switches (share 0.1): 100 participants carried on on another instance; 0 of their actions failed after, 0 found their progress missing.", table, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_has_a_row_per_action_and_the_dashboard_lag()
    {
        var table = ReportTable.Render(Sample());

        Assert.Contains("api      vote            3876      0      4.1     12.5     31.7     80.2  Refused.ChangedElsewhere ×12", table, StringComparison.Ordinal);
        Assert.Contains("Dashboard lag (event time → hub message): p50 8.5 ms", table, StringComparison.Ordinal);
        Assert.Contains("Errors: none.", table, StringComparison.Ordinal);
    }
}
