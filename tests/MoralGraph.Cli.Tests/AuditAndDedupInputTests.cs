namespace MoralGraph.Cli.Tests;

public sealed class AuditAndDedupInputTests : IDisposable
{
    private readonly CliSandbox _sandbox = new();

    [Fact]
    public async Task Audit_verify_prints_a_head_that_later_catches_events_removed_from_the_end()
    {
        await _sandbox.RunAsync("demo", "--participants", "5");
        var first = await _sandbox.RunAsync("audit", "verify");
        var head = first.Output.Split("Head: ")[1].Trim();

        Assert.Equal(0, (await _sandbox.RunAsync("audit", "verify", "--expect-head", head)).ExitCode);
        await _sandbox.RunAsync("demo", "--participants", "5", "--study", "later");
        Assert.Equal(0, (await _sandbox.RunAsync("audit", "verify", "--expect-head", head)).ExitCode);

        using (var raw = new LiteDB.LiteDatabase(_sandbox.Store))
        {
            var events = raw.GetCollection("events");
            var last = events.Max("_id").AsInt64;
            events.DeleteMany(LiteDB.Query.GTE("_id", last - 60));
        }

        Assert.Equal(0, (await _sandbox.RunAsync("audit", "verify")).ExitCode);
        var truncated = await _sandbox.RunAsync("audit", "verify", "--expect-head", head);
        Assert.Equal(1, truncated.ExitCode);
        Assert.Contains("removed from its end", truncated.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("duplicate.json", """[{"id":"a","title":"One Two","policies":["MOMENTS a","CHOICES b","SIGNS c"]},{"id":"a","title":"Three Four","policies":["MOMENTS d","CHOICES e","SIGNS f"]}]""", "record 1 (id a), field id: the id a is already used by record 0")]
    [InlineData("empty.json", "[]", "holds no cards")]
    [InlineData("numeric.json", """[{"id":"a","title":42,"policies":["MOMENTS a","CHOICES b","SIGNS c"]}]""", "record 0 (id a), field title: expected text")]
    [InlineData("language.json", """[{"id":"a","title":"One Two","policies":["MOMENTS a","CHOICES b","SIGNS c"],"language":["es"]}]""", "record 0 (id a), field language: expected a language tag such as es")]
    public async Task Dedup_names_bad_cards_instead_of_crashing(string file, string json, string expected)
    {
        var cards = _sandbox.Write(file, json);
        var result = await _sandbox.RunAsync("dedup", cards, "--out", _sandbox.PathOf("out.json"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.PathOf("out.json")));
    }

    [Theory]
    [InlineData("en", "en-GB", 1)]
    [InlineData("en", "es", 2)]
    public async Task Dedup_of_a_file_merges_cards_of_one_language_only(string first, string second, int clusters)
    {
        const string Card = """{"id":"ID","participantId":"AUTHOR","title":"Honest care","description":"Honest.","policies":["MOMENTS when the truth would help","FEELINGS not yet named","OPTIONS she may not know about"],"language":"LANGUAGE"}""";
        var cards = _sandbox.Write("cards.json",
            $"[{Card.Replace("ID", "a").Replace("AUTHOR", "p1").Replace("LANGUAGE", first)},{Card.Replace("ID", "b").Replace("AUTHOR", "p2").Replace("LANGUAGE", second)}]");

        var result = await _sandbox.RunAsync("dedup", cards, "--out", _sandbox.PathOf("clusters.json"));

        Assert.Equal(0, result.ExitCode);
        var written = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(_sandbox.PathOf("clusters.json")))!;
        Assert.Equal(clusters, written["clusters"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_new_definition_may_not_drop_a_context_that_has_votes()
    {
        await _sandbox.RunAsync("demo", "--participants", "6");
        var narrower = _sandbox.Write("demo.yaml", "slug: demo\ntitle: Demo\nquestions:\n  - id: abortion\n    prompt: What should I do?\n    contexts:\n      - { id: in-distress, text: When in distress }\n");

        var result = await _sandbox.RunAsync("import", narrower);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("drops context(s) that votes were cast in: abortion/making-decisions", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dedup_of_a_study_records_no_merge_twice_and_needs_a_file_or_a_study()
    {
        await _sandbox.RunAsync("demo", "--participants", "12");
        var again = await _sandbox.RunAsync("dedup", "--study", "demo");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Recorded 0 merge(s) in 'demo'", again.Output, StringComparison.Ordinal);

        var neither = await _sandbox.RunAsync("dedup");
        Assert.Equal(1, neither.ExitCode);
        Assert.Contains("give CARDS.json (with --out) or --study SLUG", neither.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reimporting_a_study_moves_its_phase_forward_never_back()
    {
        var yaml = File.ReadAllText(MoralGraph.Tests.RepositoryFiles.PathOf("studies/dft-2023.yaml"));
        var interviewing = _sandbox.Write("study.yaml", yaml);
        var voting = _sandbox.Write("voting.yaml", yaml.Replace("phase: interviewing", "phase: voting", StringComparison.Ordinal));
        Assert.Equal(0, (await _sandbox.RunAsync("import", interviewing)).ExitCode);

        Assert.Equal(0, (await _sandbox.RunAsync("import", voting)).ExitCode);
        await _sandbox.RunAsync("export", "--study", "dft-2023-example", "--format", "json", "--out", _sandbox.PathOf("spec.json"));
        Assert.Contains("\"phase\": \"voting\"", await File.ReadAllTextAsync(_sandbox.PathOf("spec.json")), StringComparison.Ordinal);

        var back = await _sandbox.RunAsync("import", interviewing);
        Assert.Equal(0, back.ExitCode);
        Assert.Contains("the study stays voting", back.Error, StringComparison.Ordinal);

        using var log = new MoralGraph.Storage.EventLog.LiteDbEventLog(_sandbox.Store);
        Assert.Equal(MoralGraph.Core.Studies.StudyPhase.Voting, Assert.Single(await log.ListAsync()).Phase);
    }

    public void Dispose() => _sandbox.Dispose();
}
