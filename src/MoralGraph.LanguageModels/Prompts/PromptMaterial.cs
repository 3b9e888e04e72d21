using System.Text.RegularExpressions;

namespace MoralGraph.LanguageModels.Prompts;

/// <summary>
/// Participant text going to a model and model text coming back. Participant text is data: it travels in the user
/// message between markers the system prompt names, with any copy of those markers taken out, so a participant cannot
/// close the block and write outside it. (Model text coming back is read by <see cref="Calls.ModelOutput"/>.)
/// </summary>
public static class PromptMaterial
{
    /// <summary><paramref name="text"/> between <c>&lt;tag&gt;</c> and <c>&lt;/tag&gt;</c>, with any marker of that tag inside removed.</summary>
    public static string Wrap(string tag, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        // Any opening or closing marker of the tag, attributes and odd spacing included ("</card x>", "< /CARD >").
        var inner = Regex.Replace(text ?? string.Empty, $@"<\s*/?\s*{Regex.Escape(tag)}(?:\s[^>]*)?>", string.Empty, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        return $"<{tag}>\n{inner}\n</{tag}>";
    }
}
