using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MoralGraph.Core.Export;

/// <summary>
/// The <c>{values, edges}</c> shape of MAI's published <c>moral-graph-all-participants.json</c>. Values on
/// ranking edges with MAI's card fields (imported ones keep their original text); edges that feed the ranking.
/// Numeric ids are written as numbers, as in MAI's file.
/// </summary>
public sealed class MaiFormat : IExportFormat
{
    /// <inheritdoc />
    public string Name => "mai";

    /// <inheritdoc />
    public string MediaType => "application/json";

    /// <inheritdoc />
    public string FileExtension => ".mai.json";

    /// <inheritdoc />
    public async Task WriteAsync(ExportInput input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var edges = input.Result.Graphs.SelectMany(g => g.Edges).Where(e => e.InRanking).ToList();
        var onEdges = edges.SelectMany(e => new[] { e.SourceValueId, e.WiserValueId }).ToHashSet(StringComparer.Ordinal);
        json.WriteStartObject();
        json.WriteStartArray("values");
        foreach (var value in input.Snapshot.Values.Where(v => onEdges.Contains(v.Id)))
        {
            json.WriteStartObject();
            WriteId(json, "id", value.Id);
            json.WriteString("title", value.Title);
            json.WriteString("instructionsShort", value.Mai?.InstructionsShort ?? value.Description);
            json.WriteString("instructionsDetailed", value.Mai?.InstructionsDetailed ?? value.Description);
            json.WriteStartArray("evaluationCriteria");
            foreach (var policy in value.Policies)
            {
                json.WriteStringValue(policy);
            }

            json.WriteEndArray();
            if (value.Mai is { } mai)
            {
                json.WriteString("createdAt", mai.CreatedAt);
                json.WriteString("updatedAt", mai.UpdatedAt);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("edges");
        foreach (var edge in edges)
        {
            json.WriteStartObject();
            WriteId(json, "sourceValueId", edge.SourceValueId);
            WriteId(json, "wiserValueId", edge.WiserValueId);
            json.WriteStartArray("contexts");
            foreach (var context in edge.Contexts)
            {
                json.WriteStringValue(context);
            }

            json.WriteEndArray();
            json.WriteStartObject("counts");
            json.WriteNumber("markedWiser", edge.Counts.MarkedWiser);
            json.WriteNumber("markedNotWiser", edge.Counts.MarkedNotWiser);
            json.WriteNumber("markedLessWise", edge.Counts.MarkedLessWise);
            json.WriteNumber("markedUnsure", edge.Counts.MarkedUnsure);
            json.WriteNumber("impressions", edge.Counts.Impressions);
            json.WriteEndObject();
            json.WriteStartObject("summary");
            json.WriteNumber("wiserLikelihood", edge.WiserLikelihood);
            json.WriteNumber("entropy", edge.Entropy);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static void WriteId(Utf8JsonWriter json, string name, string id)
    {
        // Only ids that read back as the same text become numbers ("007" stays a string, or it would meet "7").
        if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number.ToString(CultureInfo.InvariantCulture) == id)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteString(name, id);
        }
    }
}
