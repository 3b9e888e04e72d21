using System.Text.Json;
using System.Text.Json.Nodes;
using MoralGraph.Core.Events;
using MoralGraph.Core.Import;
using MoralGraph.Tests.HostileInput;

namespace MoralGraph.Core.Tests.HostileInput;

/// <summary>
/// MAI dumps as an attacker or a damaged download leaves them: every hostile string in every text field, null and
/// empty records, missing keys, unknown references, deep nesting, truncated and binary files. Each import is refused
/// with problems naming the file and the record, or succeeds with the text kept; none throws.
/// </summary>
public sealed class HostileMaiDumpTests : IDisposable
{
    private readonly DirectoryInfo _dump = Directory.CreateTempSubdirectory("mai-hostile-");

    public void Dispose() => _dump.Delete(recursive: true);

    private static JsonObject ValidDump() => new()
    {
        ["case.json"] = new JsonArray(new JsonObject { ["id"] = "abortion", ["title"] = "Abortion", ["question"] = "What should I do?" }),
        ["context.json"] = new JsonArray(new JsonObject { ["id"] = "When in distress" }),
        ["contextsOnCases.json"] = new JsonArray(new JsonObject { ["contextId"] = "When in distress", ["caseId"] = "abortion" }),
        ["canonicalValuesCard.json"] = new JsonArray(
            Card(1, "Informed Autonomy", "Lay out options."),
            Card(2, "Gentle Care", "Be kind to her.")),
        ["edge.json"] = new JsonArray(new JsonObject
        {
            ["userId"] = 5, ["fromId"] = 1, ["toId"] = 2, ["story"] = "She calmed down.", ["contextId"] = "When in distress",
            ["relationship"] = "upgrade", ["comment"] = "Yes.", ["createdAt"] = "2023-10-01T00:00:00.000Z",
        }),
    };

    private static JsonObject Card(int id, string title, string description) => new()
    {
        ["id"] = id, ["title"] = title, ["instructionsShort"] = description, ["instructionsDetailed"] = "More.",
        ["evaluationCriteria"] = new JsonArray("OPTIONS she has", "CONSEQUENCES of each", "MOMENTS to pause"),
        ["createdAt"] = "2023-09-01T00:00:00.000Z", ["updatedAt"] = "2023-09-02T00:00:00.000Z",
    };

    public static readonly string[] TextFields =
    [
        "case.json:title", "case.json:question", "context.json:id", "canonicalValuesCard.json:title",
        "canonicalValuesCard.json:instructionsShort", "canonicalValuesCard.json:evaluationCriteria", "edge.json:story", "edge.json:comment",
    ];

    public static TheoryData<string, string> EveryFieldWithEveryString() => HostileStrings.ForEachField(TextFields);

    [Theory]
    [MemberData(nameof(EveryFieldWithEveryString))]
    public async Task A_hostile_string_in_a_dump_field_is_refused_by_file_and_record_or_imported_intact(string field, string name)
    {
        var hostile = HostileStrings.Get(name);
        var dump = ValidDump();
        var (file, key) = (field.Split(':')[0], field.Split(':')[1]);
        var record = (JsonObject)dump[file]![0]!;
        if (key == "evaluationCriteria")
        {
            ((JsonArray)record[key]!)[0] = hostile;
        }
        else
        {
            record[key] = hostile;
        }

        if (field == "context.json:id")
        {
            // A context is named by its text everywhere it is used.
            dump["contextsOnCases.json"]![0]!["contextId"] = hostile;
            dump["edge.json"]![0]!["contextId"] = hostile;
        }

        var result = await ImportAsync(dump);

        if (!result.Succeeded)
        {
            Assert.All(result.Problems, problem => Assert.Contains(".json", problem, StringComparison.Ordinal));
            Assert.Contains(result.Problems, problem => problem.Contains(file, StringComparison.Ordinal) || problem.StartsWith("study made from ", StringComparison.Ordinal));
            Assert.Empty(result.Events);
            return;
        }

        var kept = HostileStrings.ThroughUtf8(hostile);
        var texts = result.Events.SelectMany(Texts).Select(TextNormalization.CollapseWhitespace).ToList();
        Assert.Contains(TextNormalization.CollapseWhitespace(kept), texts);
    }

    public static TheoryData<string> DamagedDumps()
    {
        var data = new TheoryData<string>();
        foreach (var file in new[] { "case.json", "context.json", "contextsOnCases.json", "canonicalValuesCard.json", "edge.json" })
        {
            foreach (var damage in new[] { "null-record", "empty-object", "truncated", "binary", "not-an-array", "deeply-nested", "missing", "wrong-types" })
            {
                data.Add($"{file}:{damage}");
            }
        }

        data.Add("edge.json:unknown-context");
        data.Add("edge.json:null-context");
        data.Add("edge.json:unknown-value");
        data.Add("contextsOnCases.json:unknown-context");
        data.Add("contextsOnCases.json:unknown-case");
        data.Add("canonicalValuesCard.json:duplicate-id");
        data.Add("case.json:reserved-slug");
        return data;
    }

    [Theory]
    [MemberData(nameof(DamagedDumps))]
    public async Task A_damaged_dump_is_refused_with_problems_that_name_the_file_and_nothing_is_imported(string damageOfFile)
    {
        var (file, damage) = (damageOfFile.Split(':')[0], damageOfFile.Split(':')[1]);
        var dump = ValidDump();
        string? raw = null;
        var slug = "mai";
        switch (damage)
        {
            case "null-record": ((JsonArray)dump[file]!).Add(null); break;
            case "empty-object": ((JsonArray)dump[file]!).Add(new JsonObject()); break;
            case "truncated": raw = dump[file]!.ToJsonString()[..12]; break;
            case "binary": raw = new string([.. Enumerable.Range(0, 512).Select(i => (char)(i % 256))]); break;
            case "not-an-array": raw = "{\"id\": \"x\"}"; break;
            case "deeply-nested": raw = new string('[', 10_000) + new string(']', 10_000); break;
            case "missing": dump.Remove(file); break;
            case "wrong-types": ((JsonArray)dump[file]!).Add(new JsonObject { ["id"] = new JsonArray(1, 2), ["userId"] = "five", ["fromId"] = true, ["contextId"] = 7, ["caseId"] = 8 }); break;
            case "unknown-context" when file == "edge.json": dump["edge.json"]![0]!["contextId"] = "When nobody said so"; break;
            case "null-context": dump["edge.json"]![0]!["contextId"] = null; break;
            case "unknown-value": dump["edge.json"]![0]!["toId"] = 99; break;
            case "unknown-case": dump["contextsOnCases.json"]![0]!["caseId"] = "nowhere"; break;
            case "duplicate-id": ((JsonArray)dump[file]!).Add(Card(1, "Again Here", "Twice.")); break;
            case "reserved-slug": slug = "access"; break;
            default: dump["contextsOnCases.json"]![0]!["contextId"] = "When nobody said so"; break;
        }

        var result = await ImportAsync(dump, slug, raw is null ? null : (file, raw));

        Assert.False(result.Succeeded, $"{damageOfFile} was imported.");
        Assert.Empty(result.Events);
        Assert.Contains(result.Problems, problem => problem.Contains(file, StringComparison.Ordinal) || problem.StartsWith("study made from ", StringComparison.Ordinal));
    }

    private async Task<ImportResult> ImportAsync(JsonObject dump, string slug = "mai", (string File, string Text)? raw = null)
    {
        foreach (var (file, records) in dump)
        {
            await File.WriteAllTextAsync(Path.Combine(_dump.FullName, file), records?.ToJsonString() ?? "null");
        }

        if (raw is { } replaced)
        {
            await File.WriteAllTextAsync(Path.Combine(_dump.FullName, replaced.File), replaced.Text);
        }

        return await MaiDumpReader.ReadAsync(_dump.FullName, slug, before: null);
    }

    private static IEnumerable<string> Texts(StudyEvent recorded) => recorded switch
    {
        StudyDefined defined => defined.Study.Questions.SelectMany(q => new[] { q.Title, q.Prompt }.Concat(q.Contexts.Select(c => c.Text))),
        CanonicalValueDefined value => new[] { value.Value.Title, value.Value.Description }.Concat(value.Value.Policies),
        VoteCast vote => new[] { vote.Vote.Story ?? string.Empty, vote.Vote.Comment ?? string.Empty },
        _ => [],
    };
}
