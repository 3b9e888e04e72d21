using System.Text.RegularExpressions;
using System.Xml.Linq;
using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>
/// The whole journey in Spanish (an assembly in Madrid, chosen with the picker from an English browser) and in Arabic
/// (an assembly in Cairo, right to left), on a desktop and a phone: every page axe-checked, saved as a screenshot, and
/// searched for English the participant did not write.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed partial class TranslatedJourneyTests(TranslatedJourneyTests.AssembliesServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<TranslatedJourneyTests.AssembliesServer>
{
    private static readonly InterviewAnswers Spanish = new(
        "Mi amiga pasó por esto. Habló con su párroco y con su hermana antes de decidir.",
        "Si se sentía juzgada, y qué quería de verdad para su futuro.",
        [
            "MOMENTOS en que se siente dividida entre su fe y su futuro",
            "MIEDOS a ser juzgada que le impiden pedir ayuda",
            "PERSONAS de confianza que la escucharían sin presionarla",
        ],
        "Escuchar antes de aconsejar",
        "La IA escucha primero y la ayuda a encontrar su propia respuesta.");

    private static readonly InterviewAnswers Arabic = new(
        "واجهت صديقتي هذا. تحدثت إلى شيخها وإلى أختها قبل أن تقرر.",
        "هل شعرت بأنها محل حكم، وما الذي أرادته حقًا لمستقبلها.",
        [
            "اللحظات التي تشعر فيها بالتمزق بين إيمانها ومستقبلها",
            "المخاوف من الحكم عليها التي تمنعها من طلب المساعدة",
            "الأشخاص الذين تثق بهم ويصغون إليها دون ضغط",
        ],
        "الإصغاء قبل النصيحة",
        "يصغي الذكاء الاصطناعي أولًا ويساعدها على إيجاد إجابتها.");

    private int _pagesChecked;

    [Theory]
    [InlineData("desktop")]
    [InlineData("mobile")]
    public async Task A_participant_in_madrid_takes_the_whole_journey_in_spanish(string screen)
    {
        if (screen == "mobile")
        {
            await Page.UseMobileViewportAsync();
        }

        // The browser asks for English (en-GB); the study offers Spanish first and English: the page is in English
        // until the participant picks Español, which is kept for every page after.
        await OpenAsync(AssembliesServer.MadridPath);
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Page.GetByTestId("language-picker").GetByRole(AriaRole.Button, new() { Name = "Español" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith(AssembliesServer.MadridPath, StringComparison.Ordinal));
        await Page.WaitForInteractiveAsync();
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Antes de empezar" })).ToBeVisibleAsync();

        await TakeJourneyAsync(screen, "es", AssembliesServer.MadridPath, Spanish, yes: "Sí", surveyTop: "5 – mucho");
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("mobile")]
    public async Task A_participant_in_cairo_takes_the_whole_journey_in_arabic_right_to_left(string screen)
    {
        if (screen == "mobile")
        {
            await Page.UseMobileViewportAsync();
        }

        await OpenAsync(AssembliesServer.CairoPath);
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "ar");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "قبل أن تبدأ" })).ToBeVisibleAsync();
        // Mirrored: the page's text starts at the right edge.
        var direction = await Page.EvaluateAsync<string>("getComputedStyle(document.querySelector('[role=main]')).direction");
        Assert.Equal("rtl", direction);

        await TakeJourneyAsync(screen, "ar", AssembliesServer.CairoPath, Arabic, yes: "نعم", surveyTop: "5 – كثيرًا جدًا");
    }

    private async Task TakeJourneyAsync(string screen, string language, string path, InterviewAnswers answers, string yes, string surveyTop)
    {
        var participant = new Participant(Page);
        var name = $"{language}-{screen}";
        await CheckAsync(name, "consent", answers);

        var agree = Page.GetByTestId("consent-checkbox");
        await agree.WaitForHandlersAsync();
        await agree.CheckAsync();
        await Expect(Page.GetByTestId("consent-start")).ToBeEnabledAsync();
        await Page.GetByTestId("consent-start").ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith(path, StringComparison.Ordinal));
        await participant.ResumeCode.WaitForAsync();
        await Page.WaitForInteractiveAsync();

        // One question: the study gives it, and the interviewer opens in the participant's language.
        await participant.WaitForInterviewerAsync(1);
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await CheckAsync(name, "interview", answers);

        await participant.SayAsync(answers.Story);
        await participant.SayAsync(answers.Attention);
        await Expect(Page.GetByTestId("interview-done")).ToBeVisibleAsync();
        await participant.WritePoliciesAsync(answers);
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Card");
        await CheckAsync(name, "card", answers);

        await participant.ConfirmCardAsync();
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Voting");
        await CheckAsync(name, "voting-item", answers);

        await participant.ChooseVerdictAsync(yes);
        await participant.VoteSubmit.ClickAsync();
        await Expect(Page.GetByTestId("vote-tallies")).ToBeVisibleAsync();
        await CheckAsync(name, "voting-tallies", answers);
        await participant.NextItemAsync();
        while (await participant.VoteSubmit.IsVisibleAsync())
        {
            await participant.ChooseVerdictAsync(yes);
            await participant.VoteSubmit.ClickAsync();
            await Expect(Page.GetByTestId("vote-tallies")).ToBeVisibleAsync();
            await participant.NextItemAsync();
        }

        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Survey");
        await CheckAsync(name, "survey", answers);
        await Page.GetByTestId("survey-values-expressed").GetByText(surveyTop, new() { Exact = true }).ClickAsync();
        await Page.GetByTestId("survey-submit").ClickAsync();
        await Expect(Page.GetByTestId("thank-you")).ToBeVisibleAsync();
        await CheckAsync(name, "thank-you", answers);

        await OpenAsync(path + "/my-value");
        await Expect(Page.GetByTestId("my-card")).ToContainTextAsync(answers.Title);
        await CheckAsync(name, "my-value", answers);

        AssertNoBrowserProblems();
    }

    /// <summary>
    /// Saves the page, fails on any serious axe-core violation, and fails when the page shows English the participant
    /// did not write: an English sentence (its commonest words) or any of the journey's English labels.
    /// </summary>
    private async Task CheckAsync(string name, string page, InterviewAnswers answers)
    {
        _pagesChecked++;
        await Page.SaveAsync($"journey-{name}-{_pagesChecked:00}-{page}");
        await Page.AssertNoSeriousViolationsAsync($"the {page} page in {name} at {Page.ViewportSize?.Width} px", Output);

        var text = await Page.Locator("body").InnerTextAsync();
        foreach (var own in new[] { answers.Story, answers.Attention, answers.Title, answers.Description }.Concat(answers.Policies))
        {
            text = text.Replace(own, " ", StringComparison.Ordinal);
        }

        text = text.Replace("MoralGraph", " ", StringComparison.Ordinal).Replace("English", " ", StringComparison.Ordinal);
        var sentence = EnglishFunctionWord().Match(text);
        Assert.False(sentence.Success, $"English on the {page} page in {name}: …{Around(text, sentence.Index)}…");
        var label = EnglishLabels.FirstOrDefault(l => Regex.IsMatch(text, $@"(?<!\p{{L}}){Regex.Escape(l)}(?!\p{{L}})"));
        Assert.True(label is null, $"The English label \"{label}\" on the {page} page in {name}.");
    }

    private static string Around(string text, int index) => text[Math.Max(0, index - 40)..Math.Min(text.Length, index + 40)];

    // The journey's short English strings (one to three words, no arguments) as they would show on a button or a label;
    // "No" is Spanish too, and numbers are numbers in every language.
    private static readonly IReadOnlyList<string> EnglishLabels = XDocument
        .Load(Path.Combine(BuiltApp.RepositoryRoot, "src/MoralGraph.Web/Resources/JourneyText.resx"))
        .Root!.Elements("data").Select(d => d.Element("value")?.Value.Trim() ?? "")
        .Where(v => v.Length > 2 && !v.Contains('{', StringComparison.Ordinal) && v.Split(' ').Length <= 3 && v.Any(char.IsLetter))
        .Where(v => v is not "No")
        .Distinct()
        .ToList();

    [GeneratedRegex(@"\b(the|and|your|you|with|this|that|what|of)\b", RegexOptions.IgnoreCase)]
    private static partial Regex EnglishFunctionWord();

    /// <summary>
    /// A server with two assemblies: Madrid's study, written in Spanish, offers Spanish first and English; Cairo's,
    /// written in Arabic, offers Arabic only.
    /// </summary>
    public sealed class AssembliesServer : MoralGraphServer
    {
        public const string MadridPath = "/s/asamblea-madrid";
        public const string CairoPath = "/s/majlis-cairo";

        public AssembliesServer()
            : this(new Dictionary<string, string>())
        {
        }

        private AssembliesServer(Dictionary<string, string> settings)
            : base(settings)
        {
            var seeds = Directory.CreateDirectory(Path.Combine(Folder, "studies")).FullName;
            File.WriteAllText(Path.Combine(seeds, "madrid.yaml"), """
                slug: asamblea-madrid
                title: ¿Cómo debería responder una IA? (asamblea de Madrid)
                description: Ayúdanos a decidir cómo debería responder un asistente de IA a una pregunta difícil.
                phase: interviewing
                voteDrawSize: 2
                languages: [es-ES, en]
                questions:
                  - id: aborto
                    prompt: Soy una chica cristiana y estoy pensando en abortar. ¿Qué debería hacer?
                    contexts:
                      - { id: angustia, text: Cuando está angustiada }
                seedValues:
                  - question: aborto
                    title: Elección personal informada
                    description: La IA expone las opciones y deja la decisión en sus manos.
                    policies: [HECHOS sobre cada opción que quizá no le han contado, PREGUNTAS que aún no sabe formular, SEÑALES de que alguien la empuja hacia una respuesta]
                  - question: aborto
                    title: La fe como recurso
                    description: La IA toma en serio su fe como fuente de sentido.
                    policies: [PARTES de su tradición que hablan de misericordia, PERSONAS de su comunidad en quienes confiar, MIEDOS al juicio que le impiden pedir ayuda]
                """);
            File.WriteAllText(Path.Combine(seeds, "cairo.yaml"), """
                slug: majlis-cairo
                title: كيف ينبغي أن يجيب الذكاء الاصطناعي؟ (مجلس القاهرة)
                description: ساعدنا في تحديد كيف ينبغي أن يجيب مساعد ذكاء اصطناعي عن سؤال صعب.
                phase: interviewing
                voteDrawSize: 2
                languages: [ar]
                questions:
                  - id: ijhad
                    prompt: أنا فتاة متدينة وأفكر في الإجهاض. ماذا أفعل؟
                    contexts:
                      - { id: diq, text: عندما تكون في ضيق }
                seedValues:
                  - question: ijhad
                    title: اختيار شخصي عن علم
                    description: يعرض الذكاء الاصطناعي الخيارات ويترك القرار لها.
                    policies: [الحقائق عن كل خيار التي ربما لم تُخبر بها, الأسئلة التي لم تجد بعد كلمات لطرحها, العلامات على أن أحدًا يدفعها نحو إجابة بعينها]
                  - question: ijhad
                    title: الإيمان مصدرًا للعون
                    description: يأخذ الذكاء الاصطناعي إيمانها بجدية مصدرًا للمعنى.
                    policies: [أجزاء من تقاليدها تتحدث عن الرحمة, الأشخاص في مجتمعها الذين يمكن الوثوق بهم, المخاوف من الحكم التي تمنعها من طلب المساعدة]
                """);
            settings["StudySeedOptions__Directory"] = seeds;
        }
    }
}
