using MoralGraph.Core.Events;
using MoralGraph.Core.Import;

namespace MoralGraph.Core.Tests.Import;

public sealed class MaiDumpReaderTests : IDisposable
{
    private readonly DirectoryInfo _dump = Directory.CreateTempSubdirectory("mai-dump-");

    public MaiDumpReaderTests()
    {
        Write("case.json", """[{"id":"abortion","title":"Abortion","question":"What should I do?"},{"id":"weapons","title":"Weapons","question":"Which weapons?"}]""");
        Write("context.json", """[{"id":"When in distress"},{"id":"When seeking clarity"}]""");
        Write("contextsOnCases.json", """[{"contextId":"When in distress","caseId":"abortion"},{"contextId":"When seeking clarity","caseId":"abortion"},{"contextId":"When seeking clarity","caseId":"weapons"}]""");
        Write("canonicalValuesCard.json", """
            [{"id":1,"title":"Informed Autonomy","instructionsShort":"Lay out options.","instructionsDetailed":"More.","evaluationCriteria":["OPTIONS a","CONSEQUENCES b","MOMENTS c"],"createdAt":"2023-09-01T00:00:00.000Z","updatedAt":"2023-09-02T00:00:00.000Z"},
             {"id":2,"title":"Care","instructionsShort":"Be kind.","instructionsDetailed":"More.","evaluationCriteria":["Encourage kindness","FEELINGS b"],"createdAt":"2023-09-01T00:00:00.000Z","updatedAt":"2023-09-01T00:00:00.000Z"}]
            """);
        Write("edge.json", """
            [{"userId":5,"fromId":1,"toId":2,"story":"s","contextId":"When in distress","runId":"r","relationship":"upgrade","comment":null,"createdAt":"2023-10-01T00:00:00.000Z","updatedAt":"2023-10-01T00:00:00.000Z"},
             {"userId":6,"fromId":2,"toId":1,"story":"s","contextId":"When seeking clarity","runId":"r","relationship":"not_sure","comment":"hm","createdAt":"2023-10-20T00:00:00.000Z","updatedAt":"2023-10-20T00:00:00.000Z"}]
            """);
    }

    [Fact]
    public async Task Reads_values_votes_and_contexts_and_keeps_historical_cards_with_warnings()
    {
        var result = await MaiDumpReader.ReadAsync(_dump.FullName, "mai", before: null);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var study = Assert.Single(result.Events.OfType<StudyDefined>()).Study;
        Assert.Equal("in-distress", study.FindQuestion("abortion")!.Contexts.Single().Id.Replace("when-", "", StringComparison.Ordinal));
        Assert.Equal("When seeking clarity", study.FindQuestion(MaiDumpReader.SharedQuestionId)!.Contexts.Single().Text);
        Assert.Equal(2, result.Events.OfType<CanonicalValueDefined>().Count());
        Assert.Equal(2, result.Events.OfType<VoteCast>().Count());
        Assert.Contains(result.Warnings, w => w.Contains("canonicalValuesCard.json record 1 (id 2), field evaluationCriteria", StringComparison.Ordinal));
        var value = result.Events.OfType<CanonicalValueDefined>().First().Value;
        Assert.Equal("2023-09-02T00:00:00.000Z", value.Mai!.UpdatedAt);
    }

    [Fact]
    public async Task The_time_cut_leaves_out_later_votes()
    {
        var result = await MaiDumpReader.ReadAsync(_dump.FullName, "mai", before: new DateTimeOffset(2023, 10, 18, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal("mai-user-5", Assert.Single(result.Events.OfType<VoteCast>()).Vote.ParticipantId);
        Assert.Equal(1, result.SkippedVotes);
    }

    [Fact]
    public async Task Bad_records_are_reported_by_file_record_and_field_and_nothing_is_produced()
    {
        Write("edge.json", """[{"userId":5,"fromId":1,"toId":99,"contextId":"When in distress","relationship":"maybe","createdAt":"2023-10-01T00:00:00.000Z"}]""");
        Write("canonicalValuesCard.json", $$"""[{"id":1,"title":"Too Many","instructionsShort":"x.","evaluationCriteria":[{{string.Join(",", Enumerable.Range(0, 12).Select(i => $"\"THINGS {i}\""))}}]}]""");

        var result = await MaiDumpReader.ReadAsync(_dump.FullName, "mai", null);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Events);
        Assert.Contains(result.Problems, p => p.StartsWith("edge.json record 0 (userId 5), field toId: 99", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("edge.json record 0 (userId 5), field relationship", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("canonicalValuesCard.json record 0 (id 1), field evaluationCriteria", StringComparison.Ordinal) && p.Contains("12", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_json_names_the_file_and_line()
    {
        Write("edge.json", "[{\"userId\": 5,\n \"fromId\": }]");
        var result = await MaiDumpReader.ReadAsync(_dump.FullName, "mai", null);

        var problem = Assert.Single(result.Problems);
        Assert.Contains("edge.json: malformed JSON at line 2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_named()
    {
        File.Delete(Path.Combine(_dump.FullName, "case.json"));
        var result = await MaiDumpReader.ReadAsync(_dump.FullName, "mai", null);
        Assert.Contains(result.Problems, p => p.Contains("case.json: file not found", StringComparison.Ordinal));
    }

    public void Dispose() => _dump.Delete(recursive: true);

    private void Write(string name, string json) => File.WriteAllText(Path.Combine(_dump.FullName, name), json);
}
