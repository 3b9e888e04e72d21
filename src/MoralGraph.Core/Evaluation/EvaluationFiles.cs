using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MoralGraph.Core.Evaluation;

/// <summary>A line of a responses or judge file that cannot be read; the message names the file and the line.</summary>
public sealed class EvaluationFileException(string message) : Exception(message);

/// <summary>
/// A responses file, so any model can be evaluated offline: JSON Lines, one object a line,
/// <c>{"questionId":"…","contextId":"…","response":"…","model":"…"}</c> (<c>model</c> optional). Each case at most once; a
/// case without a line is reported as not answered. Blank lines are skipped.
/// </summary>
public sealed class ResponsesFile : IResponseSource
{
    private static readonly HashSet<string> ResponseKeys = ["questionId", "contextId", "response", "model"];
    private readonly Dictionary<(string, string), ModelResponse> _responses;

    private ResponsesFile(EvaluationSource source, Dictionary<(string, string), ModelResponse> responses)
    {
        Source = source;
        _responses = responses;
    }

    /// <inheritdoc />
    public EvaluationSource Source { get; }

    /// <summary>Reads <paramref name="content"/>, the bytes of the file <paramref name="name"/>, checking every line against <paramref name="cases"/>.</summary>
    /// <exception cref="EvaluationFileException">A line is not such an object, names an unknown case, or repeats one.</exception>
    public static ResponsesFile Read(string name, byte[] content, IReadOnlyList<EvaluationCase> cases)
    {
        ArgumentNullException.ThrowIfNull(content);
        var known = JsonLines.Keys(cases);
        var responses = new Dictionary<(string, string), ModelResponse>();
        var models = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (number, line) in JsonLines.Objects(name, content, ResponseKeys))
        {
            var key = JsonLines.CaseOf(name, number, line, known);
            var text = JsonLines.String(name, number, line, "response", required: true)!;
            var model = JsonLines.String(name, number, line, "model", required: false);
            if (!responses.TryAdd(key, new ModelResponse(key.Item1, key.Item2, text, model)))
            {
                throw new EvaluationFileException($"{name} line {number}: a second response for question {key.Item1}, context {key.Item2}.");
            }

            if (model is not null)
            {
                models.Add(model);
            }
        }

        return new ResponsesFile(new EvaluationSource("file", name, JsonLines.Sha256(content), [.. models]), responses);
    }

    /// <inheritdoc />
    public Task<ResponseOutcome> GetResponseAsync(EvaluationCase evaluationCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluationCase);
        return Task.FromResult(_responses.TryGetValue((evaluationCase.QuestionId, evaluationCase.ContextId), out var response)
            ? ResponseOutcome.Answered(response)
            : ResponseOutcome.NotAnswered($"no line in {Source.File}"));
    }
}

/// <summary>
/// A judge file, so an evaluation runs without a model (and CI tests it): JSON Lines, one verdict a line,
/// <c>{"questionId":"…","contextId":"…","policies":[{"index":1,"attended":true,"quote":"…"}],"redLines":[{"id":"…","crossed":false}]}</c>.
/// A line that is not an object for a known case fails the file; a verdict that does not fit its case (see
/// <see cref="VerdictReader"/>) leaves that case unjudged with the reason.
/// </summary>
public sealed class JudgeFile : IResponseJudge
{
    private static readonly HashSet<string> CaseKeys = ["questionId", "contextId"];
    private readonly Dictionary<(string, string), (int Line, JsonElement Verdict)> _verdicts;

    private JudgeFile(EvaluationSource source, Dictionary<(string, string), (int, JsonElement)> verdicts)
    {
        Source = source;
        _verdicts = verdicts;
    }

    /// <inheritdoc />
    public EvaluationSource Source { get; }

    /// <summary>Reads <paramref name="content"/>, the bytes of the file <paramref name="name"/>, checking each line names a case of <paramref name="cases"/> once.</summary>
    /// <exception cref="EvaluationFileException">A line is not a JSON object, names an unknown case, or repeats one.</exception>
    public static JudgeFile Read(string name, byte[] content, IReadOnlyList<EvaluationCase> cases)
    {
        ArgumentNullException.ThrowIfNull(content);
        var known = JsonLines.Keys(cases);
        var verdicts = new Dictionary<(string, string), (int, JsonElement)>();
        foreach (var (number, line) in JsonLines.Objects(name, content, allowedKeys: null))
        {
            var key = JsonLines.CaseOf(name, number, line, known);
            if (!verdicts.TryAdd(key, (number, line)))
            {
                throw new EvaluationFileException($"{name} line {number}: a second verdict for question {key.Item1}, context {key.Item2}.");
            }
        }

        return new JudgeFile(new EvaluationSource("file", name, JsonLines.Sha256(content), []), verdicts);
    }

    /// <inheritdoc />
    public Task<JudgeOutcome> JudgeAsync(EvaluationCase evaluationCase, ModelResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluationCase);
        ArgumentNullException.ThrowIfNull(response);
        if (!_verdicts.TryGetValue((evaluationCase.QuestionId, evaluationCase.ContextId), out var found))
        {
            return Task.FromResult(JudgeOutcome.Unjudged($"no line in {Source.File}"));
        }

        var outcome = VerdictReader.Read(evaluationCase, response, found.Verdict, CaseKeys);
        return Task.FromResult(outcome.Verdict is null ? JudgeOutcome.Unjudged($"{Source.File} line {found.Line}: {outcome.Reason}") : outcome);
    }
}

/// <summary>Reading JSON Lines files strictly, naming the file and line in every error.</summary>
internal static class JsonLines
{
    public static string Sha256(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Each non-blank line as a JSON object with its 1-based number; <paramref name="allowedKeys"/> (when given) are the only keys allowed.</summary>
    public static IEnumerable<(int Number, JsonElement Line)> Objects(string name, byte[] content, IReadOnlySet<string>? allowedKeys)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw new EvaluationFileException($"{name} is not UTF-8 text.");
        }

        var number = 0;
        foreach (var raw in text.TrimStart('\uFEFF').Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            JsonElement line;
            try
            {
                using var document = JsonDocument.Parse(raw);
                line = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new EvaluationFileException($"{name} line {number}: not JSON ({e.Message})");
            }

            if (line.ValueKind != JsonValueKind.Object)
            {
                throw new EvaluationFileException($"{name} line {number}: expected a JSON object, found a {line.ValueKind.ToString().ToLowerInvariant()}.");
            }

            if (allowedKeys is not null && line.EnumerateObject().Select(p => p.Name).FirstOrDefault(key => !allowedKeys.Contains(key)) is { } extra)
            {
                throw new EvaluationFileException($"{name} line {number}: unexpected key \"{extra}\" (expected {string.Join(", ", allowedKeys)}).");
            }

            yield return (number, line);
        }
    }

    /// <summary>The case the line's <c>questionId</c> and <c>contextId</c> name.</summary>
    public static HashSet<(string, string)> Keys(IReadOnlyList<EvaluationCase> cases) => [.. cases.Select(c => (c.QuestionId, c.ContextId))];

    public static (string, string) CaseOf(string name, int number, JsonElement line, HashSet<(string, string)> cases)
    {
        var question = String(name, number, line, "questionId", required: true)!;
        var context = String(name, number, line, "contextId", required: true)!;
        if (!cases.Contains((question, context)))
        {
            throw new EvaluationFileException($"{name} line {number}: question {question}, context {context} is not a case of this spec (a context of a question with winning values).");
        }

        return (question, context);
    }

    /// <summary>The string property <paramref name="key"/>; an error when it is another type, or missing and required.</summary>
    public static string? String(string name, int number, JsonElement line, string key, bool required)
    {
        if (!line.TryGetProperty(key, out var value) || (!required && value.ValueKind == JsonValueKind.Null))
        {
            return required ? throw new EvaluationFileException($"{name} line {number}: \"{key}\" is missing.") : null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new EvaluationFileException($"{name} line {number}: \"{key}\" must be a string, found a {value.ValueKind.ToString().ToLowerInvariant()}.");
    }
}
