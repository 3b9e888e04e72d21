using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MoralGraph.Core.Export;
using MoralGraph.Core.Studies;

namespace MoralGraph.Core.Legitimacy;

/// <summary>
/// The legitimacy report as a facilitator publishes it: one page of Markdown or self-contained HTML (inline CSS, no
/// script, every text escaped), or JSON. Only counts and the study's own titles appear, never a participant's words.
/// </summary>
public static class LegitimacyDocument
{
    /// <summary>The formats, as <c>--format</c> and <c>?format=</c> name them.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["json", "markdown", "html"];

    /// <summary>The format names joined for messages (<c>json|markdown|html</c>).</summary>
    public static string Names => string.Join("|", Formats);

    /// <summary>The canonical name of <paramref name="format"/> (case-insensitive; null or empty is json), or null when it is not one.</summary>
    public static string? Find(string? format) =>
        string.IsNullOrEmpty(format) ? "json" : Formats.FirstOrDefault(f => string.Equals(f, format, StringComparison.OrdinalIgnoreCase));

    /// <summary>The HTTP media type of <paramref name="format"/>.</summary>
    public static string MediaType(string format) => format switch
    {
        "markdown" => "text/markdown; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        _ => "application/json; charset=utf-8",
    };

    /// <summary>The file extension of <paramref name="format"/>, with its dot.</summary>
    public static string FileExtension(string format) => format switch
    {
        "markdown" => ".md",
        "html" => ".html",
        _ => ".json",
    };

    /// <summary>The report of <paramref name="study"/> in <paramref name="format"/> (see <see cref="Formats"/>).</summary>
    public static string Render(string format, LegitimacyReport report, Study study) => format switch
    {
        "json" => ToJson(report),
        "markdown" => ToMarkdown(report, study),
        "html" => ToHtml(report, study),
        _ => throw new ArgumentException($"'{format}' is not a legitimacy report format; use {Names}.", nameof(format)),
    };

    /// <summary>The report as JSON, the same object as the alignment spec's <c>legitimacy</c> block.</summary>
    public static string ToJson(LegitimacyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = AlignmentSpecJson.Options.Encoder, Indented = true, NewLine = "\n" }))
        {
            Write(json, report);
        }

        return Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
    }

    /// <summary>
    /// Writes the report as one JSON object: the alignment spec's <c>legitimacy</c> block (see its schema) and the JSON
    /// report. Written field by field, in a fixed order, so a release's bytes do not depend on a serializer's choices.
    /// </summary>
    internal static void Write(Utf8JsonWriter json, LegitimacyReport report)
    {
        json.WriteStartObject();
        json.WriteNumber("agreeFrom", report.AgreeFrom);
        json.WriteStartArray("steps");
        foreach (var step in report.Steps)
        {
            json.WriteStartObject();
            json.WriteString("step", step.Step);
            json.WriteNumber("participants", step.Participants);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteStatements(json, report.Statements);
        json.WriteStartArray("questions");
        foreach (var question in report.Questions)
        {
            json.WriteStartObject();
            json.WriteString("questionId", question.QuestionId);
            json.WriteNumber("participants", question.Participants);
            WriteStatements(json, question.Statements);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStatements(Utf8JsonWriter json, IReadOnlyList<StatementAgreement> statements)
    {
        json.WriteStartArray("statements");
        foreach (var statement in statements)
        {
            json.WriteStartObject();
            json.WriteString("statementId", statement.StatementId);
            json.WriteString("statement", statement.Statement);
            json.WriteNumber("respondents", statement.Respondents);
            json.WriteNumber("agreeing", statement.Agreeing);
            if (statement.Share is { } share && statement.Low is { } low && statement.High is { } high)
            {
                json.WriteNumber("share", share);
                json.WriteNumber("low", low);
                json.WriteNumber("high", high);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>The report as one page of Markdown.</summary>
    public static string ToMarkdown(LegitimacyReport report, Study study)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(study);
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# Legitimacy report: {MarkdownFormat.Escape(study.Title)}");
        md.AppendLine();
        md.AppendLine(Summary(report));
        md.AppendLine();
        md.AppendLine("## What participants said");
        md.AppendLine();
        StatementTable(report.Statements);
        md.AppendLine("## How far participants got");
        md.AppendLine();
        md.AppendLine("| Step | Participants |");
        md.AppendLine("|---|---:|");
        foreach (var step in report.Steps)
        {
            md.AppendLine(inv, $"| {StepName(step)} | {step.Participants} |");
        }

        md.AppendLine();
        if (report.Questions.Count > 1)
        {
            md.AppendLine("## By question");
            md.AppendLine();
            foreach (var question in report.Questions)
            {
                md.AppendLine(inv, $"### {MarkdownFormat.Escape(QuestionTitle(study, question.QuestionId))}");
                md.AppendLine();
                md.AppendLine(inv, $"{Participants(question.Participants)} chose this question.");
                md.AppendLine();
                StatementTable(question.Statements);
            }
        }

        return md.ToString();

        void StatementTable(IReadOnlyList<StatementAgreement> statements)
        {
            md.AppendLine("| Statement | Agreed | Share | 95 % interval |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var statement in statements)
            {
                md.AppendLine(inv, $"| {MarkdownFormat.Escape(Capitalized(statement.Statement))} | {statement.Agreeing} of {statement.Respondents} | {Percent(statement.Share)} | {Interval(statement)} |");
            }

            md.AppendLine();
        }
    }

    /// <summary>The report as one self-contained HTML page (inline CSS, no script, no outside resource).</summary>
    public static string ToHtml(LegitimacyReport report, Study study)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(study);
        var html = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var title = $"Legitimacy report: {study.Title}";
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\">");
        html.AppendLine("<head>");
        html.AppendLine("<meta charset=\"utf-8\">");
        html.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.AppendLine(inv, $"<title>{Html(title)}</title>");
        html.AppendLine("""
            <style>
            body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
            table { border-collapse: collapse; width: 100%; margin: 0 0 1.5rem; }
            caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
            th, td { border-bottom: 1px solid #ccc; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
            td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            .note { color: #444; }
            </style>
            """);
        html.AppendLine("</head>");
        html.AppendLine("<body>");
        html.AppendLine(inv, $"<h1>{Html(title)}</h1>");
        html.AppendLine(inv, $"<p class=\"note\">{Html(Summary(report))}</p>");
        html.AppendLine("<h2>What participants said</h2>");
        StatementTable("Agreement with each statement, whole study", report.Statements);
        html.AppendLine("<h2>How far participants got</h2>");
        html.AppendLine("<table>");
        html.AppendLine("<caption>Participants who did each step</caption>");
        html.AppendLine("<thead><tr><th scope=\"col\">Step</th><th scope=\"col\">Participants</th></tr></thead>");
        html.AppendLine("<tbody>");
        foreach (var step in report.Steps)
        {
            html.AppendLine(inv, $"<tr><th scope=\"row\">{Html(StepName(step))}</th><td class=\"number\">{step.Participants}</td></tr>");
        }

        html.AppendLine("</tbody>");
        html.AppendLine("</table>");
        if (report.Questions.Count > 1)
        {
            html.AppendLine("<h2>By question</h2>");
            foreach (var question in report.Questions)
            {
                html.AppendLine(inv, $"<h3>{Html(QuestionTitle(study, question.QuestionId))}</h3>");
                html.AppendLine(inv, $"<p>{Html(Participants(question.Participants))} chose this question.</p>");
                StatementTable($"Agreement with each statement, {QuestionTitle(study, question.QuestionId)}", question.Statements);
            }
        }

        html.AppendLine("</body>");
        html.AppendLine("</html>");
        return html.ToString();

        void StatementTable(string caption, IReadOnlyList<StatementAgreement> statements)
        {
            html.AppendLine("<table>");
            html.AppendLine(inv, $"<caption>{Html(caption)}</caption>");
            html.AppendLine("<thead><tr><th scope=\"col\">Statement</th><th scope=\"col\">Agreed</th><th scope=\"col\">Share</th><th scope=\"col\">95 % interval</th></tr></thead>");
            html.AppendLine("<tbody>");
            foreach (var statement in statements)
            {
                html.AppendLine(inv,
                    $"<tr><th scope=\"row\">{Html(Capitalized(statement.Statement))}</th><td class=\"number\">{statement.Agreeing} of {statement.Respondents}</td><td class=\"number\">{Html(Percent(statement.Share))}</td><td class=\"number\">{Html(Interval(statement))}</td></tr>");
            }

            html.AppendLine("</tbody>");
            html.AppendLine("</table>");
        }
    }

    /// <summary>A share as the report prints it: <c>88.9%</c>, or an em dash when no one answered.</summary>
    public static string Percent(double? share) => share is { } value ? (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    /// <summary>A statement's interval as the report prints it: <c>56.5%–98.0%</c>, or an em dash when no one answered.</summary>
    public static string Interval(StatementAgreement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return statement.Low is null || statement.High is null ? "—" : $"{Percent(statement.Low)}–{Percent(statement.High)}";
    }

    /// <summary>A step's name (its id when unknown).</summary>
    public static string StepName(LegitimacyStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return LegitimacyReport.StepNames.GetValueOrDefault(step.Step, step.Step);
    }

    /// <summary>A statement as the start of a sentence or a table row.</summary>
    public static string Capitalized(string statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return statement.Length == 0 ? statement : char.ToUpperInvariant(statement[0]) + statement[1..];
    }

    private static string Summary(LegitimacyReport report) =>
        $"{Participants(report.Participants)} took part (those who withdrew are not counted) and {report.SurveyRespondents} answered the closing survey. " +
        $"A participant agrees with a statement when they answer {report.AgreeFrom} or more on its scale of 1 (not at all) to 5 (very much); " +
        "the share is of those who answered that question, and the interval is its Wilson 95 % interval.";

    private static string Participants(int count) => count == 1 ? "1 participant" : $"{count} participants";

    private static string QuestionTitle(Study study, string questionId) => study.FindQuestion(questionId)?.Title ?? questionId;

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
