using System.Security.Cryptography;
using System.Text;
using MoralGraph.Core;
using MoralGraph.Core.Deduplication;

namespace MoralGraph.LanguageModels.Contexts;

/// <summary>
/// The rules a proposed "When …" context meets before it is stored, and when two contexts are the same: equal once
/// case, spacing and closing punctuation are set aside, or close enough word for word (<see cref="LexicalSimilarity"/>).
/// </summary>
public static class ContextText
{
    /// <summary>Fewest characters in a context ("When …" and a few words).</summary>
    public const int MinLength = 8;

    /// <summary>Most characters in a context: a phrase participants read above every vote.</summary>
    public const int MaxLength = 160;

    /// <summary>Word-for-word similarity at or above which a context repeats another.</summary>
    public const double SimilarityThreshold = 0.75;

    /// <summary>
    /// <paramref name="raw"/> as a context — plain text, one line, starting "When", closing punctuation dropped — or
    /// null when it is not one or is too short or too long.
    /// </summary>
    public static string? Clean(string? raw)
    {
        var text = Calls.ModelOutput.PlainText(raw, MaxLength * 2).Trim('"', '“', '”', ' ').TrimEnd('.', '!', ';', ':', ',', ' ');
        if (text.Length is < MinLength or > MaxLength || !text.StartsWith("When ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return "When" + text[4..];
    }

    /// <summary>The form two contexts are compared in: lower case, single spaces, no closing punctuation.</summary>
    public static string Normalize(string text) =>
        TextNormalization.CollapseWhitespace(text).ToLowerInvariant().TrimEnd('.', '!', '?', ';', ':', ',', ' ');

    /// <summary>True when <paramref name="text"/> says what one of <paramref name="others"/> says.</summary>
    public static bool Repeats(string text, IReadOnlyList<string> others)
    {
        ArgumentNullException.ThrowIfNull(others);
        var normalized = Normalize(text);
        return others.Any(o => Normalize(o) == normalized) || LexicalSimilarity.MostSimilar(text, others).Similarity >= SimilarityThreshold;
    }

    /// <summary>The proposal id of <paramref name="text"/> for <paramref name="questionId"/>: the same context proposed again is the same proposal.</summary>
    public static string ProposalIdFor(string questionId, string text) =>
        $"{questionId}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(text))))[..12]}";
}
