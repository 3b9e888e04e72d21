using Bunit;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Components.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Components;
using MoralGraph.Web.Tests.Live;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Console;

/// <summary>The dashboard's bridging figures, from the background reconciliation of a study whose voters form two camps.</summary>
public sealed class BridgingStandingsTests : BunitTestContext
{
    private readonly LiveStore _live = new();
    private readonly StudyScript _script = new();
    private readonly LiveReconciliation _reconciliation;
    private readonly StudyDashboards _dashboards;

    public BridgingStandingsTests()
    {
        _reconciliation = _live.Reconciliation();
        _dashboards = _live.Dashboards(_reconciliation);
    }

    [Fact]
    public async Task The_standings_show_each_groups_support_for_the_winner_and_the_value_that_bridges_best()
    {
        // Camp A (6) holds a wisest, camp B (5) holds b wisest; both call m half right. PageRank: only m→a feeds the
        // ranking ((6 − 5) / 11 > 0), so a wins. Support of a: A 12 of 12, B 0 of 10, so bridging 0; m: A 6 of 12,
        // B 5 of 10, bridging = Wilson lower bound of 5 / 10 = 0.24.
        await TwoCampsAsync();
        var (a, m) = (_script.Value(0), _script.Value(2));
        var standing = await StandingAsync();
        var view = Render<ContextStandingsView>(parameters => parameters.Add(p => p.Standings, [standing]));

        var cell = view.Find("[data-testid=context-standings] tbody tr [data-testid=bridging]");
        Assert.Contains("group 1: 6 · group 2: 5", cell.TextContent, StringComparison.Ordinal);
        var winner = cell.QuerySelector($"li[data-value-id='{a}']")!.TextContent;
        Assert.Contains("(wins): bridging 0.00", winner, StringComparison.Ordinal);
        Assert.Contains("group 1 100 % of 12, group 2 0 % of 10", Squeeze(winner), StringComparison.Ordinal);
        var bridge = cell.QuerySelector($"li[data-value-id='{m}']")!.TextContent;
        Assert.Contains("(bridges best): bridging 0.24", bridge, StringComparison.Ordinal);
        Assert.Contains("group 1 50 % of 12, group 2 50 % of 10", Squeeze(bridge), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bridging_figures_read_in_spanish_with_a_decimal_comma()
    {
        await TwoCampsAsync();
        var standing = await StandingAsync();
        using var spanish = new CultureScope("es");

        var view = Render<ContextStandingsView>(parameters => parameters.Add(p => p.Standings, [standing]));

        var cell = view.Find("[data-testid=context-standings] tbody tr [data-testid=bridging]");
        Assert.Contains("Votantes aquí por grupo: grupo 1: 6 · grupo 2: 5", cell.TextContent, StringComparison.Ordinal);
        Assert.Contains("(gana): puente 0,00", cell.QuerySelector($"li[data-value-id='{_script.Value(0)}']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("(mejor puente): puente 0,24", cell.QuerySelector($"li[data-value-id='{_script.Value(2)}']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Entre grupos de opinión (puente)", view.FindAll("[data-testid=context-standings] thead th")[3].TextContent);
        Assert.Empty(UntranslatedConsoleText.In(view.Find("[data-testid=context-standings]"), "es", StudyWords()));
    }

    [Fact]
    public async Task In_arabic_the_standings_read_right_to_left_with_the_arrow_pointing_left()
    {
        await TwoCampsAsync();
        // One voter of camp B also judges m wiser than a: votes both ways make that edge contested.
        await _live.Log.AppendAsync(_script.Vote("B0", _script.Value(0), _script.Value(2), StudyScript.GriefComforting));
        var standing = await StandingAsync();
        Assert.NotEmpty(standing.Contested);
        using var arabic = new CultureScope("ar");

        var view = Render<ContextStandingsView>(parameters => parameters.Add(p => p.Standings, [standing]));

        var row = view.Find("[data-testid=context-standings] tbody tr");
        Assert.Contains("المجموعة 1: 6 · المجموعة 2: 5", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("(تفوز): التجسير ", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("(أصوات في الاتجاهين)", row.TextContent, StringComparison.Ordinal);
        // Each title isolated, so the right-to-left line reads from the first value (right) to the wiser one (left).
        var edge = row.QuerySelector(".mg-contested-list li")!;
        Assert.Equal(2, edge.QuerySelectorAll("bdi").Length);
        Assert.Contains($"{edge.QuerySelectorAll("bdi")[0].TextContent} ← {edge.QuerySelectorAll("bdi")[1].TextContent}", edge.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("→", row.TextContent, StringComparison.Ordinal);
        Assert.Empty(UntranslatedConsoleText.In(view.Find("[data-testid=context-standings]"), "ar", StudyWords()));
    }

    // Camp A (6 voters) and camp B (5) in one context, as the first test explains.
    private async Task TwoCampsAsync()
    {
        await _live.WithStudyAsync(_script);
        var (a, b, m) = (_script.Value(0), _script.Value(1), _script.Value(2));
        var events = new List<StudyEvent>();

        foreach (var (camp, count) in new[] { ("A", 6), ("B", 5) })
        {
            for (var i = 0; i < count; i++)
            {
                var p = $"{camp}{i}";
                var inA = camp == "A";
                events.AddRange([_script.Join(p), _script.Choose(p),
                    _script.Vote(p, m, a, StudyScript.GriefComforting, inA ? Verdict.Wiser : Verdict.NotWiser),
                    _script.Vote(p, m, b, StudyScript.GriefComforting, inA ? Verdict.NotWiser : Verdict.Wiser),
                    _script.Vote(p, a, b, StudyScript.GriefComforting, inA ? Verdict.NotWiser : Verdict.Wiser)]);
            }
        }

        foreach (var studyEvent in events)
        {
            await _live.Log.AppendAsync(studyEvent);
        }
    }

    private async Task<ContextStanding> StandingAsync()
    {
        await _reconciliation.StartAsync(CancellationToken.None);
        try
        {
            using var results = _live.Broadcaster.Subscribe(_script.Slug, n => n is ReconciliationUpdated);
            _reconciliation.Request(_script.Slug);
            await results.NextAsync<ReconciliationUpdated>();
        }
        finally
        {
            await _reconciliation.StopAsync(CancellationToken.None);
        }

        var dashboard = await _dashboards.BuildAsync(_script.Slug) ?? throw new InvalidOperationException("No dashboard.");
        return Assert.Single(ContextStandings.Of(dashboard));
    }

    private IEnumerable<string> StudyWords() =>
        [.. _script.Study.Questions.SelectMany(q => q.Contexts.Select(c => c.Text).Append(q.Title)), .. _script.Study.SeedValues.Select(v => v.Title)];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _live.Dispose();
        }
    }

    private static string Squeeze(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
}
