using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Cli.Tests;

public sealed class ReleaseCommandTests : IDisposable
{
    private readonly CliSandbox _sandbox = new();

    private async Task ImportAsync(string before = "2023-10-18T12:00:00Z")
    {
        var import = await _sandbox.RunAsync("import-mai", _sandbox.WriteMaiDump(), "--study", "mini", "--before", before);
        Assert.True(import.ExitCode == 0, import.Error);
    }

    [Fact]
    public async Task Releases_are_numbered_in_order_and_each_names_the_one_before()
    {
        await ImportAsync();

        var first = await _sandbox.RunAsync("release", "publish", "--study", "mini", "--note", "First round");
        var second = await _sandbox.RunAsync("release", "publish", "--study", "mini", "--note", "Second look", "--actor", "olivia");
        var list = await _sandbox.RunAsync("release", "list", "--study", "mini");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("Released v1 of 'mini' (the first)", first.Output, StringComparison.Ordinal);
        Assert.Contains("Released v2 of 'mini' (after v1)", second.Output, StringComparison.Ordinal);
        var lines = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("v1\t", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("\tFirst round", lines[0], StringComparison.Ordinal);
        Assert.Contains("\tolivia\t", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_is_written_again_byte_for_byte_and_carries_its_ids()
    {
        await ImportAsync();
        await _sandbox.RunAsync("release", "publish", "--study", "mini", "--note", "one");
        await _sandbox.RunAsync("release", "publish", "--study", "mini", "--note", "two");

        var show = await _sandbox.RunAsync("release", "show", "--study", "mini", "--release", "v2", "--out", _sandbox.PathOf("v2.json"));

        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("Reproduced byte for byte", show.Output, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(_sandbox.PathOf("v2.json"));
        var released = await ReleasesAsync();
        Assert.Equal(released[1].SpecSha256, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        var spec = JsonNode.Parse(bytes)!.AsObject();
        Assert.Equal("v2", (string?)spec["releaseId"]);
        Assert.Equal("v1", (string?)spec["previousReleaseId"]);
        Assert.Null(AlignmentSpecJson.CheckHash(spec));
        Assert.Equal(0, (await _sandbox.RunAsync("validate", _sandbox.PathOf("v2.json"))).ExitCode);
    }

    [Fact]
    public async Task A_release_no_longer_reproduces_once_a_participant_in_it_withdrew_and_no_file_is_left()
    {
        await ImportAsync();
        await _sandbox.RunAsync("release", "publish", "--study", "mini", "--note", "one");
        var voter = (await EventsAsync()).OfType<VoteCast>().First().Vote.ParticipantId;
        using (var log = new LiteDbEventLog(_sandbox.Store))
        {
            await log.AppendAsync(new ParticipantWithdrew(voter) { StudyId = "mini", OccurredAt = DateTimeOffset.UtcNow, Actor = voter });
        }

        var show = await _sandbox.RunAsync("release", "show", "--study", "mini", "--release", "v1", "--out", _sandbox.PathOf("v1.json"));

        Assert.Equal(1, show.ExitCode);
        Assert.Contains("v1 does not reproduce", show.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.PathOf("v1.json")));
    }

    [Fact]
    public async Task Two_releases_and_a_release_and_the_live_graph_are_compared()
    {
        await ImportAsync();
        await _sandbox.RunAsync("release", "publish", "--study", "mini", "--note", "one");
        using (var log = new LiteDbEventLog(_sandbox.Store))
        {
            var vote = (await log.ReadStudyAsync("mini")).Select(e => e.Event).OfType<VoteCast>().Last();
            await log.AppendAsync(vote with { Vote = vote.Vote with { VoteId = "extra", ParticipantId = "newcomer" }, Actor = "newcomer" });
        }

        await _sandbox.RunAsync("release", "publish", "--study", "mini", "--note", "two");

        var releases = await _sandbox.RunAsync("release", "diff", "--study", "mini", "--from", "v1", "--to", "v2", "--format", "json");
        var live = await _sandbox.RunAsync("release", "diff", "--study", "mini", "--from", "v2", "--to", "live");

        Assert.True(releases.ExitCode == 0, releases.Error);
        var json = JsonNode.Parse(releases.Output)!;
        Assert.Equal(("v1", "v2"), ((string?)json["from"]!["releaseId"], (string?)json["to"]!["releaseId"]));
        Assert.Equal(1, (int)json["participation"]!["votes"]!["added"]!);
        Assert.True(live.ExitCode == 0, live.Error);
        Assert.StartsWith("# Spec diff: v2 → ", live.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_studies_and_releases_are_named()
    {
        await ImportAsync();

        var noStudy = await _sandbox.RunAsync("release", "list", "--study", "nope");
        var noRelease = await _sandbox.RunAsync("release", "show", "--study", "mini", "--release", "v7");
        var none = await _sandbox.RunAsync("release", "list", "--study", "mini");

        Assert.Equal(1, noStudy.ExitCode);
        Assert.Contains("no study 'nope'", noStudy.Error, StringComparison.Ordinal);
        Assert.Equal(1, noRelease.ExitCode);
        Assert.Contains("has no release v7", noRelease.Error, StringComparison.Ordinal);
        Assert.Contains("has no release yet", none.Output, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<StudyEvent>> EventsAsync()
    {
        using var log = new LiteDbEventLog(_sandbox.Store);
        return [.. (await log.ReadStudyAsync("mini")).Select(e => e.Event)];
    }

    private async Task<List<SpecReleased>> ReleasesAsync() => [.. (await EventsAsync()).OfType<SpecReleased>()];

    public void Dispose() => _sandbox.Dispose();
}
