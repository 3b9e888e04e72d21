using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using MoralGraph.Web.Localization;

namespace MoralGraph.Web.Tests.Localization;

/// <summary>
/// Every language the pages speak has every English string of the participant journey (JourneyText) and of the
/// facilitator console (ConsoleText), with the same arguments, read from the
/// satellite assemblies the app ships (not the source files): a missing key would show a Spanish or Arabic participant
/// an English sentence, and a missing placeholder would drop a number from it.
/// </summary>
public sealed partial class TranslatedJourneyTextTests
{
    // Strings that are the same words in a language (Spanish "No"), or carry no words at all (a bare number), by "resource:language".
    internal static readonly Dictionary<string, HashSet<string>> SameAsEnglish = new(StringComparer.Ordinal)
    {
        ["JourneyText:es"] = ["Vote.No", "Survey.Scale.2", "Survey.Scale.3", "Survey.Scale.4"],
        ["JourneyText:ar"] = ["Survey.Scale.2", "Survey.Scale.3", "Survey.Scale.4"],
        ["ConsoleText:es"] = ["Access.ListSeparator", "Audit.Column.Hash", "Graph.Contested.No", "Legitimacy.PerQuestion.Cell", "Legitimacy.Report.Json", "Legitimacy.Report.Markdown", "Standings.ListSeparator", "Usage.TokensColumn"],
        ["ConsoleText:ar"] = [],
        ["ComponentText:es"] = [],
        ["ComponentText:ar"] = [],
    };

    private static readonly Dictionary<string, ResourceManager> ResourceSets = new(StringComparer.Ordinal)
    {
        ["JourneyText"] = new("MoralGraph.Web.Resources.JourneyText", typeof(JourneyText).Assembly),
        ["ConsoleText"] = new("MoralGraph.Web.Resources.ConsoleText", typeof(ConsoleText).Assembly),
        ["ComponentText"] = new("MoralGraph.Web.Resources.ComponentText", typeof(ComponentText).Assembly),
    };

    public static TheoryData<string, string> Translations()
    {
        var data = new TheoryData<string, string>();
        foreach (var resource in ResourceSets.Keys)
        {
            foreach (var language in ParticipantLanguages.Supported.Where(l => l != ParticipantLanguages.Default))
            {
                data.Add(resource, language);
            }
        }

        return data;
    }

    [Fact]
    public void The_app_speaks_english_spanish_and_arabic()
    {
        Assert.Equal(["en", "es", "ar"], ParticipantLanguages.Supported);
        Assert.True(English("JourneyText").Count > 150, "the journey's English resources were not found");
        Assert.True(English("ConsoleText").Count > 10, "the console's English resources were not found");
        Assert.True(English("ComponentText").Count > 10, "MudBlazor's English resources were not found");
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void A_translation_has_every_english_key_and_no_other(string resource, string language)
    {
        var english = English(resource);
        var translated = Strings(resource, language);

        Assert.Empty(english.Keys.Except(translated.Keys).Order(StringComparer.Ordinal));
        Assert.Empty(translated.Keys.Except(english.Keys).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void A_translation_takes_the_same_arguments_as_english(string resource, string language)
    {
        var english = English(resource);
        var wrong = Strings(resource, language)
            .Where(t => english.TryGetValue(t.Key, out var e) && !Placeholders(e).SetEquals(Placeholders(t.Value)))
            .Select(t => $"{t.Key}: '{english[t.Key]}' vs '{t.Value}'")
            .ToList();

        Assert.Empty(wrong);
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void A_translation_is_not_english_left_in_place(string resource, string language)
    {
        var english = English(resource);
        var untranslated = Strings(resource, language)
            .Where(t => string.IsNullOrWhiteSpace(t.Value) || (english[t.Key] == t.Value && !SameAsEnglish[$"{resource}:{language}"].Contains(t.Key)))
            .Select(t => t.Key)
            .ToList();

        Assert.Empty(untranslated);
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void Every_count_reads_in_the_languages_own_plural_forms(string resource, string language)
    {
        // Each string formats for every count a page may show (Arabic has a form for 0, 1, 2, 3–10, 11–99 and 100+),
        // and a count is never left as "#" or a raw "{0, plural" in front of a participant.
        var culture = CultureInfo.GetCultureInfo(language);
        var broken = new List<string>();
        foreach (var (key, pattern) in Strings(resource, language).Where(s => s.Value.Contains(", plural,", StringComparison.Ordinal)))
        {
            var arguments = Placeholders(pattern).Select(int.Parse).DefaultIfEmpty(-1).Max() + 1;
            foreach (var count in new[] { 0, 1, 2, 3, 11, 100, 101 })
            {
                var text = IcuMessage.Format(pattern, culture, [.. Enumerable.Repeat<object?>(count, arguments)]);
                if (text.Contains('#', StringComparison.Ordinal) || text.Contains(", plural,", StringComparison.Ordinal))
                {
                    broken.Add($"{key} ({count}): {text}");
                }
            }
        }

        Assert.Empty(broken);
    }

    [Fact]
    public void Counts_read_as_a_speaker_would_say_them()
    {
        Assert.Equal("صوتان", IcuMessage.Format(Strings("JourneyText", "ar")["MyValue.Votes"], CultureInfo.GetCultureInfo("ar"), 2));
        Assert.Equal("11 صوتًا", IcuMessage.Format(Strings("JourneyText", "ar")["MyValue.Votes"], CultureInfo.GetCultureInfo("ar"), 11));
        Assert.Equal("1 voto", IcuMessage.Format(Strings("JourneyText", "es")["MyValue.Votes"], CultureInfo.GetCultureInfo("es"), 1));
    }

    [Theory]
    [InlineData("JourneyText")]
    [InlineData("ConsoleText")]
    [InlineData("ComponentText")]
    public void Arabic_strings_are_written_in_arabic_script(string resource)
    {
        // Every Arabic string with words has Arabic letters; a Latin-only one is an English string that slipped in.
        var latinOnly = Strings(resource, "ar")
            .Where(t => LatinWord().IsMatch(t.Value) && !ArabicLetter().IsMatch(t.Value))
            .Select(t => t.Key)
            .ToList();

        Assert.Empty(latinOnly);
    }

    private static Dictionary<string, string> English(string resource) => Strings(resource, CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Strings(string resource, string language) => Strings(resource, CultureInfo.GetCultureInfo(language));

    private static Dictionary<string, string> Strings(string resource, CultureInfo culture)
    {
        // tryParents: false reads this language's own satellite only, so a key falling back to English counts as missing.
        var set = ResourceSets[resource].GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"No resources for '{culture.Name}'.");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
    }

    // The arguments a string uses: "{0}", "{1:N0}", ICU plurals "{0, plural, one {…} other {…}}", and MudBlazor's named "{first_item}".
    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Groups["index"].Value)];

    [GeneratedRegex(@"\{\s*(?<index>\d+|[a-z]+(?:_[a-z]+)+)\s*[,:}]")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"[A-Za-z]{3,}")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"\p{IsArabic}")]
    private static partial Regex ArabicLetter();
}
