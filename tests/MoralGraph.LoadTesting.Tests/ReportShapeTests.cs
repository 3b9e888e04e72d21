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

    [Fact]
    public void The_table_has_a_row_per_action_and_the_dashboard_lag()
    {
        var table = ReportTable.Render(Sample());

        Assert.Contains("api      vote            3876      0      4.1     12.5     31.7     80.2  Refused.ChangedElsewhere ×12", table, StringComparison.Ordinal);
        Assert.Contains("Dashboard lag (event time → hub message): p50 8.5 ms", table, StringComparison.Ordinal);
        Assert.Contains("Errors: none.", table, StringComparison.Ordinal);
    }
}
