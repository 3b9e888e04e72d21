using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Access;
using MoralGraph.Web.Components.Pages;
using MoralGraph.Web.Studies;

namespace MoralGraph.Web.Tests.Components;

public sealed class HomePageTests : BunitTestContext
{
    private readonly FakeStudyCatalog _catalog = new();
    private readonly BunitAuthorizationContext _authorization;

    public HomePageTests()
    {
        Services.AddSingleton<IStudyCatalog>(_catalog);
        Services.AddScoped<StudyListState>();
        _authorization = AddAuthorization();
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
    public void A_visitor_sees_a_card_per_open_study_with_a_take_part_button_and_no_downloads()
    {
        _catalog.Studies.Add(new StudySummary("kindness-check", "When is kindness wise?", StudyPhase.Voting, QuestionCount: 2, EventCount: 40));
        _catalog.Studies.Add(new StudySummary("grief", "Comforting the grieving", StudyPhase.Interviewing, QuestionCount: 1, EventCount: 3));
        _catalog.Studies.Add(new StudySummary("not-yet", "Still a draft", StudyPhase.Draft, QuestionCount: 1, EventCount: 1));
        _catalog.Studies.Add(new StudySummary("over", "Already closed", StudyPhase.Closed, QuestionCount: 1, EventCount: 90));

        var page = Render<Home>();

        var cards = page.FindAll("[data-testid=study-card]");
        Assert.Equal(["When is kindness wise?", "Comforting the grieving"], cards.Select(c => c.QuerySelector("h2")!.TextContent));
        Assert.Equal("/s/kindness-check", cards[0].QuerySelector("a[aria-label='Take part in When is kindness wise?']")!.GetAttribute("href"));
        Assert.Empty(page.FindAll("table"));
        Assert.Empty(page.FindAll("a[download]"));
        // The page speaks to participants first; facilitators get a line after the studies.
        Assert.DoesNotContain("Facilitator", page.Find("[data-testid=home-intro]").TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(page.FindAll("a"), a => a.GetAttribute("href") == FacilitatorSignIn.LoginPath);
    }

    [Fact]
    public void With_no_open_study_a_visitor_is_told_so()
    {
        _catalog.Studies.Add(new StudySummary("over", "Already closed", StudyPhase.Closed, QuestionCount: 1, EventCount: 90));

        var page = Render<Home>();

        Assert.Empty(page.FindAll("[data-testid=study-card]"));
        Assert.Contains("No study is open right now", page.Find("[data-testid=home-none-open]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signed_in_facilitator_without_a_role_in_the_study_sees_no_downloads()
    {
        _catalog.Studies.Add(new StudySummary("kindness-check", "When is kindness wise?", StudyPhase.Voting, QuestionCount: 2, EventCount: 40));
        _authorization.SetAuthorized("ann");

        var page = Render<Home>();

        Assert.Contains("Exports", page.Find("thead").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("a[download]"));
    }

    [Fact]
    public void An_observer_of_a_study_sees_a_download_for_each_format()
    {
        _catalog.Studies.Add(new StudySummary("kindness-check", "When is kindness wise?", StudyPhase.Voting, QuestionCount: 2, EventCount: 40));
        _authorization.SetAuthorized("ann");
        _authorization.SetPolicies(StudyAccess.Observer);

        var page = Render<Home>();

        var row = page.Find("tbody tr");
        Assert.Equal("When is kindness wise?", row.QuerySelector("th[scope=row]")!.TextContent);
        Assert.Contains("voting", row.TextContent, StringComparison.Ordinal);
        var downloads = row.QuerySelectorAll("a[download]");
        Assert.Equal(ExportFormats.All.Count, downloads.Length);
        Assert.Contains(downloads, a => a.GetAttribute("href") == "/api/studies/kindness-check/export?format=csv&profile=default"
            && a.GetAttribute("aria-label") == "Download When is kindness wise? as CSV tables (zip)");
        Assert.Empty(page.FindAll("h2"));
    }
}
