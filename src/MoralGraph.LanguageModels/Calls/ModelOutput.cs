using System.Text.Json;
using System.Text.RegularExpressions;
using MoralGraph.Core;

namespace MoralGraph.LanguageModels.Calls;

/// <summary>
/// Reading what a model answered as data: a JSON object (some models wrap it in a code fence even when asked for JSON),
/// and its strings as plain text (no HTML or Markdown reaches a page or the store).
/// </summary>
public static partial class ModelOutput
{
    /// <summary>
    /// The answer's JSON object, or null when the answer is not one. Servers that ignore the response format often wrap
    /// the object in a code fence or a sentence, so a fenced body, or else the outermost braces, are read.
    /// </summary>
    public static JsonElement? ParseObject(string? answer)
    {
        var text = (answer ?? string.Empty).Trim();
        var fence = CodeFence().Match(text);
        if (fence.Success)
        {
            text = fence.Groups["json"].Value.Trim();
        }
        else if (text.IndexOf('{', StringComparison.Ordinal) is var start and > 0 && text.LastIndexOf('}') is var end && end > start)
        {
            text = text[start..(end + 1)];
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The string property <paramref name="name"/> of <paramref name="element"/>, or null when it is missing or not a string.</summary>
    public static string? StringOf(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// <paramref name="text"/> as plain text: HTML tags and Markdown emphasis, headings, code marks and link syntax
    /// removed, whitespace collapsed, then clipped to <paramref name="maxLength"/> characters (at a word when one is near).
    /// </summary>
    public static string PlainText(string? text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var plain = HtmlTag().Replace(text ?? string.Empty, " ");
        plain = MarkdownLink().Replace(plain, "${text}");
        plain = MarkdownHeading().Replace(plain, string.Empty);
        plain = MarkdownMarks().Replace(plain, string.Empty);
        // Tags became spaces so words they separated stay apart; a space the removal left before punctuation goes.
        plain = SpaceBeforePunctuation().Replace(TextNormalization.CollapseWhitespace(plain), "$1");
        if (plain.Length <= maxLength)
        {
            return plain;
        }

        var cut = plain.LastIndexOf(' ', maxLength - 1);
        return (cut > maxLength * 3 / 4 ? plain[..cut] : plain[..(maxLength - 1)]).TrimEnd() + "…";
    }

    [GeneratedRegex(@"^```(?:json)?\s*(?<json>[\s\S]*?)\s*```$", RegexOptions.IgnoreCase)]
    private static partial Regex CodeFence();

    [GeneratedRegex(@"\s+([.,;:!?])")]
    private static partial Regex SpaceBeforePunctuation();

    [GeneratedRegex(@"<[^<>]{1,200}>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"(?m)^\s{0,3}#{1,6}\s+")]
    private static partial Regex MarkdownHeading();

    [GeneratedRegex(@"\*\*|__|`+|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")]
    private static partial Regex MarkdownMarks();
}
