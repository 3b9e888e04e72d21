using System.Text.Json;
using MoralGraph.LanguageModels.Calls;

namespace MoralGraph.LanguageModels.Deduplication;

/// <summary>One cluster as the judge wrote it, before its ids are checked.</summary>
/// <param name="Ids">The ids as written (may be invented or repeated).</param>
/// <param name="Title">Its title for the shared value, if any.</param>
/// <param name="Reason">Its reason, if any.</param>
internal sealed record JudgedIds(IReadOnlyList<string> Ids, string? Title, string? Reason);

/// <summary>Reads the judge's <c>{"clusters":[{"ids":[…],"title":…,"reason":…}]}</c> answer, or says it cannot.</summary>
internal static class JudgeAnswer
{
    /// <summary>
    /// The clusters of <paramref name="text"/>, or null when it is not that JSON. Servers that ignore the response format
    /// often wrap the object in a code fence or a sentence (<see cref="ModelOutput.ParseObject"/> reads through both); anything else that is off
    /// (no <c>clusters</c> array, a cluster without an <c>ids</c> array) makes the whole answer unreadable, because a
    /// partly understood partition is not one to act on. Ids that are not strings are kept as their raw text, so they
    /// count as invented rather than vanish.
    /// </summary>
    public static IReadOnlyList<JudgedIds>? Parse(string? text)
    {
        if (ModelOutput.ParseObject(text) is not { } answer || !answer.TryGetProperty("clusters", out var clusters) || clusters.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var result = new List<JudgedIds>();
        foreach (var cluster in clusters.EnumerateArray())
        {
            if (cluster.ValueKind != JsonValueKind.Object || !cluster.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            result.Add(new JudgedIds(
                [.. ids.EnumerateArray().Select(id => id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText())],
                ModelOutput.StringOf(cluster, "title"), ModelOutput.StringOf(cluster, "reason")));
        }

        return result;
    }
}
