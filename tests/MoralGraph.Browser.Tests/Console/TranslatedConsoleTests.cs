using System.Text.RegularExpressions;
using System.Xml.Linq;
using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Journey;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Console;

/// <summary>
/// The facilitator console in Spanish and in Arabic (right to left, on a desktop and a phone), chosen with the picker
/// after signing in from an English browser: every page of a study is axe-checked, saved as a screenshot, and searched
/// for English the console wrote (the studies' own words are Spanish and Arabic here).
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed partial class TranslatedConsoleTests(TranslatedJourneyTests.AssembliesServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<TranslatedJourneyTests.AssembliesServer>
{
    private const string Cairo = "majlis-cairo";

    private static readonly string[] Pages = ["", "/moderation", "/settings", "/audit", "/exports", "/releases", "/evaluate"];

    [Theory]
    [InlineData("es", "Español", "desktop")]
    [InlineData("ar", "العربية", "desktop")]
    [InlineData("ar", "العربية", "mobile")]
    public async Task A_facilitator_runs_the_console_in_their_own_language(string language, string languageName, string screen)
    {
        if (screen == "mobile")
        {
            await Page.UseMobileViewportAsync();
        }

        await Page.SignInAsOwnerAsync(Server);
        await OpenAsync("/console");
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Page.GetByTestId("language-picker").GetByRole(AriaRole.Button, new() { Name = languageName }).ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith("/console", StringComparison.Ordinal));
        await Page.WaitForInteractiveAsync();
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("dir", language == "ar" ? "rtl" : "ltr");
        var direction = await Page.EvaluateAsync<string>("getComputedStyle(document.querySelector('[role=main]')).direction");
        Assert.Equal(language == "ar" ? "rtl" : "ltr", direction);

        var name = $"{language}-{screen}";
        await CheckAsync(name, "studies");
        foreach (var page in Pages)
        {
            await OpenAsync($"/console/{Cairo}{page}");
            await Expect(Page.Locator("h1").First).ToBeVisibleAsync();
            await CheckAsync(name, page.Length == 0 ? "dashboard" : page[1..]);
        }

        await OpenAsync("/console/access");
        await CheckAsync(name, "access");

        // The sign-in page speaks it too: the choice is the browser's, kept in its cookie, not the session's.
        // A plain page, never interactive: signing in works before any circuit.
        await Page.GotoAsync("/account/login");
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", language);
        AssertNoBrowserProblems();
    }

    /// <summary>Saves the page, fails on any serious axe-core violation, and fails on English the console wrote.</summary>
    private async Task CheckAsync(string name, string page)
    {
        // Live pages fill in after they connect; the words looked for are those a facilitator reads once it settles.
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Page.SaveAsync($"console-{name}-{page}");
        await Page.AssertNoSeriousViolationsAsync($"the console's {page} page in {name} at {Page.ViewportSize?.Width} px", Output);

        // Code is code in every language (a JSON field, a command, the study's YAML in its editor): it is taken out first.
        var text = await Page.EvaluateAsync<string>(
            "() => { const body = document.body.cloneNode(true); body.querySelectorAll('code, kbd, script, style, textarea').forEach(e => e.remove()); return body.textContent; }");
        foreach (var own in new[] { "MoralGraph", OwnerSignIn.Username, "asamblea-madrid", Cairo, "English" })
        {
            text = text.Replace(own, " ", StringComparison.Ordinal);
        }

        var sentence = EnglishFunctionWord().Match(text);
        Assert.False(sentence.Success, $"English on the {page} page in {name}: …{Around(text, sentence.Index)}…");
        var label = ShortLabels(name[..2]).FirstOrDefault(l => Regex.IsMatch(text, $@"(?<!\p{{L}}){Regex.Escape(l)}(?!\p{{L}})"));
        Assert.True(label is null, $"The English label \"{label}\" on the {page} page in {name}.");
    }

    private static string Around(string text, int index) => text[Math.Max(0, index - 60)..Math.Min(text.Length, index + 60)];

    // The console's short English strings (one to three words, no arguments), as a button or a heading shows them,
    // except those the language writes the same way (a format's name: "GraphML").
    private static List<string> ShortLabels(string language)
    {
        var english = Values("src/MoralGraph.Web/Resources/ConsoleText.resx");
        var translated = Values($"src/MoralGraph.Web/Resources/ConsoleText.{language}.resx");
        return english
            .Where(e => e.Value.Length > 2 && !e.Value.Contains('{', StringComparison.Ordinal) && e.Value.Split(' ').Length <= 3 && e.Value.Any(char.IsLetter))
            .Where(e => !(translated.GetValueOrDefault(e.Key) ?? "").Contains(e.Value, StringComparison.Ordinal))
            .Select(e => e.Value)
            .Distinct()
            .ToList();
    }

    private static Dictionary<string, string> Values(string path) => XDocument
        .Load(Path.Combine(BuiltApp.RepositoryRoot, path))
        .Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => d.Element("value")?.Value.Trim() ?? "");

    [GeneratedRegex(@"\b(the|and|your|you|with|this|that|what|of|is|are|no one|yet)\b", RegexOptions.IgnoreCase)]
    private static partial Regex EnglishFunctionWord();
}
