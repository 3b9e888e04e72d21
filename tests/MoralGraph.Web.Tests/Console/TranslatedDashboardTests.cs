using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using MoralGraph.Web.Components.Console;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Components;
using MoralGraph.Web.Tests.Live;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Console;

/// <summary>
/// The live dashboard for a facilitator reading Spanish or Arabic: every heading, caption, figure and count in that
/// language with its plural forms, and no English of the console's left on it (the study's own words stay as written).
/// </summary>
public sealed class TranslatedDashboardTests : BunitTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly LiveStore _live = new();
    private readonly StudyScript _script = new();
    private readonly LiveReconciliation _reconciliation;
    private readonly StudyDashboards _dashboards;

    public TranslatedDashboardTests()
    {
        _reconciliation = _live.Reconciliation();
        _dashboards = _live.Dashboards(_reconciliation);
        Services.AddScoped(_ => new StudyDashboardState(_dashboards, _reconciliation));
        Services.AddSingleton(new ModelUsageReport(Microsoft.Extensions.Options.Options.Create(new MoralGraph.LanguageModels.Configuration.LanguageModelOptions()), _live.States));
    }

    [Fact]
    public async Task A_spanish_facilitator_reads_the_whole_dashboard_in_spanish()
    {
        var dashboard = await ReconciledStudyAsync();
        using var language = new CultureScope("es");

        var view = Render<StudyDashboardView>(parameters => parameters.Add(p => p.Dashboard, dashboard));

        Assert.Equal(["Embudo", "Tarjetas (2)", "Votos", "Conciliación", "Legitimidad", "Grafo moral"], Headings(view));
        Assert.Equal("entrevistas", view.Find("[data-testid=phase]").TextContent.Trim());
        Assert.Equal("Participantes por paso (4 se unieron, 1 se retiró)", view.Find("[data-testid=funnel] caption").TextContent.Trim());
        Assert.Equal(["Consentimiento", "Pregunta", "Entrevista", "Tarjeta de valores", "Votación", "Encuesta", "Terminado"], view.FindAll("[data-testid=funnel] tbody th").Select(th => th.TextContent));
        Assert.StartsWith("La conciliación 1, a las ", view.Find("[data-testid=reconciliation-status]").TextContent, StringComparison.Ordinal);
        Assert.Contains("UTC, contó 3 votos. Al día.", view.Find("[data-testid=reconciliation-status]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Oculta: nombra a una persona", view.Find("[data-card-id=card-p1]").TextContent, StringComparison.Ordinal);
        Assert.StartsWith("3 de 3 participantes respondieron la encuesta.", view.Find("[data-testid=legitimacy-summary]").TextContent.Trim(), StringComparison.Ordinal);
        // The share in Spanish writing: a decimal comma.
        Assert.Equal("66,7%", view.Find("[data-statement=represented-by-process] [data-testid=statement-share]").TextContent.Trim());
        Assert.Equal("Se sintieron bien representados por el proceso", view.Find("[data-statement=represented-by-process] th").TextContent);
        Assert.Equal("Aceptaron participar", view.Find("[data-step=joined] th").TextContent);
        Assert.Contains("(2 votantes, conciliación 1 a las ", view.Find("[data-testid=graph-ranking] caption").TextContent, StringComparison.Ordinal);
        Assert.StartsWith("Grafo moral de «When comforting someone»: 3 valores y 2 aristas «más sabio que»", view.Find("[data-testid=graph-canvas]").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Empty(UntranslatedConsoleText.In(view.Find(".mg-dashboard"), "es", StudyWords()));
    }

    [Fact]
    public async Task An_arabic_facilitator_reads_the_whole_dashboard_in_arabic_with_its_dual_forms()
    {
        var dashboard = await ReconciledStudyAsync();
        using var language = new CultureScope("ar");

        var view = Render<StudyDashboardView>(parameters => parameters.Add(p => p.Dashboard, dashboard));

        Assert.Equal(["مسار المشاركة", "البطاقات (2)", "الأصوات", "التوفيق", "الشرعية", "المخطط الأخلاقي"], Headings(view));
        Assert.Equal("المقابلات", view.Find("[data-testid=phase]").TextContent.Trim());
        Assert.Equal("المشاركون في كل خطوة (انضم 4 مشاركين، انسحب واحد منهم)", view.Find("[data-testid=funnel] caption").TextContent.Trim());
        // Two voters and two edges take Arabic's dual, not a number before a plural noun.
        Assert.Contains("(مصوّتان، عملية التوفيق 1 في الساعة ", view.Find("[data-testid=graph-ranking] caption").TextContent, StringComparison.Ordinal);
        Assert.Contains("3 قيم ورابطان «أحكم من»", view.Find("[data-testid=graph-canvas]").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Contains("أحصت عملية التوفيق رقم 1", view.Find("[data-testid=reconciliation-status]").TextContent, StringComparison.Ordinal);
        Assert.Equal("رأوا أن المخطط الأخلاقي منصف", view.Find("[data-statement=graph-fair] th").TextContent);
        Assert.Empty(UntranslatedConsoleText.In(view.Find(".mg-dashboard"), "ar", StudyWords()));
    }

    [Fact]
    public async Task The_check_for_english_finds_the_consoles_english_on_an_english_dashboard()
    {
        var dashboard = await ReconciledStudyAsync();
        using var language = new CultureScope("en");

        var view = Render<StudyDashboardView>(parameters => parameters.Add(p => p.Dashboard, dashboard));

        // What the Spanish and Arabic tests rely on: the same view in English is full of the console's English.
        var english = UntranslatedConsoleText.In(view.Find(".mg-dashboard"), "es", StudyWords());
        Assert.Contains("Dashboard.Funnel: Funnel", english);
        Assert.Contains("Legitimacy.Statement.graph-fair: Thought the moral graph fair", english);
        Assert.Contains("Graph.Summary: wiser-than edges", english);
        Assert.Contains("Dashboard.Funnel.CaptionWithdrawn: withdrew", english);
    }

    [Fact]
    public async Task The_dashboard_page_and_its_empty_states_speak_the_facilitators_language()
    {
        await _live.WithStudyAsync(_script);
        using var language = new CultureScope("es");

        var page = Render<StudyDashboardPage>(parameters => parameters.Add(p => p.Slug, _script.Slug));
        page.WaitForElement("[data-testid=dashboard-title]", Patience);

        Assert.Equal("Panel", page.Find("h1").TextContent);
        Assert.Equal("Todavía no hay tarjetas.", page.Find("[data-testid=no-cards]").TextContent);
        Assert.Equal("Todavía no hay clasificación: aparece cuando llegan los votos y se ha ejecutado la conciliación en segundo plano.", page.Find("[data-testid=standings-empty]").TextContent);
        Assert.Equal("Nadie ha votado todavía en este contexto.", page.Find("[data-testid=graph-empty]").TextContent);
        Assert.Empty(UntranslatedConsoleText.In(page.Find(".mg-dashboard"), "es", StudyWords()));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _live.Dispose();
        }
    }

    private static List<string> Headings(IRenderedComponent<StudyDashboardView> view) =>
        [.. view.FindAll("h2").Select(h => string.Join(' ', h.TextContent.Split(default(char[]), StringSplitOptions.RemoveEmptyEntries)))];

    // The study's own words, which no translation touches.
    private IEnumerable<string> StudyWords() =>
        [
            .. _script.Study.Questions.SelectMany(q => q.Contexts.Select(c => c.Text).Append(q.Title)),
            .. _script.Study.SeedValues.SelectMany(v => new[] { v.Title, v.Description }),
            "Quiet company", "Plain words",
        ];

    // Four join (one withdraws), two vote in one context and a third answers the survey on another question; a card is hidden, a merge
    // waits, and the background reconciliation has run once.
    private async Task<StudyDashboard> ReconciledStudyAsync()
    {
        await _live.WithStudyAsync(_script);
        var (a, b, c) = (_script.Value(0), _script.Value(1), _script.Value(2));
        StudyEvent[] events =
        [
            _script.Join("p1"), _script.Choose("p1"), _script.Card("p1", "card-p1", "Quiet company"),
            _script.Vote("p1", a, b, StudyScript.GriefComforting), _script.Vote("p1", b, c, StudyScript.GriefComforting),
            _script.Survey("p1", ("represented-by-process", 5), ("graph-fair", 4)),
            _script.Join("p2"), _script.Choose("p2"), _script.Card("p2", "card-p2", "Plain words"),
            _script.Vote("p2", a, b, StudyScript.GriefComforting), _script.Survey("p2", ("represented-by-process", 1)),
            _script.Join("p3"), _script.Choose("p3", StudyScript.Work), _script.Survey("p3", ("represented-by-process", 4), ("graph-fair", 2)),
            _script.Join("p4"), _script.Withdraw("p4"),
            _script.Hide("card-p1", "nombra a una persona"), _script.Propose(a, c),
        ];
        foreach (var studyEvent in events)
        {
            await _live.Log.AppendAsync(studyEvent);
        }

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
        Assert.NotNull(dashboard.Graph);
        return dashboard;
    }
}
