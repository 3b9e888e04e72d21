using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace MoralGraph.Core.Export;

/// <summary>
/// CSV tables (RFC 4180, UTF-8, header row) in one zip: <c>values.csv</c>, <c>edges.csv</c>,
/// <c>rankings.csv</c> and <c>votes.csv</c>. Participants appear only by pseudonymous id; vote comments
/// are free text that may identify someone and are left out.
/// </summary>
/// <remarks>
/// Text cells that a spreadsheet would read as a formula (beginning with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or
/// a carriage return) are written with a single quote in front, OWASP's rule against CSV injection: a card titled
/// <c>=HYPERLINK(…)</c> opens as that text, not as a link. Every text cell is treated so, ids included, since imports
/// bring ids from elsewhere. Numbers this format writes itself (counts, ranks, scores) are not text anyone typed and
/// stay numbers, negative ones too, so they still sort and sum.
/// </remarks>
public sealed class CsvFormat : IExportFormat
{
    /// <summary>The tables in the archive, by file name.</summary>
    public static readonly IReadOnlyList<string> TableNames = ["values", "edges", "rankings", "votes"];

    // OWASP's list: what a spreadsheet takes as the start of a formula (tab and carriage return can hide one behind them).
    private const string FormulaStarts = "=+-@\t\r";

    /// <inheritdoc />
    public string Name => "csv";

    /// <inheritdoc />
    public string MediaType => "application/zip";

    /// <inheritdoc />
    public string FileExtension => ".zip";

    /// <inheritdoc />
    public async Task WriteAsync(ExportInput input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var table in TableNames)
        {
            var entry = archive.CreateEntry(table + ".csv", CompressionLevel.Fastest);

            // A fixed time makes the same data give the same bytes (reproducible downloads, stable ETags).
            entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
            await using var stream = await entry.OpenAsync(cancellationToken);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            await writer.WriteAsync(WriteTable(input, table).AsMemory(), cancellationToken);
        }
    }

    /// <summary>One table as CSV text.</summary>
    public static string WriteTable(ExportInput input, string table)
    {
        ArgumentNullException.ThrowIfNull(input);
        var csv = new StringBuilder();
        switch (table)
        {
            case "values":
                // Columns are only ever appended: scripts read them by position too.
                Row(csv, "valueId", "title", "description", "policies", "participantCount", "memberCardIds", "language");
                foreach (var v in input.Spec.Values)
                {
                    Row(csv, v.Id, v.Title, v.Description, string.Join(" | ", v.Policies), Num(v.ParticipantCount), string.Join(" ", v.Members.Select(m => m.CardId)),
                        v.Language ?? "");
                }

                break;
            case "edges":
                Row(csv, "questionId", "contextId", "sourceValueId", "wiserValueId", "markedWiser", "markedNotWiser", "markedLessWise", "markedUnsure", "impressions", "wiserLikelihood", "entropy", "inRanking", "contested");
                foreach (var g in input.Spec.Graphs)
                {
                    foreach (var e in g.Edges)
                    {
                        Row(csv, g.QuestionId ?? "", g.ContextId ?? "", e.SourceValueId, e.WiserValueId, Num(e.Counts.MarkedWiser), Num(e.Counts.MarkedNotWiser),
                            Num(e.Counts.MarkedLessWise), Num(e.Counts.MarkedUnsure), Num(e.Counts.Impressions), Num(e.Summary.WiserLikelihood), Num(e.Summary.Entropy),
                            e.InRanking ? "true" : "false", e.Contested ? "true" : "false");
                    }
                }

                break;
            case "rankings":
                Row(csv, "questionId", "contextId", "valueId", "rank", "score", "winShare", "scoreLow", "scoreHigh");
                foreach (var g in input.Spec.Graphs)
                {
                    foreach (var r in g.Ranking)
                    {
                        Row(csv, g.QuestionId ?? "", g.ContextId ?? "", r.ValueId, Num(r.Rank), Num(r.Score), Num(r.WinShare), Num(r.ScoreLow), Num(r.ScoreHigh));
                    }
                }

                break;
            case "votes":
                Row(csv, "voteId", "participantId", "fromValueId", "toValueId", "questionId", "contextId", "verdict", "castAt");
                foreach (var v in input.Snapshot.Votes)
                {
                    Row(csv, v.VoteId, v.ParticipantId, v.FromValueId, v.ToValueId, v.Context.QuestionId, v.Context.ContextId,
                        v.Verdict.ToString().ToLowerInvariant(), v.CastAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(table), table, $"Unknown table; use {string.Join(", ", TableNames)}.");
        }

        return csv.ToString();
    }

    private static Cell Num(double? number) => Cell.Number(number?.ToString("R", CultureInfo.InvariantCulture) ?? "");

    private static Cell Num(int number) => Cell.Number(number.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// <paramref name="text"/> as a spreadsheet shows it: with a single quote in front when it begins with a character
    /// that makes a spreadsheet evaluate the cell as a formula (OWASP's CSV injection rule); otherwise unchanged.
    /// </summary>
    public static string NeutralizeFormula(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && FormulaStarts.Contains(text[0]) ? "'" + text : text;
    }

    private static void Row(StringBuilder csv, params ReadOnlySpan<Cell> cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }

            var field = cells[i].IsNumber ? cells[i].Value : NeutralizeFormula(cells[i].Value);
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                csv.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                csv.Append(field);
            }
        }

        csv.Append("\r\n");
    }

    /// <summary>One cell: text (any string, neutralized on writing) or a number this format wrote itself.</summary>
    private readonly record struct Cell(string Value, bool IsNumber)
    {
        public static Cell Number(string formatted) => new(formatted, IsNumber: true);

        public static implicit operator Cell(string text) => new(text, IsNumber: false);
    }
}
