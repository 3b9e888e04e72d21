using System.IO.Compression;
using System.Text.Json.Nodes;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Studies;
using MoralGraph.Core.TrainingData;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.TrainingData;

public class TrainingDataTests
{
    /// <summary>
    /// One context: a→b (3 wiser, 1 not wiser), b→c (2 wiser), a→c (1 wiser, 2 not wiser: no support), and in a
    /// second context d→a (1 wiser) and its reverse a→d (1 wiser), a contested pair.
    /// </summary>
    private static ExportInput Input(string? license = "CC-BY-4.0")
    {
        var plain = Study(("q", ["c", "c2"]));
        var study = new Study(plain.Slug, plain.Title, plain.Description, plain.Questions, plain.RedLines, plain.Languages, plain.Phase, plain.VoteDrawSize) { License = license };
        var votes = Votes(3, "a", "b", prefix: "w")
            .Append(Vote("n0", "a", "b", Verdict.NotWiser))
            .Concat(Votes(2, "b", "c", prefix: "x"))
            .Append(Vote("y0", "a", "c"))
            .Concat(Votes(2, "a", "c", Verdict.NotWiser, prefix: "z"))
            .Append(Vote("k0", "d", "a", context: "c2"))
            .Append(Vote("k1", "a", "d", context: "c2"));
        var snapshot = new MoralGraphSnapshot(study, new[] { "a", "b", "c", "d" }.Select(id => Value(id, $"author-{id}")).ToList(), votes.ToList());
        return ExportFormats.Prepare(snapshot, new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 0 }), T0);
    }

    [Fact]
    public void Each_supported_edge_is_one_record_with_the_wiser_card_chosen()
    {
        var records = PreferenceRecords.Of(Input().Spec).ToList();

        Assert.Equal(["q/c/a>b", "q/c/b>c", "q/c2/d>a", "q/c2/a>d"], records.Select(r => r.Id));
        var ab = records[0];
        Assert.Equal(("b", "a"), (ab.Chosen.ValueId, ab.Rejected.ValueId));
        Assert.Equal("Prompt q?\n\nContext: When c", ab.Prompt);
        Assert.Equal(new SpecCounts.EdgeCounts(3, 1, 0, 0, 4), ab.Tallies);
        Assert.Equal(0.5, ab.Weight, 12);
        Assert.Equal(0.3006418425824019, ab.Confidence, 12);
        Assert.False(ab.Contested);
        Assert.Equal(["card-b"], ab.Chosen.CardIds);
        Assert.StartsWith("Value b\n\nDescription of b.\n\nAttend to:\n- MOMENTS when it matters", ab.Chosen.Text, StringComparison.Ordinal);
        Assert.Equal(0.3423802275066531, records[1].Confidence, 12);
        Assert.All(records.Skip(2), r => Assert.True(r.Contested));
    }

    [Fact]
    public void Records_are_exactly_the_in_ranking_edges_of_positive_weight_of_the_reconciliation()
    {
        var input = Input();

        var expected = input.Result.Graphs.SelectMany(g => g.Edges.Where(e => e.InRanking && e.WiserLikelihood > 0).Select(e => $"{g.QuestionId}/{g.ContextId}/{e.SourceValueId}>{e.WiserValueId}"));

        Assert.Equal(expected, PreferenceRecords.Of(input.Spec).Select(r => r.Id));
        Assert.DoesNotContain(PreferenceRecords.Of(input.Spec), r => r.Id.EndsWith("a>c", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(1, 0, 0.20654931437723742)]
    [InlineData(10, 0, 0.7224672001371106)]
    [InlineData(5, 5, 0.236593090512564)]
    public void Confidence_is_the_wilson_lower_bound(int wiser, int notWiser, double expected)
    {
        Assert.Equal(expected, PreferenceRecords.Confidence(new SpecCounts.EdgeCounts(wiser, notWiser, 0, 0, wiser + notWiser)), 10);
    }

    [Fact]
    public async Task The_jsonl_archive_holds_one_line_per_record_and_a_dataset_card()
    {
        var input = Input();
        using var output = new MemoryStream();

        await new JsonlPreferencesFormat().WriteAsync(input, output);

        using var archive = new ZipArchive(new MemoryStream(output.ToArray()));
        Assert.Equal([JsonlPreferencesFormat.RecordsFile, "README.md"], archive.Entries.Select(e => e.FullName));
        var lines = (await new StreamReader(archive.Entries[0].Open()).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        var first = JsonNode.Parse(lines[0])!;
        Assert.Equal("Prompt q?\n\nContext: When c", (string?)first["prompt"]);
        Assert.StartsWith("Value b", (string?)first["chosen"], StringComparison.Ordinal);
        Assert.StartsWith("Value a", (string?)first["rejected"], StringComparison.Ordinal);
        Assert.Equal(3, (int)first["tallies"]!["markedWiser"]!);
        Assert.Equal(AlignmentSpecJson.ComputeHash(input.Spec), (string?)first["provenance"]!["specContentHash"]);
        Assert.Equal("card-b", (string?)first["provenance"]!["chosenCardIds"]![0]);
        var card = await new StreamReader(archive.Entries[1].Open()).ReadToEndAsync();
        Assert.Contains("license: \"cc-by-4.0\"", card, StringComparison.Ordinal);
        Assert.Contains("| preference records | 4 |", card, StringComparison.Ordinal);
        Assert.Contains("| of them contested | 2 |", card, StringComparison.Ordinal);
        Assert.Contains("CC-BY-4.0, as the study's definition states.", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_study_without_a_licence_says_so_in_its_card()
    {
        using var output = new MemoryStream();

        await new PrinciplesFormat().WriteAsync(Input(license: null), output);

        using var archive = new ZipArchive(new MemoryStream(output.ToArray()));
        var card = await new StreamReader(archive.GetEntry("README.md")!.Open()).ReadToEndAsync();
        Assert.Contains("license: \"unknown\"", card, StringComparison.Ordinal);
        Assert.Contains("have not named a licence", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Principles_are_the_winners_policies_numbered_per_context_after_the_red_lines()
    {
        var input = Input();
        using var output = new MemoryStream();

        await new PrinciplesFormat().WriteAsync(input, output);

        using var archive = new ZipArchive(new MemoryStream(output.ToArray()));
        Assert.Equal(["principles.json", "principles.md", "README.md"], archive.Entries.Select(e => e.FullName));
        var json = JsonNode.Parse(await new StreamReader(archive.GetEntry("principles.json")!.Open()).ReadToEndAsync())!;
        var winner = input.Spec.Layers.CommunityValues.Single(c => c.ContextId == "c").WinningValueIds.Single();
        Assert.Equal("c", winner);
        var context = json["contexts"]!.AsArray().Single(c => (string?)c!["contextId"] == "c")!;
        Assert.Equal(["MOMENTS when it matters", "CHOICES that help", "SIGNS of care"], context["principles"]!.AsArray().Select(p => (string?)p!["text"]));
        Assert.Equal([1, 2, 3], context["principles"]!.AsArray().Select(p => (int)p!["number"]!));
        Assert.Equal(["Never lie about medicine."], json["redLines"]!.AsArray().Select(r => (string?)r));
        var markdown = await new StreamReader(archive.GetEntry("principles.md")!.Open()).ReadToEndAsync();
        Assert.Contains("## Never\n\n- Never lie about medicine.", markdown, StringComparison.Ordinal);
        Assert.Contains("## When c\n\nQuestion: Prompt q?\n\nAttend to:\n\n1. MOMENTS when it matters\n2. CHOICES that help\n3. SIGNS of care", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_formats_are_offered_where_the_others_are()
    {
        Assert.NotNull(ExportFormats.Find("jsonl-preferences"));
        Assert.NotNull(ExportFormats.Find("principles"));
    }
}
