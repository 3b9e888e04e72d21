using System.Text.Json;
using System.Text.RegularExpressions;
using MoralGraph.Core;

namespace MoralGraph.LanguageModels.Prompts;

/// <summary>
/// Participant text going to a model and model text coming back. Participant text is data: it travels in the user
/// message between markers the system prompt names, with any copy of those markers taken out, so a participant cannot
/// close the block and write outside it. Model text is untrusted too: it is read as JSON or as plain text, never as markup.
/// </summary>
public static partial class PromptMaterial
{
    /// <summary><paramref name="text"/> between <c>&lt;tag&gt;</c> and <c>&lt;/tag&gt;</c>, with any marker of that tag inside removed.</summary>
    public static string Wrap(string tag, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        var inner = Regex.Replace(text ?? string.Empty, $@"<\s*/?\s*{Regex.Escape(tag)}\s*>", string.Empty, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        return $"<{tag}>\n{inner}\n</{tag}>";
    }

    /// <summary>
    /// The JSON object a model answered with, or null when the reply is not one. Tolerates a reply wrapped in a Markdown
    /// code fence, which models asked for JSON still sometimes send.
    /// </summary>
    public static JsonElement? JsonObjectOf(string? reply)
    {
        var text = (reply ?? string.Empty).Trim();
        var fenced = Fence().Match(text);
        if (fenced.Success)
        {
            text = fenced.Groups["body"].Value.Trim();
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

    /// <summary>
    /// A model's text made plain: tags removed, whitespace collapsed, cut to <paramref name="maxLength"/> characters (with an
    /// ellipsis). Empty when nothing readable is left.
    /// </summary>
    public static string PlainText(string? text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        var plain = TextNormalization.CollapseWhitespace(Tag().Replace(text ?? string.Empty, string.Empty));
        return plain.Length <= maxLength ? plain : plain[..(maxLength - 1)].TrimEnd() + "…";
    }

    /// <summary>A string property of <paramref name="element"/>, or null when it is missing or not a string.</summary>
    public static string? StringOf(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex(@"^```[a-zA-Z]*\s*(?<body>[\s\S]*?)\s*```$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"<[^<>]{0,200}>")]
    private static partial Regex Tag();
}
