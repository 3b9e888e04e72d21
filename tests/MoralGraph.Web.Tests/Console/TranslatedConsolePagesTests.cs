using AngleSharp.Html.Parser;
using Bunit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Tests.Access;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Console;

/// <summary>
/// The studies list, sign-in, denied, not-found and error pages for a facilitator reading Spanish or Arabic: in that
/// language from the first request (the browser's Accept-Language or the language cookie), with no console English left.
/// </summary>
public sealed class TranslatedConsolePagesTests : ConsoleComponentTest, IClassFixture<ConsoleApp>
{
    private const string Slug = "translated-list";


    public TranslatedConsolePagesTests(ConsoleApp app)
        : base(app) => Services.AddScoped(_ => new StudiesPageState(app.Get<StudyAdministration>()));

    [Fact]
    public async Task The_studies_list_reads_in_spanish_with_each_link_named_for_its_study()
    {
        await EnsureStudyAsync();
        var owner = await App.AdministratorAsync();
        using var language = new CultureScope("es");

        var page = RenderPage<ConsoleStudies>(owner);
        page.WaitForElement("[data-testid=console-studies]");

        Assert.Equal("Estudios", page.Find("h1").TextContent);
        Assert.Equal(["Estudio", "Fase", "Preguntas", "Participantes", "Abrir"], page.FindAll("[data-testid=console-studies] thead th").Select(th => th.TextContent));
        var row = page.FindAll("[data-testid=console-studies] tbody tr").Single(r => r.TextContent.Contains(Slug, StringComparison.Ordinal));
        Assert.Contains("entrevistas", row.TextContent, StringComparison.Ordinal);
        Assert.Contains(row.QuerySelectorAll("a"), link => link.TextContent.Trim() == "Moderación" && link.GetAttribute("aria-label") == "Moderación de Live check");
        Assert.Equal("Crear un estudio", page.Find("h2").TextContent);
        Assert.Equal("Crear", page.Find("[data-testid=create-study]").TextContent.Trim());
        Assert.Empty(UntranslatedConsoleText.In(new HtmlParser().ParseDocument(page.Markup).Body!, "es", ["Live check"]));
    }

    [Fact]
    public async Task A_new_study_whose_slug_is_taken_is_refused_in_arabic()
    {
        await EnsureStudyAsync();
        var owner = await App.AdministratorAsync();
        using var language = new CultureScope("ar");
        var page = RenderPage<ConsoleStudies>(owner);
        page.WaitForElement("textarea[data-testid=new-study-yaml]");

        page.Find("textarea[data-testid=new-study-yaml]").Input(ConsoleApp.StudyYaml(Slug));
        page.Find("[data-testid=create-study]").Click();

        page.WaitForAssertion(() => Assert.Contains(
            $"توجد دراسة باسم «{Slug}» بالفعل",
            page.Find("[data-testid=problems]").TextContent,
            StringComparison.Ordinal));
        Assert.Equal("المشكلات", page.Find("[data-testid=problems]").GetAttribute("aria-label"));
    }

    [Theory]
    [InlineData("es", "«someday» no es una fase; usa draft, interviewing, voting o closed.", "La tarjeta tiene 2 políticas de atención; escribe de 3 a 7.")]
    [InlineData("ar", "«someday» ليست مرحلة؛ استخدم draft أو interviewing أو voting أو closed.", "في البطاقة سياستا انتباه؛ اكتب من 3 إلى 7.")]
    public async Task A_new_study_with_two_mistakes_lists_both_problems_in_the_facilitators_language(string language, string phase, string policies)
    {
        var owner = await App.AdministratorAsync();
        using var scope = new CultureScope(language);
        var page = RenderPage<ConsoleStudies>(owner);
        page.WaitForElement("textarea[data-testid=new-study-yaml]");

        // A phase the validator does not know, and a seed value with two policies where a card needs three.
        var yaml = ConsoleApp.StudyYaml($"two-mistakes-{language}", "someday").Replace(", SIGNS that she wants company]", "]", StringComparison.Ordinal);
        page.Find("textarea[data-testid=new-study-yaml]").Input(yaml);
        page.Find("[data-testid=create-study]").Click();

        page.WaitForAssertion(() => Assert.Equal(["phase", "seedValues[0].policies"], page.FindAll("[data-testid=problem-field]").Select(f => f.TextContent)));
        Assert.Equal([phase, policies], page.FindAll("[data-testid=problem-message]").Select(m => m.TextContent));
        // The field is the file's own path: code, kept left to right inside a right-to-left sentence.
        Assert.All(page.FindAll("[data-testid=problem-field]"), f => Assert.Equal("BDI", f.ParentElement!.TagName));
        // The phases are the YAML's own values, typed as they are in every language.
        Assert.Empty(UntranslatedConsoleText.In(new HtmlParser().ParseDocument(page.Find("[data-testid=problems]").OuterHtml).Body!, language, ["draft", "interviewing", "voting", "closed"]));
    }

    [Theory]
    [InlineData("es", "/account/login", "Acceso para facilitadores")]
    [InlineData("ar", "/account/login", "تسجيل دخول الميسّرين")]
    [InlineData("es", "/account/denied", "Acceso no permitido")]
    [InlineData("ar", "/account/denied", "غير مسموح")]
    [InlineData("es", "/not-found", "No encontrado")]
    [InlineData("ar", "/not-found", "الصفحة غير موجودة")]
    [InlineData("es", "/Error", "Algo ha salido mal")]
    [InlineData("ar", "/Error", "حدث خطأ ما")]
    public async Task A_page_before_signing_in_speaks_the_browsers_language(string language, string path, string heading)
    {
        using var client = App.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        var document = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync(path));

        Assert.Equal(language, document.DocumentElement.GetAttribute("lang"));
        Assert.Equal(heading, document.QuerySelector("h1")!.TextContent);
        Assert.Empty(UntranslatedConsoleText.In(document.DocumentElement, language));
    }

    [Fact]
    public async Task A_locked_sign_in_says_how_long_to_wait_in_arabics_dual()
    {
        using var client = App.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ar");

        var document = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/account/login?problem=throttled&minutes=2"));

        Assert.Equal("محاولات دخول فاشلة كثيرة جدًا. حاول مرة أخرى بعد دقيقتين.", document.QuerySelector("[data-testid=login-problem]")!.TextContent);
    }

    [Fact]
    public async Task The_studies_list_of_a_signed_in_owner_who_chose_arabic_is_in_arabic_from_the_server()
    {
        await EnsureStudyAsync();
        using var owner = await App.Factory.OwnerClientAsync();
        using var chosen = await owner.GetAsync("/language?culture=ar&returnUrl=/console");

        var document = await new HtmlParser().ParseDocumentAsync(await owner.GetStringAsync("/console"));

        Assert.Equal("rtl", document.DocumentElement.GetAttribute("dir"));
        Assert.Equal("الدراسات", document.QuerySelector("h1")!.TextContent);
        Assert.Equal("وحدة التحكم – MoralGraph", document.Title);
        Assert.Contains("تسجيل الخروج", document.QuerySelector("form[action='/account/logout'] button")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(UntranslatedConsoleText.In(document.DocumentElement, "ar", ["Live check"]));
    }

    private async Task EnsureStudyAsync()
    {
        if ((await App.Log.ReadStudyAsync(Slug)).Count == 0)
        {
            await App.StudyAsync(Slug);
        }
    }
}
