using System.Net;
using System.Text.RegularExpressions;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Studies;
using MoralGraph.Web.Tests.Access;
using MoralGraph.Web.Tests.Console;

namespace MoralGraph.Web.Tests.Localization;

/// <summary>
/// Every console page a facilitator opens, as the server renders it for a facilitator who chose Spanish or Arabic: in
/// that language and direction, with no English words left in what the page itself writes (its text, labels, tooltips
/// and placeholders). The study's own words are Spanish here, so any English on the page is the console's.
/// </summary>
public sealed partial class ConsolePagesInEveryLanguageTests(ConsoleApp app) : IClassFixture<ConsoleApp>
{
    private const string Slug = "consulta-ciudadana";

    // The study's words: a facilitator's own text is never translated, so it is taken out before looking for English.
    private static readonly string[] StudyWords =
    [
        Slug, "Consulta ciudadana", "Una consulta sobre la IA.", "Duelo", "Mi amiga acaba de perder a su padre. ¿Qué debo decirle?",
        "Al consolar a alguien", "Presencia antes que consejo", "Estar ahí.", "MOMENTOS en que el silencio dice más que las palabras",
        "SENTIMIENTOS que aún no ha nombrado", "SEÑALES de que quiere compañía", "Ayuda práctica", "Hacer cosas.",
        "TAREAS para las que no tiene energía", "COMIDAS en las que nadie pensó", "RECADOS que se acumulan", AccessTestClients.OwnerName,
    ];

    public static TheoryData<string, string> Pages()
    {
        var data = new TheoryData<string, string>();
        foreach (var language in new[] { "es", "ar" })
        {
            foreach (var page in new[]
            {
                StudyLinks.ConsoleHome, StudyLinks.Dashboard(Slug), StudyLinks.Moderation(Slug), StudyLinks.Settings(Slug),
                StudyLinks.Audit(Slug), StudyLinks.Exports(Slug), StudyLinks.Releases(Slug), StudyLinks.Evaluate(Slug), StudyLinks.ConsoleAccess,
            })
            {
                data.Add(language, page);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_console_page_speaks_the_facilitators_language_with_no_english_left(string language, string path)
    {
        await EnsureStudyAsync();
        using var owner = await app.Factory.OwnerClientAsync();
        using (var choice = await owner.GetAsync($"/language?culture={language}&returnUrl=%2F"))
        {
            Assert.Equal(HttpStatusCode.Redirect, choice.StatusCode);
        }

        using var response = await owner.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<html lang=\"{language}\" dir=\"{(language == "ar" ? "rtl" : "ltr")}\">", html, StringComparison.Ordinal);
        var english = EnglishWords(html);
        Assert.True(english.Count == 0, $"{path} in '{language}' still shows English: {string.Join(" | ", english)}");
    }

    /// <summary>The page's own text with English in it: each text run or attribute with an English word, for the failure message.</summary>
    private static List<string> EnglishWords(string html)
    {
        var body = html[html.IndexOf("<body", StringComparison.Ordinal)..];
        body = Hidden().Replace(body, " ");
        var texts = new List<string>();
        foreach (Match attribute in ReadAttribute().Matches(body))
        {
            texts.Add(WebUtility.HtmlDecode(attribute.Groups["value"].Value));
        }

        texts.AddRange(Tag().Split(body).Select(text => WebUtility.HtmlDecode(text)));
        return texts
            .Select(text => StudyWords.Aggregate(text, (t, own) => t.Replace(own, " ", StringComparison.Ordinal)))
            .Where(text => EnglishFunctionWord().IsMatch(text) || EnglishUiWord().IsMatch(text))
            .Select(text => text.Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private async Task EnsureStudyAsync()
    {
        if ((await app.Log.ReadStudyAsync(Slug)).Count == 0)
        {
            var study = StudyDefinitionReader.Read(StudyYaml).GetValueOrThrow(Slug);
            await app.Log.AppendAllAsync(StudyDefinitionEvents.For(study, DateTimeOffset.UtcNow, "test"));
        }
    }

    private const string StudyYaml = $$"""
        slug: {{Slug}}
        title: Consulta ciudadana
        description: Una consulta sobre la IA.
        phase: interviewing
        languages: [es, ar]
        questions:
          - id: duelo
            title: Duelo
            prompt: Mi amiga acaba de perder a su padre. ¿Qué debo decirle?
            contexts:
              - { id: consolar, text: Al consolar a alguien }
        seedValues:
          - { question: duelo, title: Presencia antes que consejo, description: Estar ahí., policies: [MOMENTOS en que el silencio dice más que las palabras, SENTIMIENTOS que aún no ha nombrado, SEÑALES de que quiere compañía] }
          - { question: duelo, title: Ayuda práctica, description: Hacer cosas., policies: [TAREAS para las que no tiene energía, COMIDAS en las que nadie pensó, RECADOS que se acumulan] }
        """;

    // Scripts, styles, comments (Blazor's markers) and the invisible parts of the page hold no words for the reader.
    [GeneratedRegex(@"<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->|<svg\b.*?</svg>", RegexOptions.Singleline)]
    private static partial Regex Hidden();

    [GeneratedRegex(@"\s(?:aria-label|title|placeholder|alt)=""(?<value>[^""]*)""")]
    private static partial Regex ReadAttribute();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    // Words English sentences cannot do without and Spanish and Arabic never use.
    [GeneratedRegex(@"\b(?:the|and|of|to|is|are|with|for|this|that|from|your|has|have|will|been|yet|any|who|which|when|what|how|into|on|at|it|an|or|be|not)\b", RegexOptions.IgnoreCase)]
    private static partial Regex EnglishFunctionWord();

    // The console's one-word buttons and headings, which a sentence check would miss.
    [GeneratedRegex(@"\b(?:Save|Cancel|Delete|Download|Export|Exports|Hide|Merge|Flag|Close|Open|Search|Settings|Dashboard|Votes|Values|Cards|Participants|Submit|Apply|Reset|Next|Back|Edit|Remove|Add|Create|Release|Releases|Evaluate|Status|Actions|Loading|Studies|Access|Audit|Moderation|Phase|Sign|Title|Question|Questions|Contexts|Context)\b")]
    private static partial Regex EnglishUiWord();
}
