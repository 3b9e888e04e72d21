using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;

namespace MoralGraph.Cli.Commands;

internal static class DedupCommand
{
    public static Command Create(Option<string> db, CliConsole console)
    {
        var file = new Argument<FileInfo?>("CARDS.json") { Description = "A JSON array of cards: MAI's valuesCard.json shape (id, title, evaluationCriteria, chatId) or ours (id, participantId, title, description, policies, and optionally language: cards of different languages are never merged).", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<FileInfo?>("--out") { Description = "With CARDS.json: where to write {\"clusters\":[{\"title\",\"members\":[card ids]}]}." };
        var study = new Option<string?>("--study") { Description = "Instead of a file: deduplicate a study's cards and record the merges in the store, keeping every merge and split people made." };
        var threshold = new Option<double>("--threshold") { Description = "Cosine similarity at or above which cards are merged (0–1].", DefaultValueFactory = _ => 0.5 };
        var command = new Command("dedup", "Group near-duplicate values cards offline (TF-IDF, complete linkage).") { file, output, study, threshold };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var deduplicator = parse.GetValue(threshold) is var t and > 0 and <= 1
                ? new LexicalValueDeduplicator(t)
                : throw new CliException($"--threshold {parse.GetValue(threshold)} is outside (0, 1].");
            if (parse.GetValue(study) is { } slug)
            {
                return await DeduplicateStudyAsync(parse.GetValue(db)!, slug, deduplicator, console, cancellationToken);
            }

            var path = parse.GetValue(file) ?? throw new CliException("give CARDS.json (with --out) or --study SLUG.");
            if (parse.GetValue(output) is null)
            {
                throw new CliException("--out is required with CARDS.json.");
            }

            var cards = await ReadCardsAsync(path, console, cancellationToken);
            var clusters = await deduplicator.ClusterAsync(cards, null, cancellationToken);
            var document = new JsonObject
            {
                ["clusters"] = new JsonArray(clusters.Select(c => (JsonNode)new JsonObject
                {
                    ["title"] = c.Title,
                    ["members"] = new JsonArray(c.Members.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
                }).ToArray()),
            };
            await CommandStore.WriteAtomicallyAsync(parse.GetValue(output)!.FullName, async stream =>
            {
                await using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                document.WriteTo(writer);
            });
            var merged = clusters.Count(c => c.Members.Count > 1);
            await console.Out.WriteLineAsync($"{cards.Count} cards → {clusters.Count} values ({merged} merged from two or more cards, largest {clusters.Max(c => c.Members.Count)}). Wrote {parse.GetValue(output)!.FullName}");
            return 0;
        }));
        return command;
    }

    private static async Task<int> DeduplicateStudyAsync(string database, string slug, LexicalValueDeduplicator deduplicator, CliConsole console, CancellationToken cancellationToken)
    {
        using var log = CommandStore.OpenExisting(database);
        var state = await CommandStore.LoadStudyAsync(log, slug, cancellationToken);
        var merges = await StudyDeduplication.ProposeMergesAsync(state, deduplicator, TimeProvider.System.GetUtcNow(), cancellationToken);
        await log.AppendAllAsync(merges, cancellationToken);
        var values = StudyState.Replay((await log.ReadStudyAsync(slug, cancellationToken)).Select(e => e.Event)).ToSnapshot().Values.Count;
        await console.Out.WriteLineAsync($"Recorded {merges.Count} merge(s) in '{slug}'; it now has {values} values ({state.DeduplicationDecisions.Count} decision(s) by people kept).");
        return 0;
    }

    /// <summary>False when the field is there but is not a string (absent is fine: validation names it).</summary>
    private static bool TryGetText(JsonObject card, string field, out string? text)
    {
        text = null;
        return card[field] is not { } node || (node.GetValueKind() == JsonValueKind.String && (text = node.GetValue<string>()) is not null);
    }

    private static async Task<List<DedupCard>> ReadCardsAsync(FileInfo path, CliConsole console, CancellationToken cancellationToken)
    {
        if (!path.Exists)
        {
            throw new CliException($"{path.FullName}: file not found.");
        }

        JsonNode? root;
        try
        {
            await using var stream = path.OpenRead();
            root = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new CliException($"{path.Name}: malformed JSON at line {e.LineNumber + 1}: {e.Message}");
        }

        if (root is not JsonArray array)
        {
            throw new CliException($"{path.Name}: expected a JSON array of cards.");
        }

        if (array.Count == 0)
        {
            throw new CliException($"{path.Name} holds no cards.");
        }

        var cards = new List<DedupCard>();
        var problems = new List<string>();
        var firstRecordOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject card)
            {
                problems.Add($"{path.Name} record {i}: not a JSON object.");
                continue;
            }

            var id = card["id"] switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonValue v when v.TryGetValue<long>(out var n) => n.ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
            var where = $"{path.Name} record {i} (id {id ?? "?"})";
            if (id is null)
            {
                problems.Add($"{where}, field id: missing or not a string or number.");
                continue;
            }

            if (!firstRecordOfId.TryAdd(id, i))
            {
                problems.Add($"{where}, field id: the id {id} is already used by record {firstRecordOfId[id]}.");
                continue;
            }

            var policiesField = card.ContainsKey("policies") ? "policies" : "evaluationCriteria";
            var policies = card[policiesField] is JsonArray list ? list.Select(p => p?.GetValueKind() == JsonValueKind.String ? p.GetValue<string>() : null).ToList() : null;
            var descriptionField = card.ContainsKey("description") ? "description" : "instructionsShort";
            if (!TryGetText(card, "title", out var title) | !TryGetText(card, descriptionField, out var description))
            {
                problems.Add($"{where}, field {(TryGetText(card, "title", out _) ? descriptionField : "title")}: expected text.");
                continue;
            }

            // Optional: cards of different languages are never merged (shared words across languages say nothing).
            if (!TryGetText(card, "language", out var language))
            {
                problems.Add($"{where}, field language: expected a language tag such as es.");
                continue;
            }

            var author = (card["participantId"] ?? card["chatId"])?.ToString();
            var validated = ValuesCard.Create(id, author ?? "unknown", title, description ?? "(no description)", policies, ValuesCardRules.Historical);
            foreach (var problem in validated.Problems.Where(p => p.Severity == ProblemSeverity.Error))
            {
                var field = problem.Field.StartsWith("policies", StringComparison.Ordinal) ? policiesField + problem.Field["policies".Length..] : problem.Field;
                problems.Add($"{where}, field {field}: {problem.Message}");
            }

            if (validated.Value is { } valid)
            {
                cards.Add(new DedupCard(valid.Id, author, valid.Title, valid.Policies)
                {
                    Language = string.IsNullOrWhiteSpace(language) ? null : StudyState.PrimaryLanguage(language),
                });
            }
        }

        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await console.Error.WriteLineAsync(problem);
            }

            throw new CliException($"{path.Name} has {problems.Count} problem(s); nothing was written.");
        }

        return cards;
    }
}
