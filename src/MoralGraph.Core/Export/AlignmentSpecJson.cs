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
    private const string HashPrefix = "sha256:";

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

    /// <summary>Serializes the spec with its content hash filled in.</summary>
    public static string Write(AlignmentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return JsonSerializer.Serialize(spec with { ContentHash = ComputeHash(spec) }, Options);
    }

    /// <summary>
    /// Streams the spec with its content hash to <paramref name="output"/>. Serializes twice (once into the hash,
    /// once out) rather than building a document in memory, so a spec of millions of edges needs no copy of itself.
    /// </summary>
    public static async Task WriteAsync(AlignmentSpec spec, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var hashed = spec with { ContentHash = ComputeHash(spec) };
        await JsonSerializer.SerializeAsync(output, hashed, Options, cancellationToken);
    }

    /// <summary>The hash a spec's content has (what <see cref="Write"/> puts in <c>contentHash</c>).</summary>
    public static string ComputeHash(AlignmentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var hashing = new HashingStream();
        JsonSerializer.Serialize(hashing, spec with { ContentHash = null, GeneratedAt = null }, CompactOptions);
        return HashPrefix + Convert.ToHexStringLower(hashing.GetHash());
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

    private static string ReadSchema()
    {
        using var stream = typeof(AlignmentSpecJson).Assembly.GetManifestResourceStream("MoralGraph.AlignmentSpec.v1.schema.json")
            ?? throw new InvalidOperationException("The alignment spec schema is not embedded in MoralGraph.Core.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>A write-only stream that feeds SHA-256 and keeps nothing.</summary>
internal sealed class HashingStream : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public byte[] GetHash() => _hash.GetHashAndReset();

    public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
