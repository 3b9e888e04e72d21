using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Reconciliation;

public class Mai2023ProfileTests
{
    [Fact]
    public void Counts_both_directions_and_includes_impressions_in_the_entropy()
    {
        // 3 × wiser and 1 × unsure on A→B: the first edge of MAI's published file has exactly these counts.
        var votes = Votes(3, "a", "b").Append(Vote("u", "a", "b", Verdict.Unsure));
        var result = new Mai2023Profile().Reconcile(Snapshot(["a", "b"], votes));

        var graph = Assert.Single(result.Graphs);
        var edge = Assert.Single(graph.Edges);
        Assert.Equal(("a", "b"), (edge.SourceValueId, edge.WiserValueId));
        Assert.Equal(new EdgeTallies(MarkedWiser: 3, MarkedNotWiser: 0, MarkedLessWise: 0, MarkedUnsure: 1, Impressions: 4), edge.Counts);
        Assert.Equal(0.75, edge.WiserLikelihood);
        Assert.Equal(1.4056390622295665, edge.Entropy, 15);
    }

    [Fact]
    public void Keeps_an_edge_only_with_two_wiser_votes_a_third_likelihood_and_low_entropy()
    {
        var votes = Votes(1, "a", "b")                                     // one wiser vote: dropped
            .Concat(Votes(2, "c", "d", prefix: "x"))                        // two: kept
            .Concat(Votes(2, "e", "f", prefix: "y")).Concat(Votes(3, "f", "e", prefix: "z")); // likelihood (2−3)/5 < 0.33: dropped
        var result = new Mai2023Profile().Reconcile(Snapshot(["a", "b", "c", "d", "e", "f"], votes));

        var edge = Assert.Single(result.Graphs[0].Edges);
        Assert.Equal(("c", "d"), (edge.SourceValueId, edge.WiserValueId));
        Assert.Equal(["c", "d"], result.Graphs[0].Ranking.Select(r => r.ValueId).Order());
    }

    [Fact]
    public void PageRank_matches_a_hand_computation_with_leaking_sinks()
    {
        // Two values, one kept edge a→b: r(a) = (1−d)/2 = 0.075; r(b) = 0.075 + 0.85 × 0.075 = 0.13875; the sum is not 1.
        var result = new Mai2023Profile().Reconcile(Snapshot(["a", "b"], Votes(3, "a", "b")));

        var ranking = result.Graphs[0].Ranking;
        Assert.Equal("b", ranking[0].ValueId);
        Assert.Equal(0.13875, ranking[0].Score, 12);
        Assert.Equal(0.075, ranking[1].Score, 12);
    }

    [Fact]
    public void Is_one_global_graph_over_every_question_and_context()
    {
        var study = Study(("q1", ["c1"]), ("q2", ["c2"]));
        var votes = Votes(2, "a", "b", question: "q1", context: "c1").Concat(Votes(2, "a", "b", prefix: "o", question: "q2", context: "c2"));
        var result = new Mai2023Profile().Reconcile(Snapshot(study, ["a", "b"], votes));

        var edge = Assert.Single(Assert.Single(result.Graphs).Edges);
        Assert.Equal(4, edge.Counts.MarkedWiser);
        Assert.Equal(["When c1", "When c2"], edge.Contexts);
    }
}
