using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MoralGraph.Core.Events;

/// <summary>
/// How events are serialized and chained. hash(n) = SHA-256(hash(n−1) ‖ "\n" ‖ n ‖ "\n" ‖ payload(n)),
/// hex lower-case; hash(0) is 64 zeros. Changing, removing or reordering any stored event breaks every
/// hash after it, which is what <c>moralgraph audit verify</c> checks.
/// </summary>
public static class EventHashChain
{
    /// <summary>The previous-hash of the first event.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>Serializer options for event payloads: camelCase, enums as strings, no indentation.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    /// <summary>The payload stored and hashed for an event.</summary>
    public static string Serialize(StudyEvent studyEvent) => JsonSerializer.Serialize(studyEvent, JsonOptions);

    /// <summary>Reads a stored payload back into its event.</summary>
    public static StudyEvent Deserialize(string payloadJson) =>
        JsonSerializer.Deserialize<StudyEvent>(payloadJson, JsonOptions)
        ?? throw new JsonException("An event payload was null.");

    /// <summary>The chain hash of the event at <paramref name="sequence"/>.</summary>
    public static string ComputeHash(string previousHash, long sequence, string payloadJson)
    {
        var bytes = Encoding.UTF8.GetBytes(FormattableString.Invariant($"{previousHash}\n{sequence}\n{payloadJson}"));
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>
    /// What is wrong with an event stored as the next link of a chain whose last verified event was
    /// <paramref name="expectedSequence"/> − 1 with hash <paramref name="previousHash"/>, or null when it is that link:
    /// the one check behind every store's <c>audit verify</c> and <c>store copy</c>.
    /// </summary>
    public static string? LinkProblem(long expectedSequence, string previousHash, long sequence, string storedPreviousHash, string payloadJson, string hash) =>
        sequence != expectedSequence ? FormattableString.Invariant($"event {expectedSequence} is missing (found {sequence} next)")
        : storedPreviousHash != previousHash ? "its previous-hash does not match the event before it"
        : ComputeHash(previousHash, sequence, payloadJson) != hash ? "its content does not match its hash (the event was altered)"
        : null;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
