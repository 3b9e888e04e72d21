using System.Text.Json.Nodes;
using MoralGraph.Tests;

namespace MoralGraph.Cli.Tests;

public sealed class CommandTests : IDisposable
{
    private readonly CliSandbox _sandbox = new();

    [Fact]
    public async Task A_mai_dump_is_imported_reconciled_and_exported_in_every_format()
    {
        var dump = _sandbox.WriteMaiDump();
        var import = await _sandbox.RunAsync("import-mai", dump, "--study", "mini", "--before", "2023-10-18T12:00:00Z");
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("3 values, 4 votes (1 after the time cut left out)", import.Output, StringComparison.Ordinal);

        var reconcile = await _sandbox.RunAsync("reconcile", "--study", "mini");
        Assert.Equal(0, reconcile.ExitCode);
        Assert.Contains("abortion / When in distress", reconcile.Output, StringComparison.Ordinal);
        Assert.Contains("1. Emotional Grounding [2]", reconcile.Output, StringComparison.Ordinal);

        foreach (var (format, file) in new[] { ("json", "spec.json"), ("graphml", "g.graphml"), ("csv", "t.zip"), ("md", "s.md"), ("mai", "m.json") })
        {
            var export = await _sandbox.RunAsync("export", "--study", "mini", "--format", format, "--out", _sandbox.PathOf(file));
            Assert.True(export.ExitCode == 0, export.Error);
            Assert.True(new FileInfo(_sandbox.PathOf(file)).Length > 100);
        }

        Assert.Empty(_sandbox.Folder.GetFiles("*.tmp", SearchOption.AllDirectories));
        var validate = await _sandbox.RunAsync("validate", _sandbox.PathOf("spec.json"));
        Assert.Equal(0, validate.ExitCode);

        var mai = JsonNode.Parse(await File.ReadAllTextAsync(_sandbox.PathOf("m.json")))!;
        // The default profile keeps 1→2 (two wiser votes) and 3→1 (one; the second came after the cut).
        var edges = mai["edges"]!.AsArray();
        Assert.Equal(2, edges.Count);
        Assert.Equal(2, edges.Single(e => e!["sourceValueId"]!.GetValue<int>() == 1)!["counts"]!["markedWiser"]!.GetValue<int>());
        Assert.Equal(1, edges.Single(e => e!["sourceValueId"]!.GetValue<int>() == 3)!["counts"]!["markedWiser"]!.GetValue<int>());
    }

    [Fact]
    public async Task Validate_refuses_a_spec_edited_after_export()
    {
        _sandbox.WriteMaiDump();
        await _sandbox.RunAsync("import-mai", _sandbox.PathOf("dump"), "--study", "mini");
        await _sandbox.RunAsync("export", "--study", "mini", "--format", "json", "--out", _sandbox.PathOf("spec.json"));
        var text = await File.ReadAllTextAsync(_sandbox.PathOf("spec.json"));
        await File.WriteAllTextAsync(_sandbox.PathOf("spec.json"), text.Replace("Emotional Grounding", "Emotional Manipulation", StringComparison.Ordinal));

        var validate = await _sandbox.RunAsync("validate", _sandbox.PathOf("spec.json"));

        Assert.Equal(1, validate.ExitCode);
        Assert.Contains("changed after export", validate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_names_schema_violations_and_malformed_json()
    {
        _sandbox.Write("broken.json", "{\"schemaVersion\": \"1.0.0\",\n \"study\": }");
        var malformed = await _sandbox.RunAsync("validate", _sandbox.PathOf("broken.json"));
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("broken.json: malformed JSON at line 2", malformed.Error, StringComparison.Ordinal);

        _sandbox.Write("empty.json", "{\"schemaVersion\": \"1.0.0\"}");
        var invalid = await _sandbox.RunAsync("validate", _sandbox.PathOf("empty.json"));
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("PropertyRequired", invalid.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vote_naming_an_unknown_value_fails_the_import_and_writes_nothing()
    {
        var dump = _sandbox.WriteMaiDump();
        _sandbox.Write("dump/edge.json", """[{"userId":1,"fromId":1,"toId":42,"contextId":"When in distress","relationship":"upgrade","createdAt":"2023-10-01T00:00:00.000Z"}]""");

        var import = await _sandbox.RunAsync("import-mai", dump, "--study", "mini");

        Assert.Equal(1, import.ExitCode);
        Assert.Contains("edge.json record 0 (userId 1), field toId: 42 names no value", import.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.Store));
    }

    [Fact]
    public async Task Importing_the_same_study_twice_is_refused()
    {
        var dump = _sandbox.WriteMaiDump();
        Assert.Equal(0, (await _sandbox.RunAsync("import-mai", dump, "--study", "mini")).ExitCode);
        var again = await _sandbox.RunAsync("import-mai", dump, "--study", "mini");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_study_file_is_named_with_its_line_and_nothing_is_stored()
    {
        var path = _sandbox.Write("study.yaml", "slug: ok\ntitle: [unclosed\n");
        var import = await _sandbox.RunAsync("import", path);

        Assert.Equal(1, import.ExitCode);
        Assert.Contains("study.yaml: line", import.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.Store));
    }

    [Fact]
    public async Task The_shipped_example_study_imports()
    {
        var import = await _sandbox.RunAsync("import", RepositoryFiles.PathOf("studies/dft-2023.yaml"));

        Assert.Equal(0, import.ExitCode);
        Assert.Contains("'dft-2023-example' (3 questions, 12 contexts, 3 red lines)", import.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shared_red_lines_are_added_with_their_source_and_reach_the_spec()
    {
        var import = await _sandbox.RunAsync("import", RepositoryFiles.PathOf("studies/dft-2023.yaml"), "--red-lines", RepositoryFiles.PathOf("studies/red-lines/global-minimums.yaml"));
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("6 red lines", import.Output, StringComparison.Ordinal);

        await _sandbox.RunAsync("export", "--study", "dft-2023-example", "--format", "json", "--out", _sandbox.PathOf("spec.json"));
        var redLines = JsonNode.Parse(await File.ReadAllTextAsync(_sandbox.PathOf("spec.json")))!["layers"]!["redLines"]!.AsArray();
        Assert.Equal(6, redLines.Count);
        Assert.Equal("global-minimums.yaml", redLines.Single(r => r!["id"]!.GetValue<string>() == "no-targeted-violence")!["source"]!.GetValue<string>());

        var bad = _sandbox.Write("bad-lines.yaml", "- id: x\n  statement: \"\"\n");
        var refused = await _sandbox.RunAsync("import", RepositoryFiles.PathOf("studies/dft-2023.yaml"), "--red-lines", bad);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("bad-lines.yaml: [0].statement", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dedup_writes_clusters_and_names_a_card_with_twelve_policies()
    {
        var cards = _sandbox.Write("cards.json", """
            [{"id":"a","participantId":"p1","title":"Informed Autonomy","description":"x.","policies":["OPTIONS the person may not know about","CONSEQUENCES of each path","MOMENTS when the person wants facts"]},
             {"id":"b","participantId":"p2","title":"Informed autonomy","description":"x.","policies":["OPTIONS that the person might not know about","CONSEQUENCES of each path","MOMENTS when the person wants facts"]},
             {"id":"c","participantId":"p3","title":"Faith Integration","description":"x.","policies":["TEACHINGS of their tradition","PEOPLE in their church","TENSIONS between belief and circumstance"]}]
            """);
        var dedup = await _sandbox.RunAsync("dedup", cards, "--out", _sandbox.PathOf("clusters.json"));
        Assert.Equal(0, dedup.ExitCode);
        var clusters = JsonNode.Parse(await File.ReadAllTextAsync(_sandbox.PathOf("clusters.json")))!["clusters"]!.AsArray();
        Assert.Equal(2, clusters.Count);
        Assert.Equal(["a", "b"], clusters[0]!["members"]!.AsArray().Select(m => m!.GetValue<string>()).Order());

        var twelve = string.Join(",", Enumerable.Range(0, 12).Select(i => $"\"THINGS number {i}\""));
        var bad = _sandbox.Write("bad-cards.json", $$"""[{"id":"x","title":"Too Many","description":"x.","policies":[{{twelve}}]}]""");
        var refused = await _sandbox.RunAsync("dedup", bad, "--out", _sandbox.PathOf("never.json"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("bad-cards.json record 0 (id x), field policies: The card has 12 attentional policies", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.PathOf("never.json")));
    }

    [Theory]
    [InlineData("export", "--study", "nope", "--format", "json", "--out", "x.json")]
    [InlineData("reconcile", "--study", "nope")]
    public async Task An_unknown_study_is_a_clear_error(params string[] args)
    {
        _sandbox.WriteMaiDump();
        await _sandbox.RunAsync("import-mai", _sandbox.PathOf("dump"), "--study", "mini");
        var result = await _sandbox.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no study 'nope'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_format_is_refused_before_anything_runs()
    {
        var result = await _sandbox.RunAsync("export", "--study", "x", "--format", "xlsx", "--out", "x");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("xlsx", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_creates_a_study_whose_audit_log_verifies()
    {
        var demo = await _sandbox.RunAsync("demo", "--participants", "30");
        Assert.Equal(0, demo.ExitCode);
        var reconcile = await _sandbox.RunAsync("reconcile", "--study", "demo");
        Assert.Contains("abortion / When in distress", reconcile.Output, StringComparison.Ordinal);
        var audit = await _sandbox.RunAsync("audit", "verify");
        Assert.Equal(0, audit.ExitCode);
        Assert.Contains("intact", audit.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_pagerank_times_an_edge_list_and_refuses_a_bad_one()
    {
        var edges = _sandbox.Write("edges.csv", "source,target,weight\n0,1,1\n1,2,0.5\n2,0,2\n");
        var run = await _sandbox.RunAsync("bench", "pagerank", "--edges", edges);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("median of 5 runs; 3 nodes, 3 edges", run.Output, StringComparison.Ordinal);

        var bad = _sandbox.Write("bad.csv", "source,target,weight\n0,1,heavy\n");
        var refused = await _sandbox.RunAsync("bench", "pagerank", "--edges", bad);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("bad.csv line 2", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_reconciles_a_synthetic_study_from_its_state_and_reports_the_spec_write_and_memory()
    {
        var run = await _sandbox.RunAsync("bench", "--sizes", "2000", "--bootstrap", "20");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("2,000", run.Output, StringComparison.Ordinal);
        Assert.Contains("10,000", run.Output, StringComparison.Ordinal);
        Assert.Contains("peak: JSON", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"\d+\.\d{3} s \(\d+ MB\)", run.Output);
    }

    [Fact]
    public async Task Bench_bridging_groups_synthetic_camps_and_reports_the_groups_found()
    {
        var run = await _sandbox.RunAsync("bench", "bridging", "--participants", "300", "--values", "12", "--contexts", "2", "--votes", "20");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"300 participants × [\d,]+ items \(6,000 votes\): grouping \d+\.\d{3} s \(k = 3, sizes \d+/\d+/\d+", run.Output);
        Assert.Contains("bridging reconcile", run.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _sandbox.Dispose();
}
