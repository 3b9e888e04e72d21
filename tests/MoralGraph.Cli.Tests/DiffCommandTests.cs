using System.Text.Json.Nodes;

namespace MoralGraph.Cli.Tests;

public sealed class DiffCommandTests : IDisposable
{
    private readonly CliSandbox _sandbox = new();

    /// <summary>The mini dump before and after its last vote (3→1 in "When making decisions", after the cut), as two spec files.</summary>
    private async Task<(string Before, string After)> TwoSpecsAsync()
    {
        var dump = _sandbox.WriteMaiDump();
        Assert.Equal(0, (await _sandbox.RunAsync("import-mai", dump, "--study", "before", "--before", "2023-10-18T12:00:00Z")).ExitCode);
        Assert.Equal(0, (await _sandbox.RunAsync("import-mai", dump, "--study", "after")).ExitCode);
        foreach (var study in new[] { "before", "after" })
        {
            var export = await _sandbox.RunAsync("export", "--study", study, "--format", "json", "--out", _sandbox.PathOf($"{study}.json"));
            Assert.True(export.ExitCode == 0, export.Error);
        }

        return (_sandbox.PathOf("before.json"), _sandbox.PathOf("after.json"));
    }

    [Fact]
    public async Task Diff_of_two_files_as_json_counts_the_vote_added()
    {
        var (before, after) = await TwoSpecsAsync();

        var diff = await _sandbox.RunAsync("diff", before, after, "--format", "json");

        Assert.True(diff.ExitCode == 0, diff.Error);
        var json = JsonNode.Parse(diff.Output)!;
        Assert.Equal(4, (int)json["participation"]!["votes"]!["before"]!);
        Assert.Equal(5, (int)json["participation"]!["votes"]!["after"]!);
        Assert.Equal(1, (int)json["participation"]!["votes"]!["added"]!);
        var graph = Assert.Single(json["graphs"]!.AsArray());
        Assert.Equal("When making decisions", (string?)graph!["contextText"]);
    }

    [Fact]
    public async Task Diff_writes_markdown_by_default_and_to_a_file_with_out()
    {
        var (before, after) = await TwoSpecsAsync();

        var printed = await _sandbox.RunAsync("diff", before, after);
        var written = await _sandbox.RunAsync("diff", before, after, "--out", _sandbox.PathOf("diff.md"));

        Assert.Equal(0, printed.ExitCode);
        Assert.StartsWith("# Spec diff:", printed.Output, StringComparison.Ordinal);
        Assert.Contains("| votes | 4 | 5 | +1 |", printed.Output, StringComparison.Ordinal);
        Assert.Equal(0, written.ExitCode);
        Assert.Equal(printed.Output, await File.ReadAllTextAsync(_sandbox.PathOf("diff.md")));
    }

    [Fact]
    public async Task A_spec_diffed_with_itself_says_no_change()
    {
        var (before, _) = await TwoSpecsAsync();

        var diff = await _sandbox.RunAsync("diff", before, before);

        Assert.Equal(0, diff.ExitCode);
        Assert.Contains("No change", diff.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_or_malformed_file_is_named()
    {
        var (before, _) = await TwoSpecsAsync();
        _sandbox.Write("broken.json", "{ not json");

        var missing = await _sandbox.RunAsync("diff", before, _sandbox.PathOf("nothing.json"));
        var malformed = await _sandbox.RunAsync("diff", _sandbox.PathOf("broken.json"), before);

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nothing.json: file not found", missing.Error, StringComparison.Ordinal);
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("broken.json is not an alignment spec", malformed.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _sandbox.Dispose();
}
