using System.Text.Json.Nodes;
using Bunit;
using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Web.Components.Console;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Studies;
using MoralGraph.Web.Tests.Access;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.Console;

public sealed class ExportsPageTests(ConsoleApp app) : ConsoleComponentTest(app), IClassFixture<ConsoleApp>
{
    [Fact]
    public void The_comparison_lists_values_added_and_removed_and_each_rank_that_moved_per_context()
    {
        var previous = new ExportSummary("default", "sha256:1", "f", [new("a", "Care"), new("b", "Honesty"), new("c", "Courage")],
            [new("grief", "comforting", "When comforting someone", [new("a", 1), new("b", 2), new("c", 3)])]);
        var current = new ExportSummary("default", "sha256:2", "f", [new("a", "Care"), new("b", "Honesty"), new("d", "Patience")],
            [new("grief", "comforting", "When comforting someone", [new("b", 1), new("a", 2), new("d", 3)]), new("work", "feedback", "When giving feedback", [new("d", 1)])]);

        var view = Render<ExportComparisonView>(p => p.Add(c => c.Comparison, ExportComparison.Compare(previous, current)));

        Assert.Equal(["Patience d"], view.FindAll("[data-testid=values-added] li").Select(li => li.TextContent.Trim()));
        Assert.Equal(["Courage c"], view.FindAll("[data-testid=values-removed] li").Select(li => li.TextContent.Trim()));
        Assert.Collection(view.FindAll("[data-testid=rank-context]").Select(h => h.TextContent.Trim()),
            heading => Assert.Equal("grief: When comforting someone", heading),
            heading => Assert.True(heading.StartsWith("work: When giving feedback", StringComparison.Ordinal) && heading.EndsWith("new context", StringComparison.Ordinal), heading));
        Assert.Equal(["up 1", "down 1", "entered", "left", "entered"], view.FindAll("[data-testid=movement]").Select(m => m.TextContent));
    }

    [Fact]
    public void The_same_export_again_says_nothing_changed()
    {
        var summary = new ExportSummary("default", "sha256:1", "f", [new("a", "Care")], []);

        var view = Render<ExportComparisonView>(p => p.Add(c => c.Comparison, ExportComparison.Compare(summary, summary)));

        Assert.NotNull(view.Find("[data-testid=no-change]"));
        Assert.Empty(view.FindAll("[data-testid=rank-change]"));
    }

    [Fact]
    public async Task A_download_is_recorded_by_its_facilitator_and_the_next_visit_compares_with_it()
    {
        var script = await App.StudyAsync("exports-compared", Core.Studies.StudyPhase.Voting);
        var comforting = StudyScript.GriefComforting;
        await App.AppendAsync([.. Enumerable.Range(0, 3).Select(i => script.Vote($"v{i}", script.Value(0), script.Value(1), comforting))]);
        var observer = await App.UserAsync("export-observer", FacilitatorRole.Observer, script.Slug);

        var page = RenderPage<StudyExportsPage>(observer, script.Slug);
        page.WaitForElement("[data-testid=no-previous]", TimeSpan.FromSeconds(30));
        var hash = page.Find("[data-testid=content-hash]").TextContent;
        Assert.StartsWith("sha256:", hash, StringComparison.Ordinal);
        Assert.Equal(StudyLinks.Export(script.Slug, "json", "default"), page.Find("[data-testid=download-json]").GetAttribute("href"));
        page.Find("[data-testid=download-json]").Click();
        page.WaitForElement("[data-testid=recorded]");

        var recorded = (await App.EventsAsync(script.Slug)).OfType<ExportRecorded>().Single();
        Assert.Equal(("json", "export-observer", hash), (recorded.Format, recorded.Actor, recorded.Summary.ContentHash));

        // Enough new votes that value 2 overtakes value 1 where people were comforting someone.
        await App.AppendAsync([.. Enumerable.Range(0, 5).Select(i => script.Vote($"w{i}", script.Value(1), script.Value(2), comforting))]);
        var again = RenderPage<StudyExportsPage>(observer, script.Slug);

        again.WaitForElement("[data-testid=previous]", TimeSpan.FromSeconds(30));
        Assert.Contains($"json export by export-observer", again.Find("[data-testid=previous]").TextContent, StringComparison.Ordinal);
        Assert.NotEqual(hash, again.Find("[data-testid=content-hash]").TextContent);
        Assert.Contains(again.FindAll("[data-testid=rank-change]"), row => row.TextContent.Contains("Honest comfort", StringComparison.Ordinal) && row.TextContent.Contains("entered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_console_builds_the_spec_the_export_endpoint_serves()
    {
        var script = await App.StudyAsync("exports-same", Core.Studies.StudyPhase.Voting);
        await App.AppendAsync([.. Enumerable.Range(0, 3).Select(i => script.Vote($"v{i}", script.Value(3), script.Value(4), StudyScript.WorkFeedback))]);
        var admin = await App.AdministratorAsync();
        using var owner = await App.Factory.OwnerClientAsync();

        var overview = await App.Get<ExportConsole>().OverviewAsync(admin, script.Slug, "default");
        var served = JsonNode.Parse(await owner.GetStringAsync(StudyLinks.Export(script.Slug, "json", "default")))!;

        Assert.Equal(served["contentHash"]!.GetValue<string>(), overview!.Current.ContentHash);
        Assert.Equal(served["algorithm"]!["fingerprint"]!.GetValue<string>(), overview.Current.Fingerprint);
        Assert.Equal(ExportFormats.All.Select(f => f.Name), overview.Downloads.Select(d => d.Format));
    }
}
