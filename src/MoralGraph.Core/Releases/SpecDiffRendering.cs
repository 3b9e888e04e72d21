using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MoralGraph.Core.Export;

namespace MoralGraph.Core.Releases;

/// <summary>A <see cref="SpecDiff"/> as JSON (for scripts) and Markdown (for people).</summary>
public static class SpecDiffRendering
{
    /// <summary>Items listed per section in Markdown before "and N more" (the JSON lists every one).</summary>
    public const int DefaultMarkdownRows = 20;

    /// <summary>The spec's JSON options, with enums as camelCase strings.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(AlignmentSpecJson.Options)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes the diff as indented JSON.</summary>
    public static Task WriteJsonAsync(SpecDiff diff, Stream output, CancellationToken cancellationToken = default) =>
        JsonSerializer.SerializeAsync(output, diff, JsonOptions, cancellationToken);

    /// <summary>The diff as JSON text.</summary>
    public static string ToJson(SpecDiff diff) => JsonSerializer.Serialize(diff, JsonOptions);

    /// <summary>Reads a diff written by <see cref="WriteJsonAsync"/>.</summary>
    public static SpecDiff ReadJson(string json) =>
        JsonSerializer.Deserialize<SpecDiff>(json, JsonOptions) ?? throw new JsonException("The diff is null.");

    /// <summary>
    /// The diff as Markdown: sides, participation, values, then per graph its winners, the largest rank moves (those beyond
    /// both bootstrap intervals marked), and edges. Long lists stop after <paramref name="rows"/> items.
    /// </summary>
    public static string ToMarkdown(SpecDiff diff, int rows = DefaultMarkdownRows)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(inv, $"# Spec diff: {Label(diff.From)} → {Label(diff.To)}");
        md.AppendLine();
        md.AppendLine(inv, $"- From: {Describe(diff.From)}");
        md.AppendLine(inv, $"- To: {Describe(diff.To)}");
        if (diff.AlgorithmChanged)
        {
            md.AppendLine(inv, $"- **The algorithm differs** (`{diff.From.Profile}` {Short(diff.From.Fingerprint)} → `{diff.To.Profile}` {Short(diff.To.Fingerprint)}): some moves may come from it rather than from the votes.");
        }

        md.AppendLine();
        if (diff.IsEmpty)
        {
            md.AppendLine("No change: the same values, winners, rankings, edges and counts.");
            return md.ToString();
        }

        md.AppendLine("## Participation");
        md.AppendLine();
        md.AppendLine("| | before | after | added |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (name, change) in new[] { ("participants", diff.Participation.Participants), ("votes", diff.Participation.Votes), ("cards", diff.Participation.Cards), ("values", diff.Participation.Values), ("edges", diff.Participation.Edges) })
        {
            md.AppendLine(inv, $"| {name} | {change.Before} | {change.After} | {change.Added:+0;-0;0} |");
        }

        md.AppendLine();
        md.AppendLine(inv, $"New card authors: {diff.Participation.NewAuthors.Count}.");
        md.AppendLine();
        md.AppendLine(inv, $"## Values added ({diff.ValuesAdded.Count})");
        AppendValues(md, diff.ValuesAdded, rows);
        md.AppendLine(inv, $"## Values removed ({diff.ValuesRemoved.Count})");
        AppendValues(md, diff.ValuesRemoved, rows);

        md.AppendLine(inv, $"## Graphs changed ({diff.Graphs.Count})");
        foreach (var graph in diff.Graphs)
        {
            md.AppendLine();
            var presence = graph.Presence switch { GraphPresence.Added => " (new)", GraphPresence.Removed => " (gone)", _ => "" };
            md.AppendLine(inv, $"### {MarkdownFormat.Escape(graph.QuestionId ?? "all questions")} — {MarkdownFormat.Escape(graph.ContextText ?? graph.ContextId ?? "all contexts")}{presence}");
            md.AppendLine();
            md.AppendLine(inv, $"Winners: {Ids(graph.WinnersBefore)} → {Ids(graph.WinnersAfter)}{(graph.WinnersChanged ? " **(changed)**" : " (unchanged)")}");
            if (graph.RankMoves.Count > 0)
            {
                md.AppendLine();
                md.AppendLine(inv, $"Rank moves: {graph.RankMoves.Count} values ({graph.RankMoves.Count(m => m.BeyondIntervals)} beyond both 5–95 % intervals). Largest first:");
                md.AppendLine();
                md.AppendLine("| value | rank | score | interval before | interval after | |");
                md.AppendLine("|---|---|---|---|---|---|");
                var largest = graph.RankMoves
                    .OrderByDescending(m => m.BeyondIntervals)
                    .ThenByDescending(m => m.Places is { } places ? Math.Abs(places) : int.MaxValue)
                    .ThenBy(m => m.RankAfter ?? int.MaxValue)
                    .Take(rows);
                foreach (var move in largest)
                {
                    md.AppendLine(inv, $"| {MarkdownFormat.Escape(move.Title)} `{move.ValueId}` | {Rank(move.RankBefore)} → {Rank(move.RankAfter)} | {Score(move.ScoreBefore)} → {Score(move.ScoreAfter)} | {Interval(move.IntervalBefore)} | {Interval(move.IntervalAfter)} | {(move.BeyondIntervals ? "beyond intervals" : "")} |");
                }

                More(md, graph.RankMoves.Count, rows);
            }

            if (graph.EdgesRetallied > 0)
            {
                md.AppendLine();
                md.AppendLine(inv, $"Edges with new tallies: {graph.EdgesRetallied}.");
            }

            AppendEdges(md, "Edges appeared", graph.EdgesAppeared, rows);
            AppendEdges(md, "Edges vanished", graph.EdgesVanished, rows);
            if (graph.EdgesFlipped.Count > 0)
            {
                md.AppendLine();
                md.AppendLine(inv, $"Edges flipped ({graph.EdgesFlipped.Count}):");
                md.AppendLine();
                foreach (var flip in graph.EdgesFlipped.Take(rows))
                {
                    md.AppendLine(inv, $"- `{flip.Before.SourceValueId}` → `{flip.Before.WiserValueId}` ({Tally(flip.Before)}) became `{flip.After.SourceValueId}` → `{flip.After.WiserValueId}` ({Tally(flip.After)})");
                }

                More(md, graph.EdgesFlipped.Count, rows);
            }
        }

        return md.ToString();
    }

    private static void AppendValues(StringBuilder md, IReadOnlyList<DiffValue> values, int rows)
    {
        md.AppendLine();
        foreach (var value in values.Take(rows))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {MarkdownFormat.Escape(value.Title)} `{value.ValueId}`");
        }

        More(md, values.Count, rows);
        if (values.Count > 0)
        {
            md.AppendLine();
        }
    }

    private static void AppendEdges(StringBuilder md, string heading, IReadOnlyList<DiffEdge> edges, int rows)
    {
        if (edges.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{heading} ({edges.Count}):");
        md.AppendLine();
        foreach (var edge in edges.Take(rows))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- `{edge.SourceValueId}` → `{edge.WiserValueId}` ({Tally(edge)})");
        }

        More(md, edges.Count, rows);
    }

    private static void More(StringBuilder md, int count, int rows)
    {
        if (count > rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- … and {count - rows} more (the JSON diff lists every one)");
        }
    }

    private static string Label(SpecDiffSide side) => side.ReleaseId ?? (side.ContentHash is { } hash ? Short(hash) : "spec");

    private static string Describe(SpecDiffSide side) => string.Create(CultureInfo.InvariantCulture,
        $"{(side.ReleaseId is { } release ? $"release {release}" : "not a release")}, content {(side.ContentHash is { } hash ? $"`{hash}`" : "without hash")}{(side.GeneratedAt is { } at ? $", generated {at}" : "")}, profile `{side.Profile}`");

    private static string Short(string hash) => hash.Length > 19 ? hash[..19] + "…" : hash;

    private static string Ids(IReadOnlyList<string> ids) => ids.Count == 0 ? "none" : string.Join(", ", ids.Select(id => $"`{id}`"));

    private static string Rank(int? rank) => rank?.ToString(CultureInfo.InvariantCulture) ?? "–";

    private static string Score(double? score) => score?.ToString("0.00000", CultureInfo.InvariantCulture) ?? "–";

    private static string Interval(ScoreInterval? interval) =>
        interval is { } i ? string.Create(CultureInfo.InvariantCulture, $"[{i.Low:0.00000}, {i.High:0.00000}]") : "–";

    private static string Tally(DiffEdge edge) => string.Create(CultureInfo.InvariantCulture,
        $"wiser {edge.Counts.MarkedWiser}, not wiser {edge.Counts.MarkedNotWiser}, unsure {edge.Counts.MarkedUnsure}, likelihood {edge.WiserLikelihood:0.00}");
}
