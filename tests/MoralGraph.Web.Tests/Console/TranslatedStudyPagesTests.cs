using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Access;
using MoralGraph.Core.Evaluation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Releases;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Components.Console;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Tests.Live;
using MoralGraph.Web.Tests.Localization;
using MudBlazor;

namespace MoralGraph.Web.Tests.Console;

/// <summary>
/// The exports, releases, evaluate and audit pages in Spanish and Arabic: a facilitator who reads only that language sees
/// its headings, buttons, sentences and counts (with the language's own plural forms), and none of the pages' English.
/// </summary>
public sealed class TranslatedStudyPagesTests : ConsoleComponentTest, IClassFixture<ConsoleApp>
{
    // The pages' own prefixes: other console strings are other pages' and are checked there.

    private static readonly ResourceManager Resources = new("MoralGraph.Web.Resources.ConsoleText", typeof(ConsoleText).Assembly);

    public TranslatedStudyPagesTests(ConsoleApp app)
        : base(app) => Services.AddScoped(_ => new EvaluationPageState(app.Get<EvaluationConsole>()));

    [Theory]
    [InlineData("es", "Exportaciones", "Especificación de alineamiento (JSON)", "5 valores", "Registrada: json por", "Comparada con la exportación json de", "Cambios de posición", "entró")]
    [InlineData("ar", "التصديرات", "مواصفة المواءمة (JSON)", "5 قيم", "سُجِّل: json بواسطة", "مقارنةً بتصدير json الذي أجراه", "تغيّرات الترتيب", "دخل")]
    public async Task The_exports_page_and_its_comparison_speak_the_facilitators_language(
        string language, string heading, string jsonButton, string values, string recorded, string previous, string rankChanges, string entered)
    {
        var script = await App.StudyAsync($"exports-{language}", StudyPhase.Voting);
        await App.AppendAsync([.. Enumerable.Range(0, 3).Select(i => script.Vote($"v{i}", script.Value(0), script.Value(1), StudyScript.GriefComforting))]);
        var observer = await App.UserAsync($"exports-{language}-observer", FacilitatorRole.Observer, script.Slug);
        using var _ = new CultureScope(language);

        var page = RenderPage<StudyExportsPage>(observer, script.Slug);
        page.WaitForElement("[data-testid=no-previous]", TimeSpan.FromSeconds(30));
        Assert.Equal(heading, page.Find("h1").TextContent);
        Assert.Equal(jsonButton, page.Find("[data-testid=download-json]").TextContent.Trim());
        Assert.Contains(values, page.Find("dl").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=download-json]").Click();
        page.WaitForAssertion(() => Assert.StartsWith(recorded, page.Find("[data-testid=recorded]").TextContent, StringComparison.Ordinal));
        AssertNoEnglish(page.Markup, language);

        await App.AppendAsync([.. Enumerable.Range(0, 5).Select(i => script.Vote($"w{i}", script.Value(1), script.Value(2), StudyScript.GriefComforting))]);
        var again = RenderPage<StudyExportsPage>(observer, script.Slug);
        again.WaitForElement("[data-testid=previous]", TimeSpan.FromSeconds(30));

        Assert.StartsWith(previous, again.Find("[data-testid=previous]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains(again.FindAll("h3"), h => h.TextContent == rankChanges);
        Assert.Contains(again.FindAll("[data-testid=movement]"), m => m.TextContent == entered);
        AssertNoEnglish(again.Markup, language);
    }

    [Fact]
    public void An_arabic_comparison_names_its_columns_and_moves_in_arabic()
    {
        using var _ = new CultureScope("ar");
        var previous = new ExportSummary("default", "sha256:1", "f", [new("a", "Care"), new("b", "Honesty"), new("c", "Courage")],
            [new("grief", "comforting", "When comforting someone", [new("a", 1), new("b", 2), new("c", 3)])]);
        var current = new ExportSummary("default", "sha256:2", "f", [new("a", "Care"), new("b", "Honesty"), new("d", "Patience")],
            [new("grief", "comforting", "When comforting someone", [new("b", 1), new("a", 2), new("d", 3)])]);

        var view = Render<ExportComparisonView>(p => p.Add(c => c.Comparison, ExportComparison.Compare(previous, current)));

        Assert.Equal(["القيم المضافة (1)", "القيم المحذوفة (1)", "تغيّرات الترتيب"], view.FindAll("h3").Select(h => h.TextContent));
        Assert.Equal(["القيمة", "قبل", "الآن", "التغيّر"], view.FindAll("th[scope=col]").Select(h => h.TextContent));
        Assert.Equal(["صعد 1", "نزل 1", "دخل", "خرج"], view.FindAll("[data-testid=movement]").Select(m => m.TextContent));
        AssertNoEnglish(view.Markup, "ar");
    }

    [Theory]
    [InlineData("es", "Versiones", "Indica para qué es esta versión.", "Publicar v2", "v1 → en vivo: ", "5 votos")]
    [InlineData("ar", "الإصدارات", "اذكر الغرض من هذا الإصدار.", "نشر v2", "v1 ← الحي: ", "وأُضيفت 5 أصوات")]
    public async Task The_releases_page_publishes_and_compares_in_the_facilitators_language(
        string language, string heading, string noNote, string publishNext, string summaryStart, string votes)
    {
        var script = await App.StudyAsync($"releases-{language}", StudyPhase.Voting);
        await App.AppendAsync([.. Enumerable.Range(0, 3).Select(i => script.Vote($"v{i}", script.Value(0), script.Value(1), StudyScript.GriefComforting))]);
        var facilitator = await App.UserAsync($"releases-{language}-facilitator", FacilitatorRole.Facilitator, script.Slug);
        using var _ = new CultureScope(language);

        var page = RenderPage<StudyReleasesPage>(facilitator, script.Slug);
        page.WaitForElement("[data-testid=no-release]", TimeSpan.FromSeconds(30));
        Assert.Equal(heading, page.Find("h1").TextContent);
        AssertNoEnglish(page.Markup, language);

        // A release without a note is refused, in the facilitator's words.
        page.Find("[data-testid=publish]").Click();
        page.WaitForAssertion(() => Assert.Equal(noNote, page.Find("[data-testid=problem]").TextContent.Trim()));

        page.Find("input[data-testid=note]").Change("First round");
        page.Find("[data-testid=publish]").Click();
        page.WaitForElement("[data-testid=release]", TimeSpan.FromSeconds(30));
        Assert.Equal(publishNext, page.Find("[data-testid=publish]").TextContent.Trim());
        // The date in the language's own pattern, and on the Gregorian calendar the UTC column means.
        var released = (await App.EventsAsync(script.Slug)).OfType<SpecReleased>().Single().ReleasedAt.UtcDateTime;
        Assert.Equal(released.ToString("g", CultureInfo.GetCultureInfo(language)), page.Find("[data-testid=release]").Children[1].TextContent);
        Assert.Contains(released.Year.ToString(CultureInfo.InvariantCulture), page.Find("[data-testid=release]").Children[1].TextContent, StringComparison.Ordinal);

        await App.AppendAsync([.. Enumerable.Range(0, 5).Select(i => script.Vote($"w{i}", script.Value(1), script.Value(2), StudyScript.GriefComforting))]);
        page.Find("[data-testid=compare]").Click();
        page.WaitForElement("[data-testid=diff]", TimeSpan.FromSeconds(30));

        var summary = page.Find("[data-testid=summary]").TextContent.Trim();
        Assert.StartsWith(summaryStart, summary, StringComparison.Ordinal);
        Assert.Contains(votes, summary, StringComparison.Ordinal);
        // The diff below is Core's document, as `moralgraph release diff` writes it: marked as English, and left out here.
        Assert.Equal("en", page.Find("[data-testid=diff]").GetAttribute("lang"));
        AssertNoEnglish(page.Markup, language, except: "[data-testid=diff]");
    }

    [Theory]
    [InlineData("es", "Evaluar un modelo", "Archivo de respuestas", "ninguno", "juzgado", "sin juzgar: verdicts.jsonl line 2")]
    [InlineData("ar", "تقييم نموذج", "ملف الإجابات", "لا شيء", "مُحكَّم", "غير مُحكَّم: verdicts.jsonl line 2")]
    public async Task The_evaluate_page_reports_in_the_facilitators_language(
        string language, string heading, string responsesButton, string noFile, string judged, string unjudged)
    {
        var script = await App.StudyAsync($"evaluate-{language}", StudyPhase.Voting);
        await App.AppendAsync([.. Enumerable.Range(0, 3).Select(i => script.Vote($"v{i}", script.Value(0), script.Value(1), StudyScript.GriefComforting))]);
        await App.AppendAsync([.. Enumerable.Range(0, 3).Select(i => script.Vote($"d{i}", script.Value(1), script.Value(2), StudyScript.GriefDeciding))]);
        var facilitator = await App.UserAsync($"evaluate-{language}-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var cases = EvaluationCase.From((await new StudyReleases(App.Get<StudyStates>(), TimeProvider.System)
            .LiveAsync(script.Slug, ReconciliationProfiles.Find(DefaultProfile.ProfileName)!))!);
        var responses = string.Join("\n", cases.Select(c => JsonSerializer.Serialize(new { questionId = c.QuestionId, contextId = c.ContextId, response = "I would listen first.", model = "m" })));
        var verdicts = string.Join("\n", cases.Select((c, i) => JsonSerializer.Serialize(new
        {
            questionId = c.QuestionId,
            contextId = c.ContextId,
            policies = c.Policies.Skip(i == 0 ? 0 : 1).Select(p => new { index = p.Number, attended = true, quote = "listen first" }),
            redLines = c.RedLines.Select(r => new { id = r.Id, crossed = false }),
        })));
        using var _ = new CultureScope(language);

        var page = RenderPage<StudyEvaluatePage>(facilitator, script.Slug);
        page.WaitForElement("[data-testid=evaluate]", TimeSpan.FromSeconds(30));
        Assert.Equal(heading, page.Find("h1").TextContent);
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == responsesButton);
        Assert.Equal(noFile, page.Find("[data-testid=responses-name]").TextContent);
        // The JSON Lines field names and the command stay as the files and the CLI spell them, as code.
        Assert.Equal(["questionId", "contextId", "response", "model", "questionId", "contextId", "policies", "redLines", "moralgraph evaluate"],
            page.FindAll("p code, .mud-typography code").Select(c => c.TextContent).Take(9));
        AssertNoEnglish(page.Markup, language);

        var uploads = page.FindComponents<InputFile>();
        uploads[0].UploadFiles(InputFileContent.CreateFromText(responses, "responses.jsonl"));
        uploads[1].UploadFiles(InputFileContent.CreateFromText(verdicts, "verdicts.jsonl"));
        page.WaitForAssertion(() => Assert.Equal("verdicts.jsonl", page.Find("[data-testid=verdicts-name]").TextContent), TimeSpan.FromSeconds(10));
        page.Find("[data-testid=evaluate]").Click();
        page.WaitForElement("[data-testid=report]", TimeSpan.FromSeconds(30));

        var contexts = page.FindAll("[data-testid=context]");
        Assert.Equal(judged, contexts[0].Children[2].TextContent);
        // Why a case is unjudged is Core's sentence, naming the file and line; the status before it is translated.
        Assert.StartsWith(unjudged, contexts[1].Children[2].TextContent, StringComparison.Ordinal);
        Assert.Contains(1.0.ToString("P0", CultureInfo.GetCultureInfo(language)), page.FindAll("[data-testid=totals]")[^1].TextContent, StringComparison.Ordinal);
        AssertNoEnglish(page.Markup, language, except: "[data-testid=context] td[title]:not([title=''])");
    }

    [Theory]
    [InlineData("es", "Auditoría", "de {0} eventos de este estudio", "tarjeta card-2 de p2 sobre grief (texto oculto)", "tarjeta ocultada", "2 preguntas", "intacto")]
    [InlineData("ar", "التدقيق", "حدثًا في هذه الدراسة", "البطاقة card-2 من p2 عن grief (النص محجوب)", "إخفاء بطاقة", "سؤالان", "سليم")]
    public async Task The_audit_page_describes_each_event_in_the_facilitators_language(
        string language, string heading, string count, string withheldCard, string hiddenType, string twoQuestions, string intact)
    {
        var slug = $"audit-{language}";
        var total = await ScriptedStudyAsync(slug);
        var observer = await App.UserAsync($"audit-{language}-observer", FacilitatorRole.Observer, slug);
        using var _ = new CultureScope(language);

        var page = RenderPage<StudyAuditPage>(observer, slug);
        page.WaitForAssertion(() => Assert.EndsWith(string.Format(CultureInfo.InvariantCulture, count, total), page.Find("[data-testid=audit-count]").TextContent, StringComparison.Ordinal));
        Assert.Equal(heading, page.Find("h1").TextContent);
        var isolated = page.FindAll("[data-testid=audit-summary]").Select(cell => cell.TextContent.Trim()).ToList();
        // Right to left, each id and title is set apart so its own direction cannot scramble the line; left to right, nothing is.
        Assert.Equal(language == "ar", isolated.Any(s => s.Contains("\u2068card-2\u2069", StringComparison.Ordinal)));
        var summaries = isolated.Select(s => s.Replace("\u2068", string.Empty, StringComparison.Ordinal).Replace("\u2069", string.Empty, StringComparison.Ordinal)).ToList();
        Assert.Contains(withheldCard, summaries);
        Assert.Contains(summaries, s => s.Contains(twoQuestions, StringComparison.Ordinal));
        Assert.Contains(page.FindAll(".mud-chip"), chip => chip.TextContent.Trim() == hiddenType && chip.GetAttribute("title") == "card-hidden");
        Assert.DoesNotContain(HiddenTitle, page.Markup, StringComparison.OrdinalIgnoreCase);

        // Searching finds the words the page shows in this language.
        var search = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == Translated("Audit.Filter.Search", language));
        await page.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync(hiddenType));
        page.WaitForAssertion(() => Assert.Equal([hiddenType], page.FindAll(".mud-chip").Select(chip => chip.TextContent.Trim())));

        page.Find("[data-testid=verify]").Click();
        page.WaitForAssertion(() => Assert.Contains(intact, page.Find("[data-testid=verification]").TextContent, StringComparison.Ordinal));
        AssertNoEnglish(page.Markup, language);
    }

    [Fact]
    public void Every_event_type_phase_verdict_stage_status_format_and_profile_the_pages_show_has_its_words()
    {
        // A type or format added later without its words would show its stored name (or a bare key) on a Spanish page.
        var english = Strings(CultureInfo.InvariantCulture);
        string[] keys =
        [
            .. AuditPageState.TypeChoices.Select(t => $"Audit.Type.{t}"),
            .. Enum.GetNames<StudyPhase>().Select(p => $"Audit.Phase.{p}"),
            .. Enum.GetNames<Core.Voting.Verdict>().Select(v => $"Audit.Verdict.{v}"),
            .. Enum.GetNames<Core.Interview.InterviewRole>().Select(r => $"Audit.Role.{r}"),
            .. Enum.GetNames<Core.Interview.InterviewStage>().Select(s => $"Audit.Stage.{s}"),
            .. Enum.GetNames<CaseStatus>().Select(s => $"Evaluate.Status.{s}"),
            .. ExportFormats.All.Select(f => $"Exports.Format.{f.Name}"),
            .. ExportsPageState.Profiles.Select(p => $"Exports.ProfileName.{p}"),
        ];

        var missing = keys.Where(key => !english.ContainsKey(key)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public async Task Two_facilitators_reading_one_study_in_two_languages_each_get_their_own()
    {
        const string slug = "audit-two-languages";
        await ScriptedStudyAsync(slug);
        var observer = await App.UserAsync("audit-two-languages-observer", FacilitatorRole.Observer, slug);

        var english = RenderPage<StudyAuditPage>(observer, slug);
        english.WaitForAssertion(() => Assert.Contains("card card-2 hidden: dismissive of grief", english.FindAll("[data-testid=audit-summary]").Select(c => c.TextContent.Trim())));
        using var _ = new CultureScope("es");
        var spanish = RenderPage<StudyAuditPage>(observer, slug);

        spanish.WaitForAssertion(() => Assert.Contains("tarjeta card-2 ocultada: dismissive of grief", spanish.FindAll("[data-testid=audit-summary]").Select(c => c.TextContent.Trim())));
    }

    private const string HiddenTitle = "Tell her to move on";

    // The attributes a facilitator reads or hears: labels, tooltips, field values.

    /// <summary>A study with participants' events and moderation; how many events it has.</summary>
    private async Task<int> ScriptedStudyAsync(string slug)
    {
        var script = await App.StudyAsync(slug);
        var facilitator = await App.UserAsync($"{slug}-fay", FacilitatorRole.Facilitator, slug);
        await App.AppendAsync(
            script.Join("p1"), script.Choose("p1"), script.Card("p1", "card-1", "Gentle presence"),
            script.Join("p2"), script.Choose("p2"), script.Card("p2", "card-2", HiddenTitle),
            script.Vote("p1", script.Value(0), script.Value(1), StudyScript.GriefComforting));
        var moderation = App.Get<ModerationService>();
        await moderation.FlagCardAsync(slug, "card-2", "reads as dismissive", "fay");
        await moderation.HideCardAsync(slug, "card-2", "dismissive of grief", "fay");
        await App.Get<StudyAdministration>().ChangePhaseAsync(facilitator, slug, StudyPhase.Voting);
        return (await App.Log.ReadStudyAsync(slug)).Count;
    }

    private static string Translated(string key, string language) => Resources.GetString(key, CultureInfo.GetCultureInfo(language))!;

    /// <summary>No English of the console (the shared check) shows in <paramref name="markup"/>, but in <paramref name="except"/>.</summary>
    private static void AssertNoEnglish(string markup, string language, string? except = null)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(markup);
        foreach (var excepted in except is null ? [] : document.QuerySelectorAll(except).ToList())
        {
            excepted.Remove();
        }

        Assert.Empty(UntranslatedConsoleText.In(document.DocumentElement, language));
    }

    private static Dictionary<string, string> Strings(CultureInfo culture) =>
        Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!.Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
}
