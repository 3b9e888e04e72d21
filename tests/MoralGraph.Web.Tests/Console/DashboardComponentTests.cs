using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Components.Console;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Components;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.Console;

/// <summary>The live dashboard's components over a scripted study in the live pieces as the app wires them.</summary>
public sealed class DashboardComponentTests : BunitTestContext
{
    // The first read of a study loads it from LiteDB, which a cold test process takes its time over.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly LiveStore _live = new();
    private readonly StudyScript _script = new();
    private readonly LiveReconciliation _reconciliation;
    private readonly StudyDashboards _dashboards;

    public DashboardComponentTests()
    {
        _reconciliation = _live.Reconciliation();
        _dashboards = _live.Dashboards(_reconciliation);
        Services.AddScoped(_ => new StudyDashboardState(_dashboards, _reconciliation));
        Services.AddSingleton(new ModelUsageReport(Microsoft.Extensions.Options.Options.Create(new MoralGraph.LanguageModels.Configuration.LanguageModelOptions()), _live.States));
    }

    [Fact]
    public async Task A_card_confirmed_while_the_dashboard_is_open_appears_on_it_newest_first()
    {
        await _live.WithStudyAsync(_script);
        await AppendAsync(_script.Join("p1"), _script.Choose("p1"), _script.Card("p1", "card-p1", "Quiet company"));
        var page = Render<StudyDashboardPage>(parameters => parameters.Add(p => p.Slug, _script.Slug));
        page.WaitForAssertion(() => Assert.Equal(["Quiet company"], Titles(page)), Patience);

        await AppendAsync(_script.Join("p2"), _script.Choose("p2"), _script.Card("p2", "card-p2", "Plain words"));

        page.WaitForAssertion(() => Assert.Equal(["Plain words", "Quiet company"], Titles(page)), Patience);
        Assert.Equal("2", page.Find("[data-testid=cards-total]").TextContent.Trim());
        Assert.Equal("2", page.Find("[data-testid=participants-joined]").TextContent.Trim());
    }

    [Fact]
    public async Task The_legitimacy_section_shows_agreement_as_text_with_counts_and_intervals_and_links_the_report()
    {
        await _live.WithStudyAsync(_script);
        var (drawn, items) = _script.Draw("p1", (_script.Value(0), _script.Value(1), StudyScript.GriefComforting));
        await AppendAsync(
            _script.Join("p1"), _script.Choose("p1"), _script.Card("p1", "card-p1", "Quiet company"), drawn, _script.Vote("p1", items[0]),
            _script.Survey("p1", ("represented-by-process", 5), ("graph-fair", 4)),
            _script.Join("p2"), _script.Choose("p2"), _script.Survey("p2", ("represented-by-process", 2), ("graph-fair", 5)),
            _script.Join("p3"), _script.Choose("p3", StudyScript.Work), _script.Survey("p3", ("represented-by-process", 4)),
            _script.Join("p4"), _script.Choose("p4"), _script.Survey("p4", ("represented-by-process", 1)), _script.Withdraw("p4"));

        var view = RenderView(await BuildAsync());

        // Represented: p1 5, p2 2, p3 4 (p4 withdrew) → 2 of 3, Wilson 20.8%–93.9%. Fair: p1 4, p2 5 → 2 of 2, 34.2%–100.0%.
        var section = view.Find("[data-testid=legitimacy]");
        Assert.Equal(("2 of 3", "66.7%", "20.8%–93.9%"), Row(section, "represented-by-process"));
        Assert.Equal(("2 of 2", "100.0%", "34.2%–100.0%"), Row(section, "graph-fair"));
        Assert.Equal(("0 of 0", "—", "—"), Row(section, "trust-process"));
        Assert.Contains("Felt well represented by the process", section.QuerySelector("[data-statement=represented-by-process] th")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(
            [("joined", "3"), ("choseQuestion", "3"), ("interviewed", "0"), ("confirmedCard", "1"), ("voted", "1"), ("answeredSurvey", "3")],
            section.QuerySelectorAll("[data-testid=legitimacy-steps] tbody tr").Select(row => (row.GetAttribute("data-step")!, Cell(row, "step-participants"))));
        // Per question: Grief p1 5, p2 2 → 1 of 2 (9.5%–90.5%); Work p3 4 → 1 of 1.
        var grief = section.QuerySelector($"[data-testid=legitimacy-questions] [data-question={StudyScript.Grief}]")!.TextContent;
        Assert.Contains("Grief", grief, StringComparison.Ordinal);
        Assert.Contains("50.0% (1 of 2; 9.5%–90.5%)", grief, StringComparison.Ordinal);
        Assert.Contains("3 of 3 participants answered the survey", section.QuerySelector("[data-testid=legitimacy-summary]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/api/studies/{_script.Slug}/legitimacy?format=html", section.QuerySelector("[data-testid=legitimacy-html]")!.GetAttribute("href"));

        static (string, string, string) Row(AngleSharp.Dom.IElement section, string statement) =>
            section.QuerySelector($"[data-testid=legitimacy-statements] [data-statement={statement}]") is { } row
                ? (Cell(row, "statement-agreed"), Cell(row, "statement-share"), Cell(row, "statement-interval"))
                : default;
    }

    [Fact]
    public async Task The_dashboard_page_stops_following_the_study_when_it_goes()
    {
        await _live.WithStudyAsync(_script);
        var page = Render<StudyDashboardPage>(parameters => parameters.Add(p => p.Slug, _script.Slug));
        page.WaitForAssertion(() => Assert.Equal(1, _dashboards.WatcherCount(_script.Slug)), Patience);

        page.Instance.Dispose();

        Assert.Equal(0, _dashboards.WatcherCount(_script.Slug));
    }

    [Fact]
    public async Task The_funnel_shows_who_is_at_each_step_and_who_got_that_far()
    {
        await _live.WithStudyAsync(_script);
        await AppendAsync(
            _script.Join("p1"),
            _script.Join("p2"), _script.Choose("p2"),
            _script.Join("p3"), _script.Choose("p3"), _script.ReachReview("p3"),
            _script.Join("p4"), _script.Choose("p4"), _script.Card("p4", "card-p4", "Room to grieve"),
            _script.Join("p5"), _script.Withdraw("p5"));
        _live.Presence.Report("circuit-1", _script.Slug, "p4", MoralGraph.Core.Participation.JourneyStep.Voting);
        _live.Presence.Report("circuit-2", _script.Slug, null, MoralGraph.Core.Participation.JourneyStep.Consent);

        var view = RenderView(await BuildAsync());

        Assert.Equal(
            [("Consent", "0", "4", "1"), ("Question", "1", "4", "0"), ("Interview", "1", "3", "0"), ("Card", "1", "2", "0"), ("Voting", "1", "1", "1"), ("Survey", "0", "0", "0"), ("Done", "0", "0", "0")],
            view.FindAll("[data-testid=funnel] tbody tr").Select(row => (
                row.GetAttribute("data-step")!, Cell(row, "funnel-at"), Cell(row, "funnel-reached"), Cell(row, "funnel-online"))));
        Assert.Contains("5 joined, 1 withdrew", view.Find("[data-testid=funnel] caption").TextContent, StringComparison.Ordinal);
        // The visitor still reading the consent page is not "online" as a participant; the dashboard says where they are.
        Assert.Equal("1", view.Find("[data-testid=participants-online]").TextContent.Trim());
        Assert.Equal("+1 reading the consent page", view.Find("[data-testid=on-consent-page]").TextContent.Trim());
        Assert.Equal("4", view.Find("[data-testid=participants-joined]").TextContent.Trim());
    }

    [Fact]
    public async Task Votes_per_context_and_the_merge_proposals_waiting_are_counted()
    {
        await _live.WithStudyAsync(_script);
        var (a, b, c) = (_script.Value(0), _script.Value(1), _script.Value(2));
        await AppendAsync(
            _script.Join("p1"), _script.Choose("p1"),
            _script.Vote("p1", a, b, StudyScript.GriefComforting), _script.Vote("p1", b, c, StudyScript.GriefComforting, Verdict.NotWiser),
            _script.Vote("p1", a, c, StudyScript.GriefDeciding, Verdict.Unsure),
            _script.Propose(a, b));

        var view = RenderView(await BuildAsync());

        Assert.Equal("3", view.Find("[data-testid=vote-total]").TextContent.Trim());
        Assert.Equal(["2", "1", "0"], view.FindAll("[data-testid=context-votes]").Select(cell => cell.TextContent.Trim()));
        Assert.Equal("1", view.Find("[data-testid=pending-merges]").TextContent.Trim());
        Assert.Equal("interviewing", view.Find("[data-testid=phase]").TextContent.Trim());
    }

    [Fact]
    public async Task Hidden_and_flagged_cards_are_marked_in_the_feed()
    {
        await _live.WithStudyAsync(_script);
        await AppendAsync(
            _script.Join("p1"), _script.Choose("p1"), _script.Card("p1", "card-p1", "Shared memories"),
            _script.Join("p2"), _script.Choose("p2"), _script.Card("p2", "card-p2", "Gentle questions"),
            _script.Hide("card-p1", "names a person"), _script.Flag("card-p2", "check wording"));

        var view = RenderView(await BuildAsync());

        var cards = view.FindAll("[data-testid=dashboard-card]");
        Assert.Contains("Hidden: names a person", cards.Single(c => c.GetAttribute("data-card-id") == "card-p1").TextContent, StringComparison.Ordinal);
        Assert.Contains("Flagged: check wording", cards.Single(c => c.GetAttribute("data-card-id") == "card-p2").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_standings_show_each_contexts_leaders_with_their_first_place_share_and_its_contested_edges()
    {
        await _live.WithStudyAsync(_script);
        var (a, b, c) = (_script.Value(0), _script.Value(1), _script.Value(2));
        var events = new List<StudyEvent>();
        for (var i = 1; i <= 4; i++)
        {
            events.AddRange([_script.Join($"p{i}"), _script.Choose($"p{i}"), _script.Vote($"p{i}", a, b, StudyScript.GriefComforting)]);
        }

        // One person the other way: the edge between the first two values is contested.
        events.Add(_script.Vote("p1", b, a, StudyScript.GriefComforting));
        events.Add(_script.Vote("p2", a, c, StudyScript.GriefComforting));
        await AppendAsync([.. events]);
        await _reconciliation.StartAsync(CancellationToken.None);
        try
        {
            using var results = _live.Broadcaster.Subscribe(_script.Slug, n => n is ReconciliationUpdated);
            _reconciliation.Request(_script.Slug);
            await results.NextAsync<ReconciliationUpdated>();

            var dashboard = await BuildAsync();
            var standing = Assert.Single(ContextStandings.Of(dashboard));
            var view = Render<ContextStandingsView>(parameters => parameters.Add(p => p.Standings, [standing]));

            Assert.Equal(StudyScript.GriefComforting, standing.Context);
            Assert.Equal(dashboard.Reconciliation!.Graph(StudyScript.Grief, StudyScript.Comforting)!.Ranking[0].ValueId, standing.Leaders[0].ValueId);
            Assert.Equal(3, standing.ValueCount);
            var row = view.Find("[data-testid=context-standings] tbody tr");
            var first = row.QuerySelectorAll("ol li")[0].TextContent;
            Assert.Contains(standing.Leaders[0].Title, first, StringComparison.Ordinal);
            Assert.Matches(@"\(\d+ %\)", first);
            Assert.NotEmpty(standing.Contested);
            Assert.Equal(standing.Contested.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), view.Find("[data-testid=contested-count]").TextContent.Trim());
            Assert.Contains("votes both ways", row.TextContent, StringComparison.Ordinal);
        }
        finally
        {
            await _reconciliation.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Before_the_first_reconciliation_the_standings_say_so()
    {
        await _live.WithStudyAsync(_script);

        var view = RenderView(await BuildAsync());

        Assert.Empty(ContextStandings.Of(await BuildAsync()));
        Assert.NotNull(view.Find("[data-testid=standings-empty]"));
        Assert.NotNull(view.Find("[data-testid=graph-empty]"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _live.Dispose();
        }
    }

    private IRenderedComponent<StudyDashboardView> RenderView(StudyDashboard dashboard) =>
        Render<StudyDashboardView>(parameters => parameters.Add(p => p.Dashboard, dashboard));

    private static List<string> Titles(IRenderedComponent<StudyDashboardPage> page) =>
        [.. page.FindAll("[data-testid=dashboard-card] h3").Select(title => title.TextContent.Trim())];

    private static string Cell(AngleSharp.Dom.IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    private async Task AppendAsync(params StudyEvent[] events)
    {
        foreach (var studyEvent in events)
        {
            await _live.Log.AppendAsync(studyEvent);
        }
    }

    private async Task<StudyDashboard> BuildAsync() =>
        await _dashboards.BuildAsync(_script.Slug) ?? throw new InvalidOperationException("No dashboard.");
}
