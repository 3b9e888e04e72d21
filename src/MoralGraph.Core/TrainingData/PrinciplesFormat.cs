using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using MoralGraph.Core.Export;

namespace MoralGraph.Core.TrainingData;

/// <summary>One principle: an attentional policy of a winning value.</summary>
/// <param name="Number">Its place in its context's list, from 1.</param>
/// <param name="Text">The policy.</param>
/// <param name="ValueId">The winning value it comes from.</param>
public sealed record Principle(int Number, string Text, string ValueId);

/// <summary>The principles of one question and context.</summary>
/// <param name="QuestionId">The question, or null for a graph over all questions.</param>
/// <param name="ContextId">The context, or null for a graph over all contexts.</param>
/// <param name="Question">The question's prompt, when the graph has one.</param>
/// <param name="Context">The context's text, when the graph has one.</param>
/// <param name="WinningValueIds">The values whose policies these are.</param>
/// <param name="Principles">The numbered list.</param>
public sealed record ContextPrinciples(string? QuestionId, string? ContextId, string? Question, string? Context, IReadOnlyList<string> WinningValueIds, IReadOnlyList<Principle> Principles);

/// <summary>What <c>principles.json</c> holds.</summary>
/// <param name="Study">The study's slug.</param>
/// <param name="Title">Its title.</param>
/// <param name="ReleaseId">The release, when the spec is one.</param>
/// <param name="SpecContentHash">The spec's content hash.</param>
/// <param name="RedLines">What to never do; they take precedence over every principle.</param>
/// <param name="Contexts">The principles per question and context.</param>
public sealed record PrinciplesDocument(string Study, string Title, string? ReleaseId, string SpecContentHash, IReadOnlyList<string> RedLines, IReadOnlyList<ContextPrinciples> Contexts);

/// <summary>
/// <c>principles</c>: per context, the winning values' attentional policies as a numbered list, ready to use as a system
/// prompt or a constitution; a zip of <c>principles.json</c>, <c>principles.md</c> and the dataset card <c>README.md</c>.
/// </summary>
public sealed class PrinciplesFormat : IExportFormat
{
    /// <inheritdoc />
    public string Name => "principles";

    /// <inheritdoc />
    public string MediaType => "application/zip";

    /// <inheritdoc />
    public string FileExtension => ".principles.zip";

    /// <summary>The principles of a spec: per graph with winners, their policies in rank order, each policy once.</summary>
    public static PrinciplesDocument Build(AlignmentSpec spec, string contentHash)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var values = spec.Values.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var questions = spec.Questions.ToDictionary(q => q.Id, StringComparer.Ordinal);
        var contexts = new List<ContextPrinciples>();
        foreach (var community in spec.Layers.CommunityValues.Where(c => c.WinningValueIds.Count > 0))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var principles = new List<Principle>();
            foreach (var valueId in community.WinningValueIds)
            {
                foreach (var policy in values.GetValueOrDefault(valueId)?.Policies ?? [])
                {
                    if (seen.Add(policy))
                    {
                        principles.Add(new Principle(principles.Count + 1, policy, valueId));
                    }
                }
            }

            var question = community.QuestionId is { } id ? questions.GetValueOrDefault(id) : null;
            contexts.Add(new ContextPrinciples(community.QuestionId, community.ContextId, question?.Prompt, community.ContextText, community.WinningValueIds, principles));
        }

        return new PrinciplesDocument(spec.Study.Slug, spec.Study.Title, spec.ReleaseId, contentHash, [.. spec.Layers.RedLines.Select(r => r.Statement)], contexts);
    }

    /// <summary>The principles as Markdown: red lines first, then per question and context a numbered list.</summary>
    public static string ToMarkdown(PrinciplesDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(inv, $"# Principles: {MarkdownFormat.Escape(document.Title)}");
        md.AppendLine();
        md.AppendLine(inv, $"From the moral graph of `{document.Study}`{(document.ReleaseId is { } release ? $", release {release}" : "")} (spec `{document.SpecContentHash}`). Red lines come first; where a context below applies, attend to its principles.");
        if (document.RedLines.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Never");
            md.AppendLine();
            foreach (var line in document.RedLines)
            {
                md.AppendLine(inv, $"- {MarkdownFormat.Escape(line)}");
            }
        }

        foreach (var context in document.Contexts)
        {
            md.AppendLine();
            md.AppendLine(inv, $"## {MarkdownFormat.Escape(context.Context ?? "In every context")}");
            md.AppendLine();
            if (context.Question is { } question)
            {
                md.AppendLine(inv, $"Question: {MarkdownFormat.Escape(question)}");
                md.AppendLine();
            }

            md.AppendLine("Attend to:");
            md.AppendLine();
            foreach (var principle in context.Principles)
            {
                md.AppendLine(inv, $"{principle.Number}. {MarkdownFormat.Escape(principle.Text)}");
            }
        }

        return md.ToString();
    }

    /// <inheritdoc />
    public async Task WriteAsync(ExportInput input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var contentHash = input.Spec.ContentHash ?? AlignmentSpecJson.ComputeHash(input.Spec);
        var document = Build(input.Spec, contentHash);
        await using var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        await DatasetCard.WriteEntryAsync(archive, "principles.json", JsonSerializer.Serialize(document, AlignmentSpecJson.Options), cancellationToken);
        await DatasetCard.WriteEntryAsync(archive, "principles.md", ToMarkdown(document), cancellationToken);
        var card = DatasetCard.Write(
            input, "Principles",
            """
            Per question and context, the attentional policies of the values participants found wisest there, as a numbered list of
            principles: a system prompt or a constitution a model can be given, with the study's red lines before them.
            """,
            """
            A context's principles are the policies of its winning values (the community values layer of the spec: the values ranked first,
            several when their scores tie), in rank order, each policy once. Contexts without a winner (no edge fed their ranking) are left
            out. `valueId` links each principle back to its value in the spec.
            """,
            [("principles.json", "the principles per question and context, with the values they come from"), ("principles.md", "the same as Markdown"), ("README.md", "this card")],
            [("contexts", document.Contexts.Count), ("principles", document.Contexts.Sum(c => (long)c.Principles.Count)), ("red lines", document.RedLines.Count)],
            ["moral-graph", "principles", "constitution", "alignment"],
            contentHash);
        await DatasetCard.WriteEntryAsync(archive, "README.md", card, cancellationToken);
    }
}
