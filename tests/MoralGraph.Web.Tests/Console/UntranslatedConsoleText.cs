using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Console;

/// <summary>
/// Finds the console's English left on a page shown in another language: every piece of wording of the English
/// <c>ConsoleText.resx</c> (the words between its arguments and inside its plural forms) that is in the page's text,
/// its accessible names or its title. Strings that are the same words in that language are skipped, and so are the
/// study's own words (titles, contexts), which stay as the facilitator or participants wrote them.
/// </summary>
internal static partial class UntranslatedConsoleText
{
    private static readonly Lazy<IReadOnlyList<(string Key, string Wording)>> EnglishWordings = new(Read);

    // Names that read the same in every language: the product, file formats, the time zone.
    private static readonly string[] Names = ["MoralGraph", "YAML", "HTML", "JSON", "Markdown", "UTC", "KB"];

    /// <summary>The English wordings (each with its key) present in <paramref name="root"/> shown in <paramref name="language"/>.</summary>
    public static IReadOnlyList<string> In(INode root, string language, IEnumerable<string>? ownWords = null) =>
        In(Text(root), language, ownWords);

    /// <summary>The English wordings (each with its key) present in <paramref name="text"/> shown in <paramref name="language"/>.</summary>
    public static IReadOnlyList<string> In(string text, string language, IEnumerable<string>? ownWords = null)
    {
        foreach (var words in (ownWords ?? []).OrderByDescending(w => w.Length))
        {
            text = text.Replace(words, " ", StringComparison.Ordinal);
        }

        var same = TranslatedJourneyTextTests.SameAsEnglish[$"ConsoleText:{language}"];
        var translated = Translations(language);
        // A wording the translation itself uses is that language's word too (Spanish says "tokens"); a word joined by a
        // hyphen is part of another word (the username "test-owner" is not the role "owner").
        return [.. EnglishWordings.Value
            .Where(w => !same.Contains(w.Key) && !Contains(translated.GetValueOrDefault(w.Key) ?? "", w.Wording) && Contains(text, w.Wording))
            .Select(w => $"{w.Key}: {w.Wording}")];
    }

    private static bool Contains(string text, string wording) =>
        Regex.IsMatch(text, $@"(?<![\p{{L}}-]){Regex.Escape(wording)}(?![\p{{L}}-])");

    private static Dictionary<string, string> Translations(string language)
    {
        var set = new ResourceManager("MoralGraph.Web.Resources.ConsoleText", typeof(ConsoleText).Assembly)
            .GetResourceSet(CultureInfo.GetCultureInfo(language), createIfNotExists: true, tryParents: false)!;
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
    }

    /// <summary>What a reader meets on <paramref name="root"/>: its text, and the accessible names, labels and titles of its elements.</summary>
    public static string Text(INode root)
    {
        var text = new StringBuilder();
        Append(root, text);
        return text.ToString();
    }

    private static void Append(INode node, StringBuilder text)
    {
        if (node is IElement element)
        {
            // Code is code in every language (a command, a field name, a path), and so is the study's YAML in its editor.
            if (element.LocalName is "script" or "style" or "code" or "kbd" or "textarea")
            {
                return;
            }

            foreach (var attribute in new[] { "aria-label", "title", "label", "placeholder", "alt" })
            {
                text.Append(' ').Append(element.GetAttribute(attribute)).Append(' ');
            }

            // What a field shows (a select's chosen item is its input's value); a hidden one shows nothing.
            if (element.LocalName is "input" && element.GetAttribute("type") is not "hidden")
            {
                text.Append(' ').Append(element.GetAttribute("value")).Append(' ');
            }
        }

        if (node.NodeType == NodeType.Text)
        {
            text.Append(node.TextContent);
        }

        foreach (var child in node.ChildNodes)
        {
            Append(child, text);
        }
    }

    private static List<(string Key, string Wording)> Read()
    {
        var english = new ResourceManager("MoralGraph.Web.Resources.ConsoleText", typeof(ConsoleText).Assembly)
            .GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!;
        return [.. english.Cast<DictionaryEntry>()
            .SelectMany(entry => Wordings((string)entry.Value!).Select(wording => ((string)entry.Key, wording)))];
    }

    // The literal pieces of an ICU message: the text outside arguments and inside plural forms, split at "#".
    private static IEnumerable<string> Wordings(string pattern)
    {
        var pieces = new List<string>();
        var piece = new StringBuilder();
        var depth = 0;
        foreach (var c in pattern)
        {
            if (c is '{' or '}' || (c == '#' && depth % 2 == 0))
            {
                pieces.Add(piece.ToString());
                piece.Clear();
                depth += c switch { '{' => 1, '}' => -1, _ => 0 };
            }
            else if (depth % 2 == 0)
            {
                // Even depths are wording (the message, a plural form's text); odd ones an argument's name and selectors.
                piece.Append(c);
            }
        }

        pieces.Add(piece.ToString());
        return pieces
            .Select(p => p.Trim(' ', '.', ',', ':', ';', '(', ')', '–', '—', '…', '+', '"', '\'', '“', '”', '«', '»'))
            .Where(p => Word().IsMatch(Names.Aggregate(p, (rest, name) => rest.Replace(name, string.Empty, StringComparison.Ordinal))));
    }

    [GeneratedRegex("[A-Za-z]{3,}")]
    private static partial Regex Word();
}
