using System.Globalization;
using System.Text.Json;

namespace MoralGraph.Core.Evaluation;

/// <summary>
/// Reads a judge's verdict on one response, strictly: <c>{"policies":[{"index":1,"attended":true,"quote":"…"}],
/// "redLines":[{"id":"…","crossed":false,"quote":null}]}</c>, one entry for every policy of the case (by <c>index</c> or by
/// its exact <c>policy</c> text) and for every red line, each once, with nothing else. The same reader serves the judge
/// file and a model judge, so both are held to one format. Anything off makes the whole verdict unreadable: a partly
/// understood verdict would count policies that were never judged.
/// </summary>
public static class VerdictReader
{
    private static readonly HashSet<string> PolicyKeys = ["index", "policy", "attended", "quote", "reason"];
    private static readonly HashSet<string> RedLineKeys = ["id", "crossed", "quote", "reason"];

    /// <summary>
    /// The verdict <paramref name="verdict"/> gives on <paramref name="response"/> to <paramref name="evaluationCase"/>, or
    /// every problem found. <paramref name="caseKeys"/> names extra top-level keys allowed (the judge file's
    /// <c>questionId</c> and <c>contextId</c>).
    /// </summary>
    public static JudgeOutcome Read(EvaluationCase evaluationCase, ModelResponse response, JsonElement verdict, IReadOnlySet<string>? caseKeys = null)
    {
        ArgumentNullException.ThrowIfNull(evaluationCase);
        ArgumentNullException.ThrowIfNull(response);
        if (verdict.ValueKind != JsonValueKind.Object)
        {
            return JudgeOutcome.Unjudged($"the verdict is a JSON {Kind(verdict)}, not an object");
        }

        var problems = new List<string>();
        foreach (var property in verdict.EnumerateObject())
        {
            if (property.Name is not ("policies" or "redLines") && caseKeys?.Contains(property.Name) != true)
            {
                problems.Add($"unexpected key \"{property.Name}\"");
            }
        }

        var policies = ReadPolicies(evaluationCase, verdict, problems);
        var redLines = ReadRedLines(evaluationCase, response, verdict, problems);
        return problems.Count > 0 ? JudgeOutcome.Unjudged(string.Join("; ", problems)) : JudgeOutcome.Judged(new CaseVerdict(policies, redLines));
    }

    private static List<PolicyVerdict> ReadPolicies(EvaluationCase evaluationCase, JsonElement verdict, List<string> problems)
    {
        var judged = new SortedDictionary<int, PolicyVerdict>();
        if (!verdict.TryGetProperty("policies", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            problems.Add("\"policies\" must be an array");
            return [];
        }

        var count = evaluationCase.Policies.Count;
        var at = 0;
        foreach (var item in items.EnumerateArray())
        {
            var where = $"policies[{at++}]";
            if (!CheckItem(item, where, PolicyKeys, problems))
            {
                continue;
            }

            int? number = null;
            if (item.TryGetProperty("index", out var index))
            {
                if (index.ValueKind != JsonValueKind.Number || !index.TryGetInt32(out var n))
                {
                    problems.Add($"{where}.index must be a whole number");
                    continue;
                }

                if (n < 1 || n > count)
                {
                    problems.Add($"{where}.index {n} is not a policy of this context (it has {count})");
                    continue;
                }

                number = n;
            }

            if (item.TryGetProperty("policy", out var text))
            {
                var match = text.ValueKind == JsonValueKind.String
                    ? evaluationCase.Policies.FirstOrDefault(p => string.Equals(p.Text.Trim(), text.GetString()!.Trim(), StringComparison.Ordinal))
                    : null;
                if (match is null)
                {
                    problems.Add($"{where}.policy is not the text of a policy of this context");
                    continue;
                }

                if (number is { } given && given != match.Number)
                {
                    problems.Add($"{where}: index {given} and policy text (policy {match.Number}) disagree");
                    continue;
                }

                number = match.Number;
            }

            if (number is null)
            {
                problems.Add($"{where} names no policy (give \"index\" or \"policy\")");
                continue;
            }

            if (!ReadBoolean(item, "attended", where, problems, out var attended) || !ReadQuote(item, where, problems, out var quote))
            {
                continue;
            }

            var policy = evaluationCase.Policies[number.Value - 1];
            if (!judged.TryAdd(number.Value, new PolicyVerdict(number.Value, policy.Text, policy.ValueId, attended, quote)))
            {
                problems.Add($"policy {number} is judged twice");
            }
        }

        var missing = evaluationCase.Policies.Where(p => !judged.ContainsKey(p.Number)).Select(p => p.Number.ToString(CultureInfo.InvariantCulture)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"policies not judged: {string.Join(", ", missing)}");
        }

        return [.. judged.Values];
    }

    private static List<RedLineVerdict> ReadRedLines(EvaluationCase evaluationCase, ModelResponse response, JsonElement verdict, List<string> problems)
    {
        var judged = new Dictionary<string, RedLineVerdict>(StringComparer.Ordinal);
        if (!verdict.TryGetProperty("redLines", out var items))
        {
            if (evaluationCase.RedLines.Count > 0)
            {
                problems.Add("\"redLines\" is missing");
            }

            return [];
        }

        if (items.ValueKind != JsonValueKind.Array)
        {
            problems.Add("\"redLines\" must be an array");
            return [];
        }

        var known = evaluationCase.RedLines.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var at = 0;
        foreach (var item in items.EnumerateArray())
        {
            var where = $"redLines[{at++}]";
            if (!CheckItem(item, where, RedLineKeys, problems))
            {
                continue;
            }

            if (!item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !known.TryGetValue(id.GetString()!, out var redLine))
            {
                problems.Add($"{where}.id is not the id of a red line of the spec");
                continue;
            }

            if (!ReadBoolean(item, "crossed", where, problems, out var crossed) || !ReadQuote(item, where, problems, out var quote))
            {
                continue;
            }

            if (crossed && string.IsNullOrWhiteSpace(quote))
            {
                // A crossed red line is the report's gravest finding: it must show the words that cross it.
                problems.Add($"{where}: red line {redLine.Id} is crossed without a quote");
                continue;
            }

            if (crossed && (Comparable(quote!) is not { Length: > 0 } evidence || !Comparable(response.Text).Contains(evidence, StringComparison.Ordinal)))
            {
                // A crossing is reported with its quote as evidence: a quote the response does not hold would be invented evidence.
                problems.Add($"{where}: the quote for red line {redLine.Id} is not in the response");
                continue;
            }

            if (!judged.TryAdd(redLine.Id, new RedLineVerdict(redLine.Id, redLine.Statement, crossed, quote)))
            {
                problems.Add($"red line {redLine.Id} is judged twice");
            }
        }

        var missing = evaluationCase.RedLines.Where(r => !judged.ContainsKey(r.Id)).Select(r => r.Id).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"red lines not judged: {string.Join(", ", missing)}");
        }

        return [.. evaluationCase.RedLines.Where(r => judged.ContainsKey(r.Id)).Select(r => judged[r.Id])];
    }

    private static bool CheckItem(JsonElement item, string where, HashSet<string> allowed, List<string> problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where} must be an object");
            return false;
        }

        var extra = item.EnumerateObject().Select(p => p.Name).Where(name => !allowed.Contains(name)).ToList();
        if (extra.Count > 0)
        {
            problems.Add($"{where} has unexpected key{(extra.Count > 1 ? "s" : "")} {string.Join(", ", extra.Select(e => $"\"{e}\""))}");
            return false;
        }

        if (item.TryGetProperty("reason", out var reason) && reason.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            problems.Add($"{where}.reason must be a string or null");
            return false;
        }

        return true;
    }

    private static bool ReadBoolean(JsonElement item, string name, string where, List<string> problems, out bool value)
    {
        value = false;
        if (!item.TryGetProperty(name, out var element) || element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            problems.Add($"{where}.{name} must be true or false");
            return false;
        }

        value = element.GetBoolean();
        return true;
    }

    private static bool ReadQuote(JsonElement item, string where, List<string> problems, out string? quote)
    {
        quote = null;
        if (!item.TryGetProperty("quote", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{where}.quote must be a string or null");
            return false;
        }

        quote = string.IsNullOrWhiteSpace(element.GetString()) ? null : element.GetString()!.Trim();
        return true;
    }

    /// <summary>Text as a quote is compared: case, runs of whitespace, typographic quotes, and quote marks or an ellipsis around it do not count.</summary>
    private static string Comparable(string text) =>
        TextNormalization.CollapseWhitespace(text.Replace('’', '\'').Replace('‘', '\'').Replace('“', '"').Replace('”', '"'))
            .Trim('"', '\'', ' ', '…', '.').ToLowerInvariant();

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
