using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using MoralGraph.Core.Access;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.Web.Components.Console;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Live;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Console;

/// <summary>
/// Moderation, settings, access, the stories-and-contexts panel and the model-use panel in Spanish and in Arabic: a
/// facilitator who reads only that language finds the headings, buttons, messages and counts in it, and none of the
/// pages' English sentences (the study's own words and the model's outcome sentences stay as written).
/// </summary>
public sealed partial class TranslatedModerationSettingsAccessTests : ConsoleComponentTest, IClassFixture<ConsoleApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public TranslatedModerationSettingsAccessTests(ConsoleApp app)
        : base(app)
    {
        Services.AddScoped(services => new ModerationPageState(app.Get<StudyModeration>(), services.GetRequiredService<IStringLocalizer<ConsoleText>>()));
        Services.AddSingleton(app.Get<StudyDashboards>());
        Services.AddSingleton(app.Get<ContextProposals>());
    }

    [Theory]
    [InlineData("es", "Moderación", "Ocultar", "Todas (3)", "en el valor «Card of p1» con 2 tarjetas más")]
    [InlineData("ar", "الإشراف", "إخفاء", "الكل (3)", "في القيمة «Card of p1» مع بطاقتين أخريين")]
    public async Task The_moderation_page_speaks_the_facilitators_language_and_counts_the_other_cards_in_a_value(
        string language, string heading, string hide, string allFilter, string inValue)
    {
        var slug = $"translated-moderation-{language}";
        var facilitator = await App.UserAsync("tomas-facilitator", FacilitatorRole.Facilitator, slug);
        await ValueOfThreeCardsAsync(slug, facilitator);
        using var _ = new CultureScope(language);

        var page = Render<StudyModerationPage>(parameters => parameters.Add(p => p.Slug, slug)
            .AddCascadingValue(Task.FromResult(new AuthenticationState(facilitator))));
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=moderation-card]").Count), Patience);

        Assert.Equal(heading, page.Find("h1").TextContent.Trim());
        Assert.Equal(allFilter, page.Find("[data-testid=filter-all]").TextContent.Trim());
        var first = page.Find("[data-card-id=card-p1]");
        Assert.Equal(hide, first.QuerySelector("[data-testid=hide-card]")!.TextContent.Trim());
        Assert.Contains(inValue, first.TextContent, StringComparison.Ordinal);

        // Hiding without a reason is refused, and hiding with one is done; both are said beside the card, in the same language.
        page.Find("[data-card-id=card-p1] [data-testid=hide-card]").Click();
        page.WaitForAssertion(() => Assert.StartsWith(language == "es" ? "Indique un motivo de entre 1 y 500 caracteres" : "اذكر سببًا غير فارغ لا يزيد على 500 من الأحرف",
            page.Find("[data-card-id=card-p1] [data-testid=moderation-message]").TextContent.Trim(), StringComparison.Ordinal), Patience);
        page.Find("[data-card-id=card-p1] input[data-testid=card-reason]").Input("off topic");
        page.Find("[data-card-id=card-p1] [data-testid=hide-card]").Click();
        page.WaitForAssertion(() => Assert.Contains(language == "es" ? "La tarjeta está oculta" : "أُخفيت البطاقة",
            page.Find("[data-card-id=card-p1] [data-testid=moderation-message]").TextContent, StringComparison.Ordinal), Patience);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-card-id=card-p1] [data-testid=card-hidden]")), Patience);
        AssertNoEnglishSentence(page.Markup, CardWords());
    }

    [Theory]
    [InlineData("es", "Configuración", "Pasar a la fase de votación", "No se ha guardado: hay 2 problemas que corregir.")]
    [InlineData("ar", "الإعدادات", "الانتقال إلى مرحلة التصويت", "لم يُحفظ: مشكلتان بحاجة إلى إصلاح.")]
    public async Task The_settings_page_names_the_phases_and_counts_the_problems_in_the_facilitators_language(
        string language, string heading, string moveToVoting, string notSaved)
    {
        var slug = $"translated-settings-{language}";
        await App.StudyAsync(slug);
        var owner = await App.UserAsync("olivia-owner", FacilitatorRole.Owner, slug);
        using var _ = new CultureScope(language);

        var page = RenderPage<StudySettingsPage>(owner, slug);
        var yaml = page.WaitForElement("textarea[data-testid=definition-yaml]").TextContent;

        Assert.Equal(heading, page.Find("h1").TextContent.Trim());
        Assert.Equal(moveToVoting, page.Find("[data-testid=phase-voting]").TextContent.Trim());
        Assert.Equal(language == "es" ? "entrevistas" : "المقابلات", page.Find("[data-testid=phase]").TextContent);

        page.Find("textarea[data-testid=definition-yaml]").Input(VoteDrawSize().Replace(yaml.Replace("title: Live check", "title: ''", StringComparison.Ordinal), "voteDrawSize: 0"));
        page.Find("[data-testid=save-definition]").Click();

        page.WaitForAssertion(() => Assert.Equal(["title", "voteDrawSize"], page.FindAll("[data-testid=problem-field]").Select(f => f.TextContent)), Patience);
        Assert.Equal(notSaved, page.Find("[data-testid=settings-message]").TextContent.Trim());
        AssertNoEnglishSentence(page.Markup);
    }

    [Theory]
    [InlineData("es", "Acceso", "Contraseña (al menos 12 caracteres)", "propietario · todos los estudios", "Cuenta nueva-es creada como observador de todos los estudios.")]
    [InlineData("ar", "الوصول", "كلمة المرور (12 حرفًا على الأقل)", "مالك · كل الدراسات", "أُنشئ الحساب nueva-ar بدور مراقب في كل الدراسات.")]
    public async Task The_access_page_names_roles_and_scopes_in_the_facilitators_language(string language, string heading, string password, string ownerChip, string created)
    {
        await App.StudyAsync($"translated-access-{language}");
        var admin = await App.AdministratorAsync();
        using var _ = new CultureScope(language);

        var page = RenderPage<AccessPage>(admin);
        page.WaitForElement("[data-testid=accounts]");

        Assert.Equal(heading, page.Find("h1").TextContent.Trim());
        Assert.Contains(page.FindComponents<MudBlazor.MudTextField<string>>(), field => field.Instance.Label == password);
        var administrator = page.FindAll("[data-testid=account]").Single(row => row.TextContent.Contains(ConsoleApp.Administrator, StringComparison.Ordinal));
        Assert.Contains(ownerChip, administrator.TextContent, StringComparison.Ordinal);

        // An account created with the role chosen (observer of every study, the first choices) is announced in the same language.
        page.Find("input[data-testid=new-username]").Change($"nueva-{language}");
        page.Find("input[data-testid=new-password]").Change("correct horse battery staple");
        page.Find("[data-testid=create-account]").Click();
        page.WaitForAssertion(() => Assert.Equal(created, page.Find("[data-testid=access-message]").TextContent.Trim()), Patience);
        AssertNoEnglishSentence(page.Markup);
    }

    [Theory]
    [InlineData("es", "La definición quita 2 contextos en los que ya se ha votado: grief/comforting, grief/deciding. Mantenlos (su texto puede cambiar).")]
    [InlineData("ar", "يحذف التعريف سياقين أُدليَ فيها بأصوات: grief/comforting, grief/deciding. أبقِها (يمكن تغيير نصّها).")]
    public async Task A_definition_dropping_two_voted_contexts_is_refused_with_the_count_in_the_facilitators_language(string language, string dropped)
    {
        var slug = $"translated-dropped-{language}";
        var script = await App.StudyAsync(slug, StudyPhase.Voting);
        await App.AppendAsync(
            script.Vote("v1", script.Value(0), script.Value(1), StudyScript.GriefComforting),
            script.Vote("v2", script.Value(0), script.Value(1), StudyScript.GriefDeciding));
        var owner = await App.UserAsync("olivia-owner", FacilitatorRole.Owner, slug);
        using var _ = new CultureScope(language);

        var page = RenderPage<StudySettingsPage>(owner, slug);
        var yaml = page.WaitForElement("textarea[data-testid=definition-yaml]").TextContent;
        page.Find("textarea[data-testid=definition-yaml]").Input(yaml.Replace("comforting", "consoling", StringComparison.Ordinal).Replace("deciding", "choosing", StringComparison.Ordinal));
        page.Find("[data-testid=save-definition]").Click();

        // Arabic has a form for two: "سياقين", two contexts.
        page.WaitForAssertion(() => Assert.Equal(dropped, page.Find("[data-testid=problem-message]").TextContent), Patience);
        Assert.Equal("questions", page.Find("[data-testid=problem-field]").TextContent);
    }

    [Theory]
    [InlineData("es", "Una contraseña necesita al menos 12 caracteres.", "Ya existe una cuenta «{0}».")]
    [InlineData("ar", "تحتاج كلمة المرور إلى 12 حرفًا على الأقل.", "يوجد حساب باسم «{0}» بالفعل.")]
    public async Task The_access_page_refuses_a_short_password_and_a_taken_name_in_the_facilitators_language(string language, string tooShort, string taken)
    {
        var admin = await App.AdministratorAsync();
        using var _ = new CultureScope(language);
        var page = RenderPage<AccessPage>(admin);
        page.WaitForElement("[data-testid=accounts]");

        page.Find("input[data-testid=new-username]").Change($"corta-{language}");
        page.Find("input[data-testid=new-password]").Change("short");
        page.Find("[data-testid=create-account]").Click();
        page.WaitForAssertion(() => Assert.Equal(tooShort, page.Find("[data-testid=access-message]").TextContent.Trim()), Patience);

        page.Find("input[data-testid=new-username]").Change(ConsoleApp.Administrator);
        page.Find("input[data-testid=new-password]").Change("correct horse battery staple");
        page.Find("[data-testid=create-account]").Click();
        page.WaitForAssertion(() => Assert.Equal(string.Format(CultureInfo.InvariantCulture, taken, ConsoleApp.Administrator), page.Find("[data-testid=access-message]").TextContent.Trim()), Patience);
    }

    [Theory]
    [InlineData("es", "{0} no puede hacer esto aquí: hace falta ser propietario de todos los estudios.")]
    [InlineData("ar", "لا يحق لـ {0} القيام بهذا هنا: يلزم ملكية جميع الدراسات.")]
    public async Task An_action_the_role_does_not_allow_is_refused_in_the_facilitators_language(string language, string denied)
    {
        // Disabling an account takes ownership of every study; an owner of one study is refused, in their language.
        var slug = $"translated-denied-{language}";
        await App.StudyAsync(slug);
        var owner = await App.UserAsync($"solo-owner-{language}", FacilitatorRole.Owner, slug);
        using var _ = new CultureScope(language);
        var state = new AccessPageState(App.Get<AccessAdministration>(), ConsoleLocalizer.Create());
        await state.LoadAsync(owner);

        Assert.False(await state.DisableAsync(owner, ConsoleApp.Administrator));

        Assert.True(state.Failed);
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, denied, $"solo-owner-{language}"), state.Message);
    }

    [Theory]
    [InlineData("es", "Historias y contextos", "Contextos propuestos (0)", "Ningún contexto espera una decisión.")]
    [InlineData("ar", "القصص والسياقات", "السياقات المقترحة (0)", "لا يوجد سياق بانتظار قرار.")]
    public async Task The_stories_and_contexts_panel_speaks_the_facilitators_language(string language, string heading, string proposed, string nothingPending)
    {
        var slug = $"translated-panel-{language}";
        await App.StudyAsync(slug);
        var facilitator = await App.UserAsync("tomas-facilitator", FacilitatorRole.Facilitator, slug);
        using var _ = new CultureScope(language);

        var panel = Render<AssistedContentPanel>(parameters => parameters.Add(p => p.Slug, slug)
            .AddCascadingValue(Task.FromResult(new AuthenticationState(facilitator))));
        panel.WaitForElement("[data-testid=assisted-content]");

        Assert.Equal(heading, panel.Find("h2").TextContent.Trim());
        Assert.Equal(proposed, panel.Find("h3").TextContent.Trim());
        Assert.Contains(nothingPending, panel.Markup, StringComparison.Ordinal);
        AssertNoEnglishSentence(panel.Markup);
    }

    [Theory]
    [InlineData("es", "360 de 1.000 tokens usados (36 %) con llama3.1:8b", "moderación: fallido — The model did not answer. (a las {15:00:05}, hora UTC)")]
    [InlineData("ar", "استُخدم 360 من {1000} رمز (36٪) مع llama3.1:8b", "الإشراف: فشل — The model did not answer. (الساعة {15:00:05} بتوقيت UTC)")]
    public void The_model_use_panel_formats_tokens_and_jobs_in_the_facilitators_language(string language, string tokens, string job)
    {
        using var _ = new CultureScope(language);
        var view = new ModelUsageView(true, "llama3.1:8b", 360, 1_000, [new CapabilityUsage("interview", 2, 300)],
            [new ModelJobStatus("s", "moderation", ModelJobState.Failed, "The model did not answer.", new DateTimeOffset(2026, 12, 4, 15, 0, 5, TimeSpan.Zero))]);

        var panel = Render<ModelUsagePanel>(parameters => parameters.Add(p => p.View, view));

        // Numbers and times are the culture's own (Spanish groups thousands with a point; Arabic has its own separator and
        // writes 15:00 as 3:00 م); the job's outcome is the model service's sentence, as written.
        var culture = CultureInfo.GetCultureInfo(language);
        tokens = tokens.Replace("{1000}", 1000.ToString("N0", culture), StringComparison.Ordinal);
        job = job.Replace("{15:00:05}", new DateTime(2026, 12, 4, 15, 0, 5, DateTimeKind.Utc).ToString("T", culture), StringComparison.Ordinal);
        Assert.Equal(Normalize(tokens), Normalize(panel.Find("[data-testid=model-use-tokens]").TextContent.Trim()));
        Assert.Equal(language == "es" ? "entrevista" : "المقابلة", panel.Find("[data-testid=model-use-capabilities] tbody td").TextContent);
        Assert.Equal(Normalize(job), Normalize(panel.Find("[data-testid=model-use-jobs] li").TextContent.Trim()));
        AssertNoEnglishSentence(panel.Markup.Replace("The model did not answer.", string.Empty, StringComparison.Ordinal));
    }

    // Three cards in one value: the first card's caption then counts two others.
    private async Task ValueOfThreeCardsAsync(string slug, System.Security.Claims.ClaimsPrincipal facilitator)
    {
        var script = new StudyScript(slug);
        await App.StudyAsync(slug);
        foreach (var participant in new[] { "p1", "p2", "p3" })
        {
            await App.AppendAsync(script.Join(participant), script.Choose(participant), script.Card(participant, $"card-{participant}", $"Card of {participant}"));
        }

        var moderation = App.Get<StudyModeration>();
        var cards = (await moderation.ViewAsync(facilitator, slug))!.Cards;
        var into = cards.Single(c => c.CardId == "card-p1").ValueId;
        foreach (var card in cards.Where(c => c.CardId != "card-p1"))
        {
            await moderation.MergeValuesAsync(facilitator, slug, card.ValueId, into, "the same value");
        }
    }

    // None of the console's English (its resources' wordings, the shared check) shows on the page, but the cards' own words.
    private static void AssertNoEnglishSentence(string markup, IEnumerable<string>? ownWords = null) =>
        Assert.Empty(UntranslatedConsoleText.In(new AngleSharp.Html.Parser.HtmlParser().ParseDocument(markup).DocumentElement, CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, ownWords));

    // What ValueOfThreeCardsAsync's participants wrote (StudyScript.Card): their words, never translated.
    private static IEnumerable<string> CardWords() =>
        new[] { "p1", "p2", "p3" }.SelectMany(p => new[] { $"Card of {p}, described.", $"MOMENTS of card of {p}", $"Card of {p}" });

    // .NET's ICU builds write some spaces as no-break spaces (e.g. Spanish "36 %"): compare the words, not the kind of space.
    private static string Normalize(string text) => text.Replace('\u00a0', ' ').Replace('\u202f', ' ');

    [GeneratedRegex(@"voteDrawSize: \d+")]
    private static partial Regex VoteDrawSize();
}
