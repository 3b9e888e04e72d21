using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Import;

/// <summary>What an import produced: the events to append, or every problem found.</summary>
/// <param name="Events">Events to append in one transaction (empty when there are problems).</param>
/// <param name="Problems">Errors, each naming the file, the record and the field.</param>
/// <param name="Warnings">Accepted oddities (e.g. historical cards that predate a method rule).</param>
/// <param name="SkippedVotes">Votes left out by the time cut.</param>
public sealed record ImportResult(IReadOnlyList<StudyEvent> Events, IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings, int SkippedVotes)
{
    /// <summary>True when the import can be applied.</summary>
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Reads the public database dump format of Meaning Alignment Institute's 2023 study (<c>case.json</c>,
/// <c>context.json</c>, <c>contextsOnCases.json</c>, <c>canonicalValuesCard.json</c>, <c>edge.json</c>) into
/// study events. Any time cut can be applied with <c>before</c>; nothing is written until every file and
/// record has been checked.
/// </summary>
/// <remarks>
/// MAI's contexts are shared between prompts and their votes do not say which prompt they were cast
/// for. A context listed under exactly one case belongs to that question; the others (listed under
/// several cases, or none) go to a question named <see cref="SharedQuestionId"/>, so no vote is assigned
/// to a prompt the data cannot vouch for.
/// </remarks>
public static class MaiDumpReader
{
    /// <summary>The question that holds contexts MAI shared between prompts.</summary>
    public const string SharedQuestionId = "shared-contexts";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = false,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Reads the dump in <paramref name="directory"/>.</summary>
    /// <param name="directory">Folder holding the dump's JSON files.</param>
    /// <param name="studySlug">Slug of the study to create.</param>
    /// <param name="before">Only votes created strictly before this instant are imported; null imports all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<ImportResult> ReadAsync(string directory, string studySlug, DateTimeOffset? before, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var warnings = new List<string>();
        if (!Directory.Exists(directory))
        {
            return new ImportResult([], [$"{directory}: no such directory."], [], 0);
        }

        var cases = await ReadFileAsync<MaiCase>(directory, "case.json", problems, cancellationToken);
        var contexts = await ReadFileAsync<MaiContext>(directory, "context.json", problems, cancellationToken);
        var contextsOnCases = await ReadFileAsync<MaiContextOnCase>(directory, "contextsOnCases.json", problems, cancellationToken);
        var cards = await ReadFileAsync<MaiCard>(directory, "canonicalValuesCard.json", problems, cancellationToken);
        var edges = await ReadFileAsync<MaiEdge>(directory, "edge.json", problems, cancellationToken);
        if (problems.Count > 0)
        {
            return new ImportResult([], problems, warnings, 0);
        }

        // Every record present and naming what it must, before any is used: a null record or a missing key once
        // crashed the import ("Value cannot be null. (Parameter 'key')") without naming the file or the record.
        RecordProblems(cases!, contexts!, contextsOnCases!, cards!, edges!, problems);
        if (problems.Count > 0)
        {
            return new ImportResult([], problems, warnings, 0);
        }

        var study = BuildStudy(studySlug, cases!, contexts!, contextsOnCases!, edges!, problems, out var contextRefOf);
        var importedAt = edges!.Count > 0 ? edges.Min(e => e.CreatedAt) : DateTimeOffset.UnixEpoch;
        var events = new List<StudyEvent>();
        if (study is not null)
        {
            events.Add(new StudyDefined(study) { StudyId = studySlug, OccurredAt = importedAt, Actor = "import" });
        }

        var valueIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < cards!.Count; i++)
        {
            var card = cards[i];
            var where = $"canonicalValuesCard.json record {i} (id {card.Id})";
            var id = card.Id.ToString(CultureInfo.InvariantCulture);
            if (!valueIds.Add(id))
            {
                problems.Add($"{where}, field id: the id {card.Id} is used twice.");
                continue;
            }

            var validated = ValuesCard.Create(id, "mai-import", card.Title, card.InstructionsShort, card.EvaluationCriteria, ValuesCardRules.Historical);
            foreach (var problem in validated.Problems)
            {
                var message = $"{where}, field {MaiFieldName(problem.Field)}: {problem.Message}";
                (problem.Severity == ProblemSeverity.Error ? problems : warnings).Add(message);
            }

            if (validated.Value is { } valid)
            {
                events.Add(new CanonicalValueDefined(new CanonicalValue(id, valid.Title, valid.Description, valid.Policies, [],
                    new MaiCardFields(card.InstructionsShort ?? string.Empty, card.InstructionsDetailed ?? string.Empty, card.CreatedAtText ?? string.Empty, card.UpdatedAtText ?? string.Empty)))
                { StudyId = studySlug, OccurredAt = card.CreatedAt ?? importedAt, Actor = "import" });
            }
        }

        var skipped = 0;
        for (var i = 0; i < edges.Count; i++)
        {
            var edge = edges[i];
            var where = $"edge.json record {i} (userId {edge.UserId})";
            if (before is { } cut && edge.CreatedAt >= cut)
            {
                skipped++;
                continue;
            }

            var from = edge.FromId.ToString(CultureInfo.InvariantCulture);
            var to = edge.ToId.ToString(CultureInfo.InvariantCulture);
            if (!valueIds.Contains(from))
            {
                problems.Add($"{where}, field fromId: {edge.FromId} names no value in canonicalValuesCard.json.");
            }

            if (!valueIds.Contains(to))
            {
                problems.Add($"{where}, field toId: {edge.ToId} names no value in canonicalValuesCard.json.");
            }

            if (edge.FromId == edge.ToId)
            {
                problems.Add($"{where}, field toId: the vote compares value {edge.FromId} with itself.");
            }

            Verdict? verdict = edge.Relationship switch
            {
                "upgrade" => Verdict.Wiser,
                "no_upgrade" => Verdict.NotWiser,
                "not_sure" => Verdict.Unsure,
                _ => null,
            };
            if (verdict is null)
            {
                problems.Add($"{where}, field relationship: '{edge.Relationship}' is not upgrade, no_upgrade or not_sure.");
            }

            if (string.IsNullOrWhiteSpace(edge.ContextId))
            {
                problems.Add($"{where}, field contextId: the context is missing.");
                continue;
            }

            if (verdict is null || problems.Count > 0)
            {
                continue;
            }

            var participant = $"mai-user-{edge.UserId.ToString(CultureInfo.InvariantCulture)}";
            var vote = new WiserThanVote(
                VoteId: $"mai-{edge.UserId}-{from}-{to}-{contextRefOf(edge.ContextId)}".Replace('/', ':'),
                ParticipantId: participant, FromValueId: from, ToValueId: to, Context: contextRefOf(edge.ContextId),
                Verdict: verdict.Value, Comment: edge.Comment, Story: edge.Story, CastAt: edge.CreatedAt);
            events.Add(new VoteCast(vote) { StudyId = studySlug, OccurredAt = edge.CreatedAt, Actor = participant });
        }

        return problems.Count > 0
            ? new ImportResult([], problems, warnings, skipped)
            : new ImportResult(events, [], warnings, skipped);
    }

    private static void RecordProblems(List<MaiCase> cases, List<MaiContext> contexts, List<MaiContextOnCase> links, List<MaiCard> cards, List<MaiEdge> edges, List<string> problems)
    {
        void Require<T>(string file, List<T> records, Func<T, (string Field, string? Value)[]> keys)
            where T : class
        {
            for (var i = 0; i < records.Count; i++)
            {
                if (records[i] is not { } record)
                {
                    problems.Add($"{file} record {i}: null where a record belongs.");
                    continue;
                }

                foreach (var (field, value) in keys(record))
                {
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        problems.Add($"{file} record {i}, field {field}: missing or empty.");
                    }
                }
            }
        }

        Require("case.json", cases, c => [("id", c.Id)]);
        Require("context.json", contexts, c => [("id", c.Id)]);
        Require("contextsOnCases.json", links, l => [("contextId", l.ContextId), ("caseId", l.CaseId)]);
        Require("canonicalValuesCard.json", cards, _ => []);
        Require("edge.json", edges, _ => []);
        if (problems.Count > 0)
        {
            return;
        }

        // MAI's database keeps a context row for every context a vote or a case names; one missing is a damaged dump.
        var known = contexts.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < links.Count; i++)
        {
            if (!known.Contains(links[i].ContextId))
            {
                problems.Add($"contextsOnCases.json record {i}, field contextId: '{links[i].ContextId}' names no context in context.json.");
            }
        }

        for (var i = 0; i < edges.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(edges[i].ContextId) && !known.Contains(edges[i].ContextId))
            {
                problems.Add($"edge.json record {i} (userId {edges[i].UserId}), field contextId: '{edges[i].ContextId}' names no context in context.json.");
            }
        }
    }

    private static Study? BuildStudy(string slug, List<MaiCase> cases, List<MaiContext> contexts, List<MaiContextOnCase> links,
        List<MaiEdge> edges, List<string> problems, out Func<string, ContextRef> contextRefOf)
    {
        var caseIds = cases.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < links.Count; i++)
        {
            if (!caseIds.Contains(links[i].CaseId))
            {
                problems.Add($"contextsOnCases.json record {i}, field caseId: '{links[i].CaseId}' names no case in case.json.");
            }
        }

        var casesOfContext = links.GroupBy(l => l.ContextId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(l => l.CaseId).Distinct().ToList(), StringComparer.Ordinal);
        string QuestionOf(string contextText) =>
            casesOfContext.TryGetValue(contextText, out var owners) && owners.Count == 1 ? owners[0] : SharedQuestionId;

        var allContextTexts = contexts.Select(c => c.Id).Concat(links.Select(l => l.ContextId)).Concat(edges.Select(e => e.ContextId))
            .Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToList();
        var questions = cases.Select(c => (c.Id, c.Title, c.Question))
            .Append((Id: SharedQuestionId, Title: "Contexts shared across prompts", Question: "MAI's data does not say which prompt these votes were cast for."))
            .Select(q => new Question(q.Id, q.Title ?? q.Id, q.Question ?? q.Id,
                allContextTexts.Where(t => QuestionOf(t) == q.Id).Select(t => new StudyContext(StudyDefinitionReader.Slugify(t), t)).ToList()))
            .Where(q => q.Contexts.Count > 0)
            .ToList();
        contextRefOf = text => new ContextRef(QuestionOf(text), StudyDefinitionReader.Slugify(text));

        var studyProblems = StudyDefinitionReader.SlugProblems(slug).Concat(Study.Validate(slug, "Imported MAI study", questions, ["en"], 4)).ToList();
        problems.AddRange(studyProblems.Select(p => $"study made from case.json and context.json: {p}"));
        return studyProblems.Count > 0 ? null
            : new Study(slug, $"Moral Graph Elicitation 2023 ({slug})", "Imported from Meaning Alignment Institute's public study dump.", questions, [], ["en"], StudyPhase.Closed, 4);
    }

    private static string MaiFieldName(string field) => field switch
    {
        "description" => "instructionsShort",
        _ when field.StartsWith("policies", StringComparison.Ordinal) => "evaluationCriteria" + field["policies".Length..],
        _ => field,
    };

    private static async Task<List<T>?> ReadFileAsync<T>(string directory, string fileName, List<string> problems, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            problems.Add($"{path}: file not found.");
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            var records = await JsonSerializer.DeserializeAsync<List<T>>(stream, Options, cancellationToken);
            if (records is null)
            {
                problems.Add($"{path}: expected a JSON array, found null.");
            }

            return records;
        }
        catch (JsonException e)
        {
            problems.Add($"{path}: malformed JSON at line {e.LineNumber + 1}, path {e.Path}: {e.Message}");
            return null;
        }
    }

    private sealed record MaiCase(string Id, string? Title, string? Question);

    private sealed record MaiContext(string Id);

    private sealed record MaiContextOnCase(string ContextId, string CaseId);

    private sealed record MaiCard(
        int Id, string? Title, string? InstructionsShort, string? InstructionsDetailed, List<string?>? EvaluationCriteria,
        [property: JsonPropertyName("createdAt")] DateTimeOffset? CreatedAt)
    {
        // The original timestamp strings are kept verbatim for the MAI export.
        [JsonIgnore]
        public string? CreatedAtText => CreatedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        [JsonPropertyName("updatedAt")]
        public DateTimeOffset? UpdatedAt { get; init; }

        [JsonIgnore]
        public string? UpdatedAtText => UpdatedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    private sealed record MaiEdge(
        int UserId, int FromId, int ToId, string? Story, string ContextId, string? Relationship, string? Comment, DateTimeOffset CreatedAt);
}
