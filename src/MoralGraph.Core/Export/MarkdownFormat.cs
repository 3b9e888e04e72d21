using System.Globalization;
using System.Text;

namespace MoralGraph.Core.Export;

/// <summary>A readable spec: red lines, then per question and context the winning values with their policies and support.</summary>
public sealed class MarkdownFormat : IExportFormat
{
    /// <inheritdoc />
    public string Name => "md";

    /// <inheritdoc />
    public string MediaType => "text/markdown; charset=utf-8";

    /// <inheritdoc />
    public string FileExtension => ".md";

    /// <inheritdoc />
    public async Task WriteAsync(ExportInput input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        await writer.WriteAsync(Render(input.Spec).AsMemory(), cancellationToken);
    }

    /// <summary>The Markdown text of a spec.</summary>
    public static string Render(AlignmentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var values = spec.Values.ToDictionary(v => v.Id, StringComparer.Ordinal);

        // In a study of one language, a label on every value would say nothing.
        var labelled = spec.Study.Languages.Select(Text.LanguageTags.Primary).Distinct(StringComparer.Ordinal).Count() > 1;
        string Label(SpecValue? value) => labelled && value?.Language is { } language ? $"{Escape(language)}, " : "";
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# Alignment spec: {Escape(spec.Study.Title)}");
        md.AppendLine();
        md.AppendLine(inv, $"Study `{spec.Study.Slug}` · profile `{spec.Algorithm.Profile}` · {spec.Counts.Participants} participants · {spec.Counts.Values} values · {spec.Counts.Votes} votes");
        md.AppendLine();
        md.AppendLine("Precedence: **red lines** over **community values** over **individual latitude**.");
        md.AppendLine();
        md.AppendLine("## 1. Red lines");
        md.AppendLine();
        if (spec.Layers.RedLines.Count == 0)
        {
            md.AppendLine("_None set for this study._");
        }

        foreach (var line in spec.Layers.RedLines)
        {
            md.AppendLine(inv, $"- {Escape(line.Statement)} _(source: {Escape(line.Source)})_");
        }

        md.AppendLine();
        md.AppendLine("## 2. Community values");
        foreach (var graph in spec.Graphs)
        {
            var question = spec.Questions.FirstOrDefault(q => q.Id == graph.QuestionId);
            md.AppendLine();
            md.AppendLine(inv, $"### {Escape(question?.Title ?? "All questions")} — {Escape(graph.ContextText ?? "all contexts")}");
            if (question is not null)
            {
                md.AppendLine();
                md.AppendLine(inv, $"> {Escape(question.Prompt)}");
            }

            md.AppendLine();
            md.AppendLine(inv, $"{graph.ParticipantCount} voters, {graph.Edges.Count} edges.");
            var winners = spec.Layers.CommunityValues.First(c => c.QuestionId == graph.QuestionId && c.ContextId == graph.ContextId).WinningValueIds;
            foreach (var id in winners)
            {
                var ranking = graph.Ranking.First(r => r.ValueId == id);
                var value = values.GetValueOrDefault(id);
                md.AppendLine();
                md.AppendLine(inv, $"**{Escape(value?.Title ?? id)}** ({Label(value)}score {ranking.Score:0.###}{(ranking.WinShare is { } share ? $", first in {share:P0} of resamples" : "")})");
                md.AppendLine();
                if (value is not null)
                {
                    md.AppendLine(Escape(value.Description));
                    md.AppendLine();
                    foreach (var policy in value.Policies)
                    {
                        md.AppendLine(inv, $"- {Escape(policy)}");
                    }

                    // Beside the value's own words, never instead of them, and marked as a model's.
                    foreach (var translation in value.Translations ?? [])
                    {
                        md.AppendLine();
                        md.AppendLine(inv, $"> _{Escape(translation.Language)}, machine translation by {Escape(translation.Provenance.Model)}:_ **{Quoted(translation.Title)}**");
                        md.AppendLine(">");
                        md.AppendLine(inv, $"> {Quoted(translation.Description)}");
                        md.AppendLine(">");
                        foreach (var policy in translation.Policies)
                        {
                            md.AppendLine(inv, $"> - {Quoted(policy)}");
                        }
                    }
                }
            }

            var latitude = spec.Layers.IndividualLatitude.First(c => c.QuestionId == graph.QuestionId && c.ContextId == graph.ContextId).Values;
            if (latitude.Count > 0)
            {
                md.AppendLine();
                md.AppendLine("Also supported (individual latitude): " + string.Join(", ",
                    latitude.Select(l => $"{Escape(values.GetValueOrDefault(l.ValueId)?.Title ?? l.ValueId)} ({Label(values.GetValueOrDefault(l.ValueId))}{l.WiserVotesReceived} wiser votes)")));
            }
        }

        md.AppendLine();
        md.AppendLine("## 3. Individual latitude");
        md.AppendLine();
        md.AppendLine("Values listed under \"also supported\" above did not win their context but have real support; a model may honour them when a user asks for them, never against a red line.");
        md.AppendLine();
        md.AppendLine(inv, $"_Algorithm fingerprint {spec.Algorithm.Fingerprint}, code {spec.Algorithm.CodeVersion}._");
        return md.ToString();
    }

    // Every line of a quoted text stays inside the quote.
    private static string Quoted(string text) => Escape(text).ReplaceLineEndings(Environment.NewLine + "> ");

    // Participant text is data, not markup: escape what Markdown would interpret (including raw HTML).
    internal static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if ("\\`*_{}[]<>()#+!|".Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
