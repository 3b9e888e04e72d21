using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Export;

public class ExportComparisonTests
{
    private static ExportSummary Summary(string hash, (string Id, string Title)[] values, params ExportedGraph[] graphs) =>
        new("default", hash, "fingerprint", values.Select(v => new ExportedValue(v.Id, v.Title)).ToList(), graphs);

    private static ExportedGraph Graph(string context, params string[] ranking) =>
        new("q", context, $"When {context}", ranking.Select((id, i) => new ExportedRank(id, i + 1)).ToList());

    [Fact]
    public void Lists_values_added_and_removed_and_every_rank_that_moved()
    {
        var previous = Summary("sha256:1", [("a", "Care"), ("b", "Honesty"), ("c", "Courage")], Graph("c1", "a", "b", "c"), Graph("c2", "a", "b"));
        var current = Summary("sha256:2", [("a", "Care"), ("b", "Honesty"), ("d", "Patience")], Graph("c1", "b", "a", "d"), Graph("c2", "a", "b"));

        var comparison = ExportComparison.Compare(previous, current);

        Assert.False(comparison.SameContent);
        Assert.Equal(["d"], comparison.Added.Select(v => v.ValueId));
        Assert.Equal(["c"], comparison.Removed.Select(v => v.ValueId));
        var graph = Assert.Single(comparison.Graphs);
        Assert.Equal("c1", graph.ContextId);
        Assert.Equal(
            [("b", (int?)2, (int?)1, (int?)1), ("a", 1, 2, -1), ("d", null, 3, null), ("c", 3, null, null)],
            graph.Changes.Select(c => (c.ValueId, c.PreviousRank, c.CurrentRank, c.Movement)));
        Assert.Equal("Patience", graph.Changes.Single(c => c.ValueId == "d").Title);
        Assert.Equal("Courage", graph.Changes.Single(c => c.ValueId == "c").Title);
    }

    [Fact]
    public void New_and_gone_graphs_are_reported_with_their_whole_ranking()
    {
        var previous = Summary("sha256:1", [("a", "A"), ("b", "B")], Graph("old", "a", "b"));
        var current = Summary("sha256:2", [("a", "A"), ("b", "B")], Graph("new", "b"));

        var comparison = ExportComparison.Compare(previous, current);

        Assert.Collection(comparison.Graphs,
            g => Assert.True(g is { ContextId: "new", IsNew: true, Changes: [{ ValueId: "b", PreviousRank: null, CurrentRank: 1 }] }),
            g => Assert.True(g is { ContextId: "old", IsGone: true, Changes.Count: 2 }));
    }

    [Fact]
    public void The_same_export_twice_has_no_change()
    {
        var summary = Summary("sha256:1", [("a", "A")], Graph("c1", "a"));

        var comparison = ExportComparison.Compare(summary, summary with { });

        Assert.True(comparison.SameContent);
        Assert.Empty(comparison.Added);
        Assert.Empty(comparison.Removed);
        Assert.Empty(comparison.Graphs);
    }

    [Fact]
    public void A_summary_of_a_real_spec_carries_its_hash_fingerprint_values_and_rankings_and_survives_the_log()
    {
        var snapshot = Snapshot(["a", "b", "c"], [.. Votes(3, "a", "b"), .. Votes(2, "b", "c", prefix: "r")]);
        var input = ExportFormats.Prepare(snapshot, new DefaultProfile(), T0);

        var summary = ExportSummary.Of(input.Spec);

        Assert.Equal(AlignmentSpecJson.ComputeHash(input.Spec), summary.ContentHash);
        Assert.Equal(input.Spec.Algorithm.Fingerprint, summary.Fingerprint);
        Assert.Equal(["a", "b", "c"], summary.Values.Select(v => v.ValueId).Order());
        Assert.Equal(input.Spec.Graphs[0].Ranking.Select(r => r.ValueId), summary.Graphs[0].Ranking.Select(r => r.ValueId));

        var recorded = new ExportRecorded("json", summary) { StudyId = "test-study", OccurredAt = T0, Actor = "olivia" };
        var read = (ExportRecorded)EventHashChain.Deserialize(EventHashChain.Serialize(recorded));
        Assert.Equal(summary.ContentHash, read.Summary.ContentHash);
        Assert.Equal(summary.Graphs[0].Ranking, read.Summary.Graphs[0].Ranking);
        Assert.Same(recorded, StudyState.Replay([Defined(Study()), recorded]).LatestExports["default"]);
    }
}
