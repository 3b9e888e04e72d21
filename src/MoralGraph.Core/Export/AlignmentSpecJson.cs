using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MoralGraph.Core.Export;

/// <summary>
/// Writes and checks alignment spec JSON. The content hash is SHA-256 over the compact JSON of the
/// document without its <c>contentHash</c> and <c>generatedAt</c> fields, so two exports of the same
/// data and algorithm have the same hash whenever they were made.
/// </summary>
public static class AlignmentSpecJson
{
    /// <summary>What a content hash starts with.</summary>
    internal const string HashPrefix = "sha256:";

    /// <summary>Options used to write specs: camelCase, nulls omitted, non-ASCII kept readable.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    private static readonly JsonSerializerOptions CompactOptions = new(Options) { WriteIndented = false };

    /// <summary>The JSON Schema (draft-07) every spec written here validates against.</summary>
    public static string Schema { get; } = ReadSchema();

    /// <summary>The spec as JSON text with its content hash (see <see cref="WriteAsync"/> for the layout).</summary>
    public static string Write(AlignmentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var output = new MemoryStream();
        using var writer = new AlignmentSpecWriter(withOutput: true);
        foreach (var chunk in writer.Write(spec))
        {
            output.Write(chunk.Span);
        }

        return Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
    }

    /// <summary>
    /// Streams the spec to <paramref name="output"/> with <see cref="Utf8JsonWriter"/>, in chunks of about 64 KB, and
    /// returns its content hash, computed from the same bytes as they are written (the compact form without
    /// <c>contentHash</c> and <c>generatedAt</c>) and written last, as <c>contentHash</c>. Memory stays constant beyond the
    /// spec and the reconciliation it reads. The outer structure is indented; each item of the long arrays (values,
    /// rankings, edges, contested edges, latitude values) is one compact line, so the file is half the size of fully
    /// indented JSON, each edge is one line, and every item is formatted once for both the file and the hash.
    /// </summary>
    public static async Task<string> WriteAsync(AlignmentSpec spec, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new AlignmentSpecWriter(withOutput: true);
        foreach (var chunk in writer.Write(spec))
        {
            await output.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return writer.ContentHash!;
    }

    /// <summary>
    /// The hash a spec's content has (what <see cref="WriteAsync"/> puts in <c>contentHash</c>), from a pass that writes
    /// only the compact form into SHA-256: e.g. to send it as an ETag before streaming the spec.
    /// </summary>
    public static string ComputeHash(AlignmentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var writer = new AlignmentSpecWriter(withOutput: false);
        foreach (var _ in writer.Write(spec))
        {
        }

        return writer.ContentHash!;
    }

    /// <summary>
    /// The hash a parsed spec's content should carry. Gives the same bytes as serializing the record: parsed numbers
    /// keep their text, strings are re-escaped by the same encoder, and property order is kept.
    /// </summary>
    public static string ComputeHash(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var copy = document.DeepClone().AsObject();
        copy.Remove("contentHash");
        copy.Remove("generatedAt");
        var bytes = Encoding.UTF8.GetBytes(copy.ToJsonString(CompactOptions));
        return HashPrefix + Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Null when the document's <c>contentHash</c> matches its content; otherwise what is wrong.</summary>
    public static string? CheckHash(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document["contentHash"] is not JsonValue value || !value.TryGetValue<string>(out var stated))
        {
            return "contentHash is missing or is not a string.";
        }

        var actual = ComputeHash(document);
        return stated == actual ? null : $"contentHash is {stated} but the content hashes to {actual}: the file was changed after export.";
    }

    /// <summary>Reads a spec back into its record (for tools and round-trip tests).</summary>
    public static AlignmentSpec Read(string json) =>
        JsonSerializer.Deserialize<AlignmentSpec>(json, Options) ?? throw new JsonException("The spec is null.");

    /// <summary>Reads a spec from a stream (a file of any size, without holding its text).</summary>
    public static async Task<AlignmentSpec> ReadAsync(Stream input, CancellationToken cancellationToken = default) =>
        await JsonSerializer.DeserializeAsync<AlignmentSpec>(input, Options, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException("The spec is null.");

    private static string ReadSchema()
    {
        using var stream = typeof(AlignmentSpecJson).Assembly.GetManifestResourceStream("MoralGraph.AlignmentSpec.v1.schema.json")
            ?? throw new InvalidOperationException("The alignment spec schema is not embedded in MoralGraph.Core.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
