using System.Text;
using MoralGraph.Core.Studies;
using MoralGraph.Tests.HostileInput;
using YamlDotNet.Serialization;

namespace MoralGraph.Core.Tests.HostileInput;

/// <summary>
/// Study definitions (YAML) as an attacker or an unlucky paste writes them: every hostile string in every text field,
/// empty list entries, deep nesting, alias bombs, huge, truncated and binary files. Each is refused with problems that
/// name a field, or read; what is read survives being written and read again (a reload of the settings page) unchanged.
/// </summary>
public sealed class HostileStudyDefinitionTests
{
    private static readonly ISerializer Yaml = new SerializerBuilder().Build();

    public static readonly string[] TextFields =
    [
        "title", "description", "questions[0].title", "questions[0].prompt", "questions[0].contexts[0].text",
        "redLines[0].statement", "seedValues[0].title", "seedValues[0].description", "seedValues[0].policies[0]",
    ];

    public static TheoryData<string, string> EveryFieldWithEveryString() => HostileStrings.ForEachField(TextFields);

    [Theory]
    [MemberData(nameof(EveryFieldWithEveryString))]
    public void A_hostile_string_in_a_text_field_is_refused_by_name_or_read_and_survives_a_reload(string field, string name)
    {
        var hostile = HostileStrings.Get(name);
        var document = ValidDocument();
        Set(document, field, HostileStrings.HasLoneSurrogate(hostile) ? "HOSTILE-PLACEHOLDER" : hostile);

        var result = StudyDefinitionReader.Read(Serialize(document, hostile));

        if (!result.IsValid)
        {
            // Refused by the field's name, or where the YAML parser stopped (a lone surrogate cannot be read as text).
            Assert.All(result.Problems, problem => Assert.False(string.IsNullOrWhiteSpace(problem.Field)));
            Assert.Contains(result.Problems, problem =>
                problem.Field.StartsWith(field.Split('.')[0].Split('[')[0], StringComparison.Ordinal) || problem.Field.StartsWith("line ", StringComparison.Ordinal));
            return;
        }

        var read = Get(result.Value!, field);
        // Read as the reader documents: whitespace runs collapsed and controls dropped, nothing else.
        Assert.Equal(TextNormalization.CollapseWhitespace(hostile), TextNormalization.CollapseWhitespace(read));
        var reloaded = StudyDefinitionReader.Read(StudyDefinitionWriter.Write(result.Value!));
        Assert.True(reloaded.IsValid, string.Join("; ", reloaded.Problems));
        Assert.Equal(read, Get(reloaded.Value!, field));
    }

    [Theory]
    [InlineData("questions", "questions[1]")]
    [InlineData("contexts", "questions[0].contexts[1]")]
    [InlineData("seedValues", "seedValues[1]")]
    [InlineData("redLines", "redLines[1]")]
    [InlineData("inviteCodes", "inviteCodes[1]")]
    [InlineData("languages", "languages[1]")]
    [InlineData("policies", "seedValues[0].policies[1]")]
    public void A_null_entry_in_a_list_is_refused_naming_the_entry(string list, string field)
    {
        var yaml = StudyYaml(list switch
        {
            "questions" => "questions:\n  - id: q\n    prompt: Why?\n    contexts: [{ text: When tired }]\n  - null\n",
            "contexts" => "questions:\n  - id: q\n    prompt: Why?\n    contexts:\n      - text: When tired\n      -\n",
            "seedValues" => Questions + "seedValues:\n  - question: q\n    title: Calm presence\n    description: The AI stays calm.\n    policies: [MOMENTS of calm, SIGNS of stress, WORDS that soothe]\n  - ~\n",
            "redLines" => Questions + "redLines:\n  - statement: Never deceive\n  - null\n",
            "inviteCodes" => Questions + "inviteCodes:\n  - code: ABC\n  -\n",
            "languages" => Questions + "languages: [en, null]\n",
            _ => Questions + "seedValues:\n  - question: q\n    title: Calm presence\n    description: The AI stays calm.\n    policies: [MOMENTS of calm, null, WORDS that soothe]\n",
        });

        var result = StudyDefinitionReader.Read(yaml);

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, problem => problem.Field == field);
    }

    public static TheoryData<string> MalformedDocuments() =>
    [
        "deeply-nested-sequences", "deeply-nested-mappings", "deeply-nested-title", "alias-bomb", "alias-bomb-questions",
        "over-the-size-limit", "fifty-megabyte-description", "binary-bytes", "truncated", "only-a-document-marker",
        "empty", "tabs-for-indentation", "duplicate-keys", "unknown-key", "a-list-not-a-map", "a-scalar-not-a-map",
        "too-many-questions", "too-many-contexts", "reserved-slug", "long-slug", "unknown-tag", "undefined-alias",
        "nul-bytes-in-the-file", "utf16-bytes-read-as-utf8", "json-not-yaml",
    ];

    [Theory]
    [MemberData(nameof(MalformedDocuments))]
    public void A_malformed_or_hostile_document_is_refused_with_problems_that_name_where(string name)
    {
        var yaml = MalformedDocument(name);

        var result = StudyDefinitionReader.Read(yaml);

        Assert.False(result.IsValid, $"{name} was read as a study.");
        Assert.NotEmpty(result.Problems);
        Assert.All(result.Problems, problem =>
        {
            Assert.False(string.IsNullOrWhiteSpace(problem.Field));
            Assert.False(string.IsNullOrWhiteSpace(problem.Message));
        });
    }

    [Theory]
    [InlineData("null-entry", "- statement: Never deceive\n- null\n")]
    [InlineData("deeply-nested", "")]
    [InlineData("over-the-size-limit", "")]
    [InlineData("binary", "\u0000\u0001\uFFFF")]
    public void A_hostile_shared_red_lines_file_is_refused_with_problems(string name, string yaml)
    {
        yaml = name switch
        {
            "deeply-nested" => new string('[', 20_000) + new string(']', 20_000),
            "over-the-size-limit" => "- statement: " + new string('x', StudyDefinitionReader.MaxDefinitionLength),
            _ => yaml,
        };

        var (lines, problems) = StudyDefinitionReader.ReadRedLines(yaml, "shared.yaml");

        Assert.NotEmpty(problems);
        Assert.True(lines.Count <= 1);
    }

    // YamlDotNet cannot write half a surrogate pair, while a person can type one as an escape in a double-quoted scalar.
    private static string Serialize(Dictionary<string, object> document, string hostile)
    {
        if (!HostileStrings.HasLoneSurrogate(hostile))
        {
            return Yaml.Serialize(document);
        }

        const string placeholder = "HOSTILE-PLACEHOLDER";
        var escaped = string.Concat(hostile.Select(c => char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()));
        var yaml = Yaml.Serialize(document).Replace(placeholder, "\"" + escaped + "\"", StringComparison.Ordinal);
        return yaml;
    }

    private const string Questions = "questions:\n  - id: q\n    prompt: Why?\n    contexts: [{ text: When tired }]\n";

    private static string StudyYaml(string rest) => "slug: hostile\ntitle: Hostile\n" + rest;

    private static string MalformedDocument(string name) => name switch
    {
        "deeply-nested-sequences" => "slug: s\ntitle: t\nquestions: " + new string('[', 50_000) + new string(']', 50_000),
        "deeply-nested-mappings" => "slug: s\ntitle: t\nquestions: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)) + "1" + new string('}', 20_000),
        "deeply-nested-title" => "slug: s\ntitle: " + new string('[', 50_000),
        "alias-bomb" => "slug: s\ntitle: t\nlol1: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + string.Concat(Enumerable.Range(2, 9).Select(i => $"lol{i}: &{(char)('a' + i - 1)} [{string.Join(", ", Enumerable.Repeat($"*{(char)('a' + i - 2)}", 10))}]\n")),
        "alias-bomb-questions" => "slug: s\ntitle: t\nquestions:\n  - &q\n    id: q\n    prompt: Why?\n    contexts: &c [" + string.Join(", ", Enumerable.Range(0, 200).Select(i => $"{{text: c{i}}}")) + "]\n"
            + string.Concat(Enumerable.Repeat("  - *q\n", 20_000)),
        "over-the-size-limit" => StudyYaml(Questions + "description: " + new string('x', StudyDefinitionReader.MaxDefinitionLength)),
        "fifty-megabyte-description" => StudyYaml(Questions + "description: " + new string('x', 50 * 1024 * 1024)),
        "binary-bytes" => Encoding.Latin1.GetString([.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 97) % 256))]),
        "truncated" => StudyYaml(Questions)[..40],
        "only-a-document-marker" => "---\n",
        "empty" => string.Empty,
        "tabs-for-indentation" => "slug: s\ntitle: t\nquestions:\n\t- id: q\n",
        "duplicate-keys" => StudyYaml(Questions) + "title: Again\n",
        "unknown-key" => StudyYaml(Questions) + "adminPassword: hunter2\n",
        "a-list-not-a-map" => "- slug: s\n- title: t\n",
        "a-scalar-not-a-map" => "just some words",
        "too-many-questions" => "slug: s\ntitle: t\nquestions:\n" + string.Concat(Enumerable.Range(0, StudyDefinitionReader.MaxQuestions + 1).Select(i => $"  - {{id: q{i}, prompt: Why?, contexts: [{{text: c}}]}}\n")),
        "too-many-contexts" => "slug: s\ntitle: t\nquestions:\n  - id: q\n    prompt: Why?\n    contexts: [" + string.Join(", ", Enumerable.Range(0, StudyDefinitionReader.MaxContextsPerQuestion + 1).Select(i => $"{{text: c{i}}}")) + "]\n",
        "reserved-slug" => "slug: access\ntitle: t\n" + Questions,
        "long-slug" => $"slug: {new string('a', StudyDefinitionReader.MaxSlugLength + 1)}\ntitle: t\n" + Questions,
        "unknown-tag" => "slug: !!python/object/apply:os.system ['rm -rf /']\ntitle: t\n" + Questions,
        "undefined-alias" => "slug: *nowhere\ntitle: t\n" + Questions,
        "nul-bytes-in-the-file" => "slug: s\0\ntitle: t\0\n" + Questions,
        "utf16-bytes-read-as-utf8" => Encoding.UTF8.GetString(Encoding.Unicode.GetBytes(StudyYaml(Questions))),
        _ => "{\"slug\": \"s\", \"title\": \"t\", \"questions\": [{\"id\": \"q\", \"prompt\": \"Why?\", \"contexts\": {}}]}",
    };

    private static Dictionary<string, object> ValidDocument() => new()
    {
        ["slug"] = "hostile",
        ["title"] = "When is kindness wise?",
        ["description"] = "A study.",
        ["questions"] = new List<Dictionary<string, object>>
        {
            new()
            {
                ["id"] = "grief", ["title"] = "Grief", ["prompt"] = "What should I say to her?",
                ["contexts"] = new List<Dictionary<string, object>> { new() { ["id"] = "comforting", ["text"] = "When comforting someone" } },
            },
        },
        ["redLines"] = new List<Dictionary<string, object>> { new() { ["id"] = "no-deceit", ["statement"] = "Never deceive her." } },
        ["seedValues"] = new List<Dictionary<string, object>>
        {
            new()
            {
                ["question"] = "grief", ["title"] = "Presence over advice", ["description"] = "The AI helps her simply be there.",
                ["policies"] = new List<string> { "MOMENTS when silence says more", "SIGNS she wants to talk", "QUESTIONS that let her lead" },
            },
        },
    };

    private static void Set(Dictionary<string, object> document, string field, string value)
    {
        var question = ((List<Dictionary<string, object>>)document["questions"])[0];
        var seed = ((List<Dictionary<string, object>>)document["seedValues"])[0];
        switch (field)
        {
            case "questions[0].title": question["title"] = value; break;
            case "questions[0].prompt": question["prompt"] = value; break;
            case "questions[0].contexts[0].text": ((List<Dictionary<string, object>>)question["contexts"])[0]["text"] = value; break;
            case "redLines[0].statement": ((List<Dictionary<string, object>>)document["redLines"])[0]["statement"] = value; break;
            case "seedValues[0].title": seed["title"] = value; break;
            case "seedValues[0].description": seed["description"] = value; break;
            case "seedValues[0].policies[0]": ((List<string>)seed["policies"])[0] = value; break;
            default: document[field] = value; break;
        }
    }

    private static string Get(Study study, string field) => field switch
    {
        "title" => study.Title,
        "description" => study.Description,
        "questions[0].title" => study.Questions[0].Title,
        "questions[0].prompt" => study.Questions[0].Prompt,
        "questions[0].contexts[0].text" => study.Questions[0].Contexts[0].Text,
        "redLines[0].statement" => study.RedLines[0].Statement,
        "seedValues[0].title" => study.SeedValues[0].Title,
        "seedValues[0].description" => study.SeedValues[0].Description,
        _ => study.SeedValues[0].Policies[0],
    };
}
