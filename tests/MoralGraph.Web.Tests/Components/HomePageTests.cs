using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Components.Pages;
using MoralGraph.Web.Studies;

namespace MoralGraph.Web.Tests.Components;

public sealed class HomePageTests : BunitTestContext
{
    private readonly FakeStudyCatalog _catalog = new();

    public HomePageTests()
    {
        Services.AddSingleton<IStudyCatalog>(_catalog);
        Services.AddScoped<StudyListState>();
    }

    [Fact]
    public void With_no_study_the_page_says_how_to_create_one()
    {
        var page = Render<Home>();

        var guidance = page.Find("h2").ParentElement!.TextContent;
        Assert.Contains("No studies yet", guidance, StringComparison.Ordinal);
        Assert.Contains("moralgraph import studies/dft-2023.yaml", guidance, StringComparison.Ordinal);
        Assert.Contains("moralgraph demo", guidance, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public void A_study_is_listed_by_title_with_a_download_for_each_format()
    {
        _catalog.Studies.Add(new StudySummary("kindness-check", "When is kindness wise?", StudyPhase.Voting, QuestionCount: 2, EventCount: 40));

        var page = Render<Home>();

        var row = page.Find("tbody tr");
        Assert.Equal("When is kindness wise?", row.QuerySelector("th[scope=row]")!.TextContent);
        Assert.Contains("Voting", row.TextContent, StringComparison.Ordinal);
        var downloads = row.QuerySelectorAll("a[download]");
        Assert.Equal(ExportFormats.All.Count, downloads.Length);
        Assert.Contains(downloads, a => a.GetAttribute("href") == "/api/studies/kindness-check/export?format=csv&profile=default"
            && a.GetAttribute("aria-label") == "Download When is kindness wise? as CSV tables (zip)");
        Assert.Empty(page.FindAll("h2"));
    }
}
