using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MoralGraph.Core.Export;

namespace MoralGraph.Core.Evaluation;

/// <summary>Counts over a set of cases.</summary>
/// <param name="Cases">Cases in the set.</param>
/// <param name="Judged">Cases answered and judged.</param>
/// <param name="Unjudged">Cases answered but without a usable verdict.</param>
/// <param name="Unanswered">Cases without an answer.</param>
/// <param name="PoliciesJudged">Policies of the judged cases.</param>
/// <param name="PoliciesAttended">Of those, the ones attended to.</param>
/// <param name="Share">Policies attended ÷ policies judged (null when nothing was judged).</param>
/// <param name="MeanContextShare">The mean of the judged cases' shares, each context weighing the same (null when nothing was judged).</param>
/// <param name="RedLinesCrossed">Red lines crossed, summed over the judged cases.</param>
/// <param name="CasesCrossingRedLines">Judged cases crossing at least one red line.</param>
public sealed record EvaluationTotals(
    int Cases, int Judged, int Unjudged, int Unanswered, int PoliciesJudged, int PoliciesAttended, double? Share, double? MeanContextShare,
    int RedLinesCrossed, int CasesCrossingRedLines)
{
    /// <summary>The totals of <paramref name="results"/>.</summary>
    public static EvaluationTotals Of(IReadOnlyCollection<CaseResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var judged = results.Where(r => r.Status == CaseStatus.Judged).ToList();
        var policies = judged.Sum(r => r.PolicyCount);
        var attended = judged.Sum(r => r.Attended ?? 0);
        return new EvaluationTotals(
            results.Count, judged.Count, results.Count(r => r.Status == CaseStatus.Unjudged), results.Count(r => r.Status == CaseStatus.Unanswered),
            policies, attended, policies > 0 ? (double)attended / policies : null, judged.Count > 0 ? judged.Average(r => r.Share!.Value) : null,
            judged.Sum(r => r.RedLinesCrossed.Count), judged.Count(r => r.RedLinesCrossed.Count > 0));
    }
}

/// <summary>One question's row of the overall table.</summary>
/// <param name="QuestionId">The question.</param>
/// <param name="Title">Its title.</param>
/// <param name="Totals">Its counts.</param>
public sealed record QuestionTotals(string QuestionId, string Title, EvaluationTotals Totals);

/// <summary>
/// The report of <c>moralgraph evaluate</c>: what was checked against which spec, by which judge, and how the model did —
/// overall, per question, per context, and the lowest-scoring cases. Made only from its inputs (no clock), so the same
/// files give the same report byte for byte.
/// </summary>
/// <param name="Study">The study's slug.</param>
/// <param name="Title">Its title.</param>
/// <param name="ReleaseId">The release, when the spec is one.</param>
/// <param name="SpecContentHash">The spec's content hash.</param>
/// <param name="Responses">Where the responses came from (model, or file with its SHA-256).</param>
/// <param name="Judge">Where the verdicts came from (model with its prompt, or file with its SHA-256).</param>
/// <param name="Overall">The counts over every case.</param>
/// <param name="Questions">The counts per question, in the spec's order.</param>
/// <param name="Contexts">Every case, in the spec's order.</param>
/// <param name="Lowest">The judged cases with the lowest shares (lowest first; ties: more red lines crossed first, then by id).</param>
public sealed record EvaluationReport(
    string Study, string Title, string? ReleaseId, string SpecContentHash, EvaluationSource Responses, EvaluationSource Judge,
    EvaluationTotals Overall, IReadOnlyList<QuestionTotals> Questions, IReadOnlyList<CaseResult> Contexts, IReadOnlyList<CaseResult> Lowest)
{
    private static readonly JsonSerializerOptions JsonOptions = new(AlignmentSpecJson.Options)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>How much of a response the Markdown quotes for a lowest-scoring case.</summary>
    public const int ExcerptLength = 400;

    /// <summary>The report on <paramref name="results"/>.</summary>
    public static EvaluationReport Create(AlignmentSpec spec, EvaluationSource responses, EvaluationSource judge, IReadOnlyList<CaseResult> results, int lowest)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(results);
        var questions = spec.Questions
            .Select(q => new QuestionTotals(q.Id, q.Title, EvaluationTotals.Of([.. results.Where(r => r.QuestionId == q.Id)])))
            .Where(q => q.Totals.Cases > 0)
            .ToList();
        var lowestCases = results.Where(r => r.Status == CaseStatus.Judged)
            .OrderBy(r => r.Share)
            .ThenByDescending(r => r.RedLinesCrossed.Count)
            .ThenBy(r => r.QuestionId, StringComparer.Ordinal)
            .ThenBy(r => r.ContextId, StringComparer.Ordinal)
            .Take(lowest)
            .ToList();
        return new EvaluationReport(
            spec.Study.Slug, spec.Study.Title, spec.ReleaseId, spec.ContentHash ?? AlignmentSpecJson.ComputeHash(spec), responses, judge,
            EvaluationTotals.Of(results), questions, results, lowestCases);
    }

    /// <summary>The report as indented JSON (camelCase, nulls left out).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions) + "\n";

    /// <summary>The report as Markdown: overall table, red lines crossed, lowest-scoring cases, every context, what went unjudged, the judge prompt.</summary>
    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(inv, $"# Evaluation: {Cell(Title)}");
        md.AppendLine();
        md.AppendLine(inv, $"Against the alignment spec of `{Study}`{(ReleaseId is { } release ? $", release {release}" : "")} (spec `{SpecContentHash}`).");
        md.AppendLine();
        md.AppendLine(inv, $"- Responses: {Describe(Responses)}");
        md.AppendLine(inv, $"- Judge: {Describe(Judge)}");
        md.AppendLine();
        md.AppendLine("## Overall");
        md.AppendLine();
        md.AppendLine("| question | cases | judged | unjudged | unanswered | policies attended | share | mean context share | red lines crossed |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var question in Questions)
        {
            TotalsRow(md, Cell(question.Title), question.Totals);
        }

        TotalsRow(md, "**all**", Overall);

        var crossed = Contexts.Where(c => c.RedLinesCrossed.Count > 0).ToList();
        md.AppendLine();
        md.AppendLine("## Red lines crossed");
        md.AppendLine();
        if (crossed.Count == 0)
        {
            md.AppendLine("None in the judged responses.");
        }

        foreach (var result in crossed)
        {
            foreach (var line in result.RedLinesCrossed)
            {
                md.AppendLine(inv, $"- {Cell(result.Context)} (`{result.QuestionId}`/`{result.ContextId}`): **{Cell(line.Statement)}** — “{Cell(line.Quote ?? "")}”");
            }
        }

        md.AppendLine();
        md.AppendLine("## Lowest-scoring");
        foreach (var result in Lowest)
        {
            md.AppendLine();
            md.AppendLine(inv, $"### {Cell(result.Context)} — {result.Attended}/{result.PolicyCount} ({Percent(result.Share)})");
            md.AppendLine();
            md.AppendLine(inv, $"`{result.QuestionId}`/`{result.ContextId}`{(result.Model is { } model ? $", model `{model}`" : "")}");
            md.AppendLine();
            md.AppendLine(inv, $"> {Cell(Excerpt(result.Response ?? ""))}");
            md.AppendLine();
            foreach (var policy in result.Policies.Where(p => !p.Attended))
            {
                md.AppendLine(inv, $"- not attended: {policy.Number}. {Cell(policy.Policy)}");
            }

            foreach (var line in result.RedLinesCrossed)
            {
                md.AppendLine(inv, $"- red line crossed: {Cell(line.Statement)} — “{Cell(line.Quote ?? "")}”");
            }
        }

        md.AppendLine();
        md.AppendLine("## Per context");
        md.AppendLine();
        md.AppendLine("| question | context | status | attended | share | red lines crossed |");
        md.AppendLine("|---|---|---|---:|---:|---:|");
        foreach (var result in Contexts)
        {
            var judged = result.Status == CaseStatus.Judged;
            md.AppendLine(inv,
                $"| `{result.QuestionId}` | {Cell(result.Context)} | {result.Status.ToString().ToLowerInvariant()} | {(judged ? $"{result.Attended}/{result.PolicyCount}" : "–")} | {Percent(result.Share)} | {(judged ? result.RedLinesCrossed.Count.ToString(inv) : "–")} |");
        }

        var missing = Contexts.Where(c => c.Status != CaseStatus.Judged).ToList();
        if (missing.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Not judged");
            md.AppendLine();
            foreach (var result in missing)
            {
                md.AppendLine(inv, $"- `{result.QuestionId}`/`{result.ContextId}` {result.Status.ToString().ToLowerInvariant()}: {Cell(result.Reason ?? "")}");
            }
        }

        if (Judge.PromptText is { } prompt)
        {
            md.AppendLine();
            md.AppendLine(inv, $"## Judge prompt `{Judge.PromptId}` ({Judge.PromptHash})");
            md.AppendLine();
            md.AppendLine("````text");
            md.AppendLine(prompt.TrimEnd());
            md.AppendLine("````");
        }

        return md.ToString();
    }

    private static void TotalsRow(StringBuilder md, string label, EvaluationTotals totals) =>
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {label} | {totals.Cases} | {totals.Judged} | {totals.Unjudged} | {totals.Unanswered} | {totals.PoliciesAttended}/{totals.PoliciesJudged} | {Percent(totals.Share)} | {Percent(totals.MeanContextShare)} | {totals.RedLinesCrossed} |");

    private static string Describe(EvaluationSource source)
    {
        var models = source.Models.Count > 0 ? $"model {string.Join(", ", source.Models.Select(m => $"`{m}`"))}" : null;
        var parts = source.Kind == "file"
            ? new[] { $"file `{source.File}` ({source.Sha256})", models }
            : [models ?? "a model", source.PromptId is { } id ? $"prompt `{id}` ({source.PromptHash})" : null];
        return string.Join(", ", parts.Where(p => p is not null));
    }

    /// <summary>A share as a whole percentage, or a dash.</summary>
    public static string Percent(double? share) =>
        share is { } value ? (value * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "–";

    private static string Excerpt(string text) => text.Length <= ExcerptLength ? text : text[..(ExcerptLength - 1)].TrimEnd() + "…";

    /// <summary>Text safe in a table cell or a line: whitespace collapsed (a newline would end the row), Markdown escaped.</summary>
    private static string Cell(string text) => MarkdownFormat.Escape(TextNormalization.CollapseWhitespace(text));
}
