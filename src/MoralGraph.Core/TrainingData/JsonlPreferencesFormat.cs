using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using MoralGraph.Core.Export;

namespace MoralGraph.Core.TrainingData;

/// <summary>
/// <c>jsonl-preferences</c>: a zip of <c>preferences.jsonl</c> (one preference record per line, with <c>prompt</c>,
/// <c>chosen</c> and <c>rejected</c> as texts, the layout preference trainers such as DPO read) and its dataset card
/// <c>README.md</c>. Records are written one at a time, so memory stays constant whatever the number of edges.
/// </summary>
public sealed class JsonlPreferencesFormat : IExportFormat
{
    /// <summary>The records' file in the archive.</summary>
    public const string RecordsFile = "preferences.jsonl";

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public string Name => "jsonl-preferences";

    /// <inheritdoc />
    public string MediaType => "application/zip";

    /// <inheritdoc />
    public string FileExtension => ".preferences.zip";

    /// <inheritdoc />
    public async Task WriteAsync(ExportInput input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var contentHash = input.Spec.ContentHash ?? AlignmentSpecJson.ComputeHash(input.Spec);
        await using var drained = new DrainedStream(output);
        await using (var archive = new ZipArchive(drained, ZipArchiveMode.Create, leaveOpen: true))
        {
            long records = 0, contested = 0;
            var contexts = new HashSet<(string?, string?)>();
            await using (var stream = await DatasetCard.OpenEntryAsync(archive, RecordsFile, cancellationToken))
            {
                (records, contested) = await WriteRecordsAsync(input.Spec, contentHash, stream, contexts, () => drained.DrainAsync(cancellationToken), cancellationToken);
            }

            await DatasetCard.WriteEntryAsync(archive, "README.md", Card(input, contentHash, records, contested, contexts.Count), cancellationToken);
        }

        await drained.DrainAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the records as JSON lines, calling <paramref name="afterChunk"/> after each chunk of about 60 KB; returns how
    /// many records, and how many of them are contested.
    /// </summary>
    public static async Task<(long Records, long Contested)> WriteRecordsAsync(
        AlignmentSpec spec, string contentHash, Stream output, ISet<(string?, string?)>? contexts = null, Func<Task>? afterChunk = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        using var json = new Utf8JsonWriter(buffer, Compact);
        long records = 0, contested = 0;
        foreach (var record in PreferenceRecords.Of(spec, cancellationToken))
        {
            Write(json, record, spec, contentHash);
            json.Flush();
            json.Reset();
            buffer.GetSpan(1)[0] = (byte)'\n';
            buffer.Advance(1);
            records++;
            contested += record.Contested ? 1 : 0;
            contexts?.Add((record.QuestionId, record.ContextId));
            if (buffer.WrittenCount >= 60 * 1024)
            {
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
                if (afterChunk is not null)
                {
                    await afterChunk().ConfigureAwait(false);
                }
            }
        }

        await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        return (records, contested);
    }

    private static void Write(Utf8JsonWriter json, PreferenceRecord record, AlignmentSpec spec, string contentHash)
    {
        json.WriteStartObject();
        json.WriteString("id", record.Id);
        json.WriteString("prompt", record.Prompt);
        json.WriteString("chosen", record.Chosen.Text);
        json.WriteString("rejected", record.Rejected.Text);
        json.WriteNumber("weight", record.Weight);
        json.WriteNumber("confidence", record.Confidence);
        json.WriteBoolean("contested", record.Contested);
        json.WriteStartObject("tallies");
        json.WriteNumber("markedWiser", record.Tallies.MarkedWiser);
        json.WriteNumber("markedNotWiser", record.Tallies.MarkedNotWiser);
        json.WriteNumber("markedLessWise", record.Tallies.MarkedLessWise);
        json.WriteNumber("markedUnsure", record.Tallies.MarkedUnsure);
        json.WriteNumber("impressions", record.Tallies.Impressions);
        json.WriteEndObject();
        if (record.QuestionId is { } question)
        {
            json.WriteString("questionId", question);
        }

        if (record.ContextId is { } context)
        {
            json.WriteString("contextId", context);
        }

        WriteValue(json, "chosenValue", record.Chosen);
        WriteValue(json, "rejectedValue", record.Rejected);
        json.WriteStartObject("provenance");
        json.WriteString("study", spec.Study.Slug);
        if (spec.ReleaseId is { } release)
        {
            json.WriteString("releaseId", release);
        }

        json.WriteString("specContentHash", contentHash);
        json.WriteString("algorithmFingerprint", spec.Algorithm.Fingerprint);
        json.WriteString("rejectedValueId", record.Rejected.ValueId);
        json.WriteString("chosenValueId", record.Chosen.ValueId);
        Strings(json, "rejectedCardIds", record.Rejected.CardIds);
        Strings(json, "chosenCardIds", record.Chosen.CardIds);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, string name, PreferenceValue value)
    {
        json.WriteStartObject(name);
        json.WriteString("valueId", value.ValueId);
        json.WriteString("title", value.Title);
        json.WriteString("description", value.Description);
        Strings(json, "policies", value.Policies);
        if (value.Language is { } language)
        {
            // A trainer may keep one language, or pair records across languages knowingly.
            json.WriteString("language", language);
        }

        json.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static string Card(ExportInput input, string contentHash, long records, long contested, int contexts) => DatasetCard.Write(
        input, "Preference pairs",
        $"""
        Preference pairs from a moral graph: for a question in a context, the value participants judged wiser (`chosen`) and the value it was
        judged wiser than (`rejected`), as the values' cards (title, description, and what to attend to). One line per edge of the graph with
        real support, ready for preference training (DPO and its kin read `prompt`, `chosen`, `rejected`).
        """,
        $"""
        A record is made for each edge that feeds the ranking (it passed the profile's filter) and whose weight is above zero. `weight` is
        the edge's wiser likelihood as the profile computes it (the default profile: (wiser − not wiser) / (wiser + not wiser + unsure)); `confidence` is the Wilson 95 % lower bound of the share of
        "wiser" among them, low on few votes however unanimous; `tallies` are the votes themselves. `contested` marks edges where both
        directions have support or that lie on a cycle: consider leaving them out or weighting them down. `provenance` names the study,
        the spec (content hash, release), the algorithm fingerprint, and the values and cards of each side.
        """,
        [(RecordsFile, "one JSON preference record per line"), ("README.md", "this card")],
        [("preference records", records), ("of them contested", contested), ("contexts with a record", contexts)],
        ["moral-graph", "preferences", "dpo", "alignment"],
        contentHash);
}
