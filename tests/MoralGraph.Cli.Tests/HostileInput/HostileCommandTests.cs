using System.Text.Json;
using MoralGraph.Tests.HostileInput;

namespace MoralGraph.Cli.Tests.HostileInput;

/// <summary>
/// The command line given what an attacker or a slip of the keyboard gives it: hostile strings in every argument that
/// takes text, files that are no study or dump, stores that are not there. Each ends with exit code 0, or 1 and a
/// one-line "error:" naming the problem; never a stack trace. Whatever a command accepted, the store's audit chain
/// still verifies.
/// </summary>
public sealed class HostileCommandTests : IDisposable
{
    private readonly CliSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private const string ValidStudy = """
        slug: hostile
        title: A study under attack
        questions:
          - id: q
            prompt: What should I say to her?
            contexts:
              - text: When comforting someone

        """;

    public static TheoryData<string> Names() => HostileStrings.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_study_title_in_a_file_is_imported_as_text_or_refused_by_field(string name)
    {
        var hostile = HostileStrings.Get(name);
        var file = _sandbox.Write("study.yaml", ValidStudy.Replace("A study under attack", JsonSerializer.Serialize(hostile), StringComparison.Ordinal));

        var result = await RunCleanAsync("import", file);

        if (result.ExitCode == 0)
        {
            var export = await RunCleanAsync("export", "--study", "hostile", "--format", "json", "--out", _sandbox.PathOf("spec.json"));
            Assert.Equal(0, export.ExitCode);
            using var spec = JsonDocument.Parse(await File.ReadAllTextAsync(_sandbox.PathOf("spec.json")));
            Assert.Equal(Core.TextNormalization.CollapseWhitespace(hostile), spec.RootElement.GetProperty("study").GetProperty("title").GetString());
        }
        else
        {
            Assert.Contains("study.yaml: ", result.Error, StringComparison.Ordinal);
        }

        await AssertAuditIntactAsync();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_slug_is_refused_by_every_command_that_takes_one(string name)
    {
        var hostile = HostileStrings.Get(name);
        await RunCleanAsync("import", _sandbox.Write("study.yaml", ValidStudy));
        var dump = _sandbox.WriteMaiDump();

        foreach (var args in new[]
        {
            new[] { "reconcile", "--study", hostile },
            ["export", "--study", hostile, "--format", "json", "--out", _sandbox.PathOf("out.json")],
            ["apikey", "create", "--study", hostile, "--label", "x"],
            ["import-mai", dump, "--study", hostile],
            ["dedup", "--study", hostile],
            ["audit", "replay", "--study", hostile],
        })
        {
            var result = await RunCleanAsync(args);
            Assert.True(result.ExitCode == 1, $"{args[0]} took the slug {name}: {result.Output}");
        }

        await AssertAuditIntactAsync();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_username_or_label_is_refused_or_stored_as_typed(string name)
    {
        var hostile = HostileStrings.Get(name);
        await RunCleanAsync("import", _sandbox.Write("study.yaml", ValidStudy));

        var add = await RunCleanWithInputAsync("correct horse battery staple\n", "facilitator", "add", hostile, "--role", "owner", "--password-stdin");
        Assert.Equal(1, add.ExitCode);
        Assert.True(add.Error.Contains("username", StringComparison.OrdinalIgnoreCase) || add.Error.Contains("response file", StringComparison.Ordinal), add.Error);

        var key = await RunCleanAsync("apikey", "create", "--study", "hostile", "--label", hostile);
        if (key.ExitCode == 0)
        {
            var list = await RunCleanAsync("apikey", "list");
            Assert.Contains(HostileStrings.ThroughUtf8(hostile).Trim()[..Math.Min(40, hostile.Trim().Length)], list.Output, StringComparison.Ordinal);
        }

        await AssertAuditIntactAsync();
    }

    public static TheoryData<string> HostileFiles() =>
    [
        "null-question", "null-context", "null-seed-value", "null-red-line", "null-invite-code", "reserved-slug-access",
        "fifty-megabyte-description", "binary", "utf16", "deeply-nested", "alias-bomb", "truncated", "empty", "a-folder",
        "not-there",
    ];

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public async Task A_hostile_study_file_is_refused_naming_the_file_and_nothing_is_written(string name)
    {
        var path = name == "not-there" ? _sandbox.PathOf("missing.yaml") : name == "a-folder" ? _sandbox.Folder.FullName : _sandbox.Write("study.yaml", name switch
        {
            "null-question" => ValidStudy + "  - null\n",
            "null-context" => ValidStudy + "      - ~\n",
            "null-seed-value" => ValidStudy + "seedValues:\n  - null\n",
            "null-red-line" => ValidStudy + "redLines: [null]\n",
            "null-invite-code" => ValidStudy + "inviteCodes:\n  -\n",
            "reserved-slug-access" => ValidStudy.Replace("slug: hostile", "slug: access", StringComparison.Ordinal),
            "fifty-megabyte-description" => ValidStudy + "description: " + new string('x', 50 * 1024 * 1024) + "\n",
            "binary" => new string([.. Enumerable.Range(0, 2048).Select(i => (char)(i % 256))]),
            "utf16" => System.Text.Encoding.UTF8.GetString(System.Text.Encoding.Unicode.GetBytes(ValidStudy)),
            "deeply-nested" => ValidStudy + "languages: " + new string('[', 30_000) + new string(']', 30_000) + "\n",
            "alias-bomb" => "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n" + ValidStudy,
            "truncated" => ValidStudy[..30],
            _ => string.Empty,
        });

        var result = await RunCleanAsync("import", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar)), result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.Store) && new FileInfo(_sandbox.Store).Length > 0 && (await RunCleanAsync("reconcile", "--study", "hostile")).ExitCode == 0);
    }

    public static TheoryData<string> HostileDumps() =>
    [
        "null-case", "null-context", "null-link", "null-card", "null-edge", "empty-object-context", "empty-object-case",
        "edge-unknown-context", "edge-null-context", "binary-edges", "truncated-cards", "nested-cases", "empty-folder",
    ];

    [Theory]
    [MemberData(nameof(HostileDumps))]
    public async Task A_hostile_mai_dump_is_refused_naming_the_file_and_record(string name)
    {
        var dump = _sandbox.WriteMaiDump();
        var (file, text) = name switch
        {
            "null-case" => ("case.json", """[null]"""),
            "null-context" => ("context.json", """[{"id":"When in distress"},null,{"id":"When making decisions"}]"""),
            "null-link" => ("contextsOnCases.json", """[null]"""),
            "null-card" => ("canonicalValuesCard.json", """[null]"""),
            "null-edge" => ("edge.json", """[null]"""),
            "empty-object-context" => ("context.json", """[{"id":"When in distress"},{"id":"When making decisions"},{}]"""),
            "empty-object-case" => ("case.json", """[{}]"""),
            "edge-unknown-context" => ("edge.json", """[{"userId":1,"fromId":1,"toId":2,"story":"s","contextId":"When nobody said","relationship":"upgrade","createdAt":"2023-10-01T00:00:00.000Z"}]"""),
            "edge-null-context" => ("edge.json", """[{"userId":1,"fromId":1,"toId":2,"story":"s","contextId":null,"relationship":"upgrade","createdAt":"2023-10-01T00:00:00.000Z"}]"""),
            "binary-edges" => ("edge.json", new string([.. Enumerable.Range(0, 512).Select(i => (char)(i % 256))])),
            "truncated-cards" => ("canonicalValuesCard.json", """[{"id":1,"title":"Inf"""),
            "nested-cases" => ("case.json", new string('[', 5_000) + new string(']', 5_000)),
            _ => ("", ""),
        };
        if (name == "empty-folder")
        {
            dump = Directory.CreateDirectory(_sandbox.PathOf("empty-dump")).FullName;
            file = "case.json";
        }
        else
        {
            await File.WriteAllTextAsync(Path.Combine(dump, file), text);
        }

        var result = await RunCleanAsync("import-mai", dump, "--study", "mai");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_card_title_in_a_cards_file_is_refused_by_record_or_clustered_with_its_title_kept(string name)
    {
        var hostile = HostileStrings.Get(name);
        var cards = _sandbox.Write("cards.json", JsonSerializer.Serialize(new[]
        {
            new { id = "a", title = hostile, policies = new[] { "MOMENTS of calm", "SIGNS of stress", "WORDS that soothe" } },
            new { id = "b", title = "Calm presence", policies = new[] { "MOMENTS of quiet", "SIGNS of grief", "WORDS that help" } },
        }));

        var result = await RunCleanAsync("dedup", cards, "--out", _sandbox.PathOf("clusters.json"));

        if (result.ExitCode == 0)
        {
            using var clusters = JsonDocument.Parse(await File.ReadAllTextAsync(_sandbox.PathOf("clusters.json")));
            var members = clusters.RootElement.GetProperty("clusters").EnumerateArray().SelectMany(c => c.GetProperty("members").EnumerateArray()).Select(m => m.GetString()).ToList();
            Assert.Equal(["a", "b"], members.Order(StringComparer.Ordinal));
        }
        else
        {
            Assert.Contains("cards.json record 0", result.Error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("null-record", "[null]")]
    [InlineData("empty-object", "[{}]")]
    [InlineData("deeply-nested", "deep")]
    [InlineData("binary", "binary")]
    [InlineData("truncated", "[{\"id\":\"a\",\"title\":\"Calm")]
    [InlineData("not-an-array", "{\"id\":\"a\"}")]
    [InlineData("wrong-types", "[{\"id\":[1],\"title\":{},\"policies\":\"x\"}]")]
    [InlineData("empty-array", "[]")]
    public async Task A_damaged_cards_file_is_refused_naming_the_file(string name, string json)
    {
        json = json switch
        {
            "deep" => new string('[', 5_000) + new string(']', 5_000),
            "binary" => new string([.. Enumerable.Range(0, 512).Select(i => (char)(i % 256))]),
            _ => json,
        };
        var cards = _sandbox.Write("cards.json", json);

        var result = await RunCleanAsync("dedup", cards, "--out", _sandbox.PathOf("clusters.json"));

        Assert.True(result.ExitCode == 1, $"{name}: {result.Output}");
        Assert.Contains("cards.json", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.PathOf("clusters.json")));
    }

    [Theory]
    [InlineData("all-files-empty")]
    [InlineData("no-edges")]
    [InlineData("no-cards")]
    public async Task A_sparse_dump_is_refused_or_imported_and_every_reading_command_handles_the_study(string name)
    {
        var dump = _sandbox.WriteMaiDump();
        foreach (var file in name switch
        {
            "all-files-empty" => new[] { "case.json", "context.json", "contextsOnCases.json", "canonicalValuesCard.json", "edge.json" },
            "no-edges" => ["edge.json"],
            _ => ["canonicalValuesCard.json", "edge.json"],
        })
        {
            await File.WriteAllTextAsync(Path.Combine(dump, file), "[]");
        }

        var imported = await RunCleanAsync("import-mai", dump, "--study", "sparse");
        if (imported.ExitCode == 0)
        {
            foreach (var args in new[]
            {
                new[] { "reconcile", "--study", "sparse" },
                ["export", "--study", "sparse", "--format", "json", "--out", _sandbox.PathOf("sparse.json")],
                ["export", "--study", "sparse", "--format", "csv", "--out", _sandbox.PathOf("sparse.zip")],
                ["export", "--study", "sparse", "--format", "mai", "--out", _sandbox.PathOf("sparse-mai.json")],
                ["dedup", "--study", "sparse"],
                ["audit", "replay", "--study", "sparse"],
            })
            {
                var result = await RunCleanAsync(args);
                Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.Error}");
            }
        }
        else
        {
            Assert.Contains(".json", imported.Error, StringComparison.Ordinal);
        }

        await AssertAuditIntactAsync();
    }

    [Fact]
    public async Task Commands_refuse_what_the_sweep_found_them_accepting()
    {
        await RunCleanAsync("import", _sandbox.Write("study.yaml", ValidStudy));

        var unknownStudy = await RunCleanWithInputAsync("correct horse battery staple\n", "facilitator", "add", "ana", "--role", "observer", "--study", "no-such-study", "--password-stdin");
        Assert.Equal(1, unknownStudy.ExitCode);
        Assert.Contains("no study 'no-such-study'", unknownStudy.Error, StringComparison.Ordinal);

        foreach (var top in new[] { "-1", "0" })
        {
            var result = await RunCleanAsync("reconcile", "--study", "hostile", "--top", top);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"--top {top}", result.Error, StringComparison.Ordinal);
        }

        var missingFolder = Path.Combine(_sandbox.Folder.FullName, "nowhere", "store.db");
        foreach (var command in new[] { new[] { "reconcile", "--study", "hostile" }, ["export", "--study", "hostile", "--format", "json", "--out", _sandbox.PathOf("x.json")], ["audit", "verify"], ["dedup", "--study", "hostile"], ["facilitator", "list"] })
        {
            var result = await RunCleanOnAsync(missingFolder, command);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("no store there", result.Error, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.GetDirectoryName(missingFolder)), "A command that reads a store created its folder.");

        var empty = _sandbox.Write("empty.db", string.Empty);
        var verify = await RunCleanOnAsync(empty, ["audit", "verify"]);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("empty, not a store", verify.Error, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(empty).Length);

        await AssertAuditIntactAsync();
    }

    private async Task AssertAuditIntactAsync()
    {
        if (!File.Exists(_sandbox.Store))
        {
            return;
        }

        var verify = await RunCleanAsync("audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains("intact", verify.Output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Error)> RunCleanAsync(params string[] args) => RunCleanWithInputAsync(string.Empty, args);

    private async Task<(int ExitCode, string Output, string Error)> RunCleanWithInputAsync(string input, params string[] args)
    {
        var result = await _sandbox.RunWithInputAsync(input, args);
        AssertNoCrash(args, result);
        return result;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunCleanOnAsync(string store, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await MoralGraphCli.RunAsync(["--db", store, .. args], output, error, new StringReader(string.Empty));
        var result = (exitCode, output.ToString(), error.ToString());
        AssertNoCrash(args, result);
        return result;
    }

    // A refusal is exit code 1 and a message ("error: …", or the parser's own, such as for an argument starting with
    // '@', which System.CommandLine reads as a response file); a crash shows as a stack trace or another exit code.
    private static void AssertNoCrash(string[] args, (int ExitCode, string Output, string Error) result)
    {
        Assert.True(result.ExitCode is 0 or 1, $"{args[0]} exited {result.ExitCode}: {result.Error}");
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Error, StringComparison.OrdinalIgnoreCase);
        if (result.ExitCode == 1)
        {
            Assert.False(string.IsNullOrWhiteSpace(result.Error), $"{args[0]} failed without a word.");
        }
    }
}
