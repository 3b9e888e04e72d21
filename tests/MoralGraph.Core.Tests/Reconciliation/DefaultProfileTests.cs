using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Reconciliation;

public class DefaultProfileTests
{
    private static readonly DefaultProfile Profile = new();

    [Fact]
    public void Builds_one_graph_per_question_and_context()
    {
        var study = Study(("q1", ["c1", "c2"]), ("q2", ["c1"]));
        var votes = Votes(2, "a", "b", question: "q1", context: "c1")
            .Concat(Votes(2, "b", "a", question: "q1", context: "c2"))
            .Concat(Votes(2, "a", "c", question: "q2", context: "c1"));
        var result = Profile.Reconcile(Snapshot(study, ["a", "b", "c"], votes));

        Assert.Equal([("q1", "c1"), ("q1", "c2"), ("q2", "c1")], result.Graphs.Select(g => (g.QuestionId!, g.ContextId!)));
        Assert.Equal("b", result.Graphs[0].Ranking[0].ValueId);
        Assert.Equal("a", result.Graphs[1].Ranking[0].ValueId);
        Assert.Equal("c", result.Graphs[2].Ranking[0].ValueId);
    }

    [Fact]
    public void Tallies_and_summaries_match_a_hand_computation()
    {
        // a→b: 2 wiser, 1 not wiser; b→a: 1 wiser. Each item is judged on its own votes:
        // a→b: likelihood = (2 − 1) / 3, entropy of (2, 1, 0) = 0.9183 bits, lessWise = 1 (reported);
        // b→a: likelihood = 1 / 1. Both feed the ranking; both directions have support, so both are contested.
        var votes = Votes(2, "a", "b").Append(Vote("n", "a", "b", Verdict.NotWiser)).Append(Vote("r", "b", "a"));
        var graph = Assert.Single(Profile.Reconcile(Snapshot(["a", "b"], votes)).Graphs);

        var ab = graph.Edges.Single(e => e.SourceValueId == "a");
        Assert.Equal(new EdgeTallies(2, 1, 1, 0, 4), ab.Counts);
        Assert.Equal(1.0 / 3, ab.WiserLikelihood, 15);
        Assert.Equal(0.9182958340544896, ab.Entropy, 15);
        Assert.True(ab.InRanking);

        var ba = graph.Edges.Single(e => e.SourceValueId == "b");
        Assert.Equal(1.0, ba.WiserLikelihood, 15);
        Assert.True(ba.InRanking);
        Assert.Equal("a", graph.Ranking[0].ValueId);
        Assert.All(graph.Edges, e => Assert.Equal("both-directions", e.ContestedReason));
        Assert.Equal(4, graph.ParticipantCount);
    }

    [Fact]
    public void Scores_are_normalized_and_sum_to_one()
    {
        var votes = Votes(3, "a", "b").Concat(Votes(2, "b", "c", prefix: "x")).Concat(Votes(2, "d", "c", prefix: "y"));
        var graph = Profile.Reconcile(Snapshot(["a", "b", "c", "d"], votes)).Graphs[0];

        Assert.Equal(1.0, graph.Ranking.Sum(r => r.Score), 9);
        Assert.Equal("c", graph.Ranking[0].ValueId);
        Assert.Equal(Enumerable.Range(1, 4), graph.Ranking.Select(r => r.Rank));
    }

    [Fact]
    public void Edges_on_a_cycle_are_contested()
    {
        var votes = Votes(2, "a", "b").Concat(Votes(2, "b", "c", prefix: "x")).Concat(Votes(2, "c", "a", prefix: "y")).Concat(Votes(2, "c", "d", prefix: "z"));
        var graph = Profile.Reconcile(Snapshot(["a", "b", "c", "d"], votes)).Graphs[0];

        Assert.Equal(["a→b", "b→c", "c→a"], graph.Edges.Where(e => e.IsContested).Select(e => $"{e.SourceValueId}→{e.WiserValueId}").Order());
        Assert.All(graph.Edges.Where(e => e.IsContested), e => Assert.Equal("cycle", e.ContestedReason));
        Assert.False(graph.Edges.Single(e => e.WiserValueId == "d").IsContested);
    }

    [Fact]
    public void A_further_wiser_vote_for_B_over_A_never_lowers_B()
    {
        var random = new Random(12345);
        var profile = new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 0, Tolerance = 1e-13 });
        for (var trial = 0; trial < 300; trial++)
        {
            var ids = Enumerable.Range(0, random.Next(2, 7)).Select(i => $"v{i}").ToArray();
            var votes = new List<WiserThanVote>();
            for (var k = random.Next(1, 15); k > 0; k--)
            {
                var from = ids[random.Next(ids.Length)];
                var to = ids[random.Next(ids.Length)];
                if (from != to)
                {
                    votes.Add(Vote($"p{votes.Count}", from, to, (Verdict)random.Next(3)));
                }
            }

            // A may be new to the context: the node set is the study's values either way.
            var (a, b) = (ids[0], ids[1]);
            var before = ScoreOf(profile, ids, votes, b);
            var after = ScoreOf(profile, ids, [.. votes, Vote("extra", a, b)], b);
            Assert.True(after >= before - 1e-12, $"trial {trial}: B's score fell from {before} to {after}");
        }
    }

    [Fact]
    public void The_bootstrap_is_seeded_and_reports_win_shares_that_sum_to_one()
    {
        var votes = Votes(6, "a", "b").Concat(Votes(4, "b", "a", prefix: "x")).Concat(Votes(5, "c", "b", prefix: "y"));
        var snapshot = Snapshot(["a", "b", "c"], votes);

        var first = Profile.Reconcile(snapshot).Graphs[0].Ranking;
        var second = new DefaultProfile().Reconcile(snapshot).Graphs[0].Ranking;

        Assert.Equal(first, second);
        Assert.Equal(1.0, first.Sum(r => r.WinShare!.Value), 9);
        Assert.All(first, r => Assert.InRange(r.Score, r.ScoreLow!.Value - 1e-6, r.ScoreHigh!.Value + 1e-6));
        Assert.Equal("b", first[0].ValueId);
        Assert.True(first[0].WinShare > 0.5);
    }

    [Fact]
    public void Votes_on_values_the_snapshot_does_not_list_still_count_after_the_listed_ones()
    {
        var votes = Votes(2, "a", "z").Concat(Votes(2, "z", "m", prefix: "x"));
        var graph = Profile.Reconcile(Snapshot(["a"], votes)).Graphs[0];

        Assert.Equal(["a", "m", "z"], graph.Ranking.Select(r => r.ValueId).Order());
        Assert.Equal(1.0, graph.Ranking.Sum(r => r.Score), 9);
        Assert.Equal("m", graph.Ranking[0].ValueId);
        Assert.Equal(2, graph.Ranking[0].WiserVotesReceived);
    }

    [Fact]
    public void A_study_without_votes_reconciles_to_no_graphs()
    {
        Assert.Empty(Profile.Reconcile(Snapshot(["a", "b"], [])).Graphs);
        Assert.Empty(new Mai2023Profile().Reconcile(Snapshot(["a", "b"], [])).Graphs[0].Ranking);
    }

    [Fact]
    public void When_voters_reject_every_move_there_is_no_winner_in_any_resample()
    {
        var votes = Votes(3, "alpha", "beta", Verdict.NotWiser).Concat(Votes(3, "beta", "zeta", Verdict.NotWiser, prefix: "x"));
        var snapshot = Snapshot(["zeta", "beta", "alpha"], votes);
        var graph = Profile.Reconcile(snapshot).Graphs[0];

        Assert.Equal(["alpha", "beta", "zeta"], graph.Ranking.Select(r => r.ValueId));
        Assert.All(graph.Ranking, r => Assert.Equal(0.0, r.WinShare!.Value));
        Assert.Empty(MoralGraph.Core.Export.AlignmentSpecBuilder.Winners(graph));
    }

    [Fact]
    public void Exact_ties_at_the_top_share_a_resamples_win()
    {
        // a→b and c→d with the same support: b and d tie for first in every resample.
        var votes = Votes(3, "a", "b").Concat(Votes(3, "c", "d", prefix: "x"));
        var ranking = Profile.Reconcile(Snapshot(["a", "b", "c", "d"], votes)).Graphs[0].Ranking;

        Assert.Equal(["b", "d"], ranking.Take(2).Select(r => r.ValueId));
        Assert.Equal(1.0, ranking.Sum(r => r.WinShare!.Value), 9);
        Assert.True(ranking[0].WinShare > 0.2 && ranking[1].WinShare > 0.2);
    }

    [Fact]
    public void Values_not_voted_on_hold_the_baseline_and_win_nothing()
    {
        // a→b: 2 wiser, 1 not wiser. c and d are values of the study nobody voted on in this context.
        var votes = Votes(2, "a", "b").Append(Vote("n", "a", "b", Verdict.NotWiser));
        var graph = Profile.Reconcile(Snapshot(["a", "b", "c", "d"], votes)).Graphs[0];

        Assert.Equal(["b", "a"], graph.Ranking.Select(r => r.ValueId));
        Assert.Equal(1.0, graph.Ranking.Sum(r => r.Score) + (2 * graph.BaselineScore!.Value), 9);
        Assert.Equal(graph.BaselineScore.Value, graph.Ranking[1].Score, 9); // a has no in-edge: it holds the baseline too

        // Resamples where only the "not wiser" voter is drawn have no supported move and no winner at all.
        Assert.True(graph.Ranking[0].WinShare > 0.5);
        Assert.InRange(graph.Ranking.Sum(r => r.WinShare!.Value), 0.5, 1.0);
    }

    [Fact]
    public void The_baseline_rescaling_equals_pagerank_over_every_value()
    {
        // Oracle: the same votes with the unvoted values given a node each in an explicit graph.
        var votes = Votes(3, "a", "b").Concat(Votes(2, "b", "c", prefix: "x")).Append(Vote("y", "c", "a", Verdict.NotWiser)).ToList();
        var graph = new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 0, Tolerance = 1e-14 }).Reconcile(Snapshot(["a", "b", "c", "d", "e"], votes)).Graphs[0];

        // a→b weight 1, b→c weight 1; c→a has no wiser vote. Nodes a..e; c, d, e are sinks.
        var explicitGraph = CompactGraph.FromEdges(5, [0, 1], [1, 2], [1.0, 1.0]);
        var exact = new WeightedPageRank(0.85, 1e-15, 100_000).Compute(explicitGraph).Ranks;

        Assert.Equal(exact[0], graph.Ranking.Single(r => r.ValueId == "a").Score, 12);
        Assert.Equal(exact[1], graph.Ranking.Single(r => r.ValueId == "b").Score, 12);
        Assert.Equal(exact[2], graph.Ranking.Single(r => r.ValueId == "c").Score, 12);
        Assert.Equal(exact[3], graph.BaselineScore!.Value, 12);
    }

    [Fact]
    public void Knobs_are_validated()
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new DefaultProfile(new DefaultProfileOptions { Damping = 2 }));
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new DefaultProfile(new DefaultProfileOptions { MinMarkedWiser = 0 }));
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = -1 }));
    }

    [Fact]
    public void The_fingerprint_changes_with_the_knobs()
    {
        var a = new DefaultProfile().Reconcile(Snapshot(["a", "b"], Votes(2, "a", "b"))).Fingerprint;
        var b = new DefaultProfile(new DefaultProfileOptions { Seed = 1 }).Reconcile(Snapshot(["a", "b"], Votes(2, "a", "b"))).Fingerprint;
        Assert.NotEqual(a, b);
        Assert.StartsWith("sha256:", a, StringComparison.Ordinal);
    }

    // With no vote in the context there is no graph and every value stands at 1/N; a value not voted on holds the baseline.
    private static double ScoreOf(DefaultProfile profile, string[] ids, IEnumerable<WiserThanVote> votes, string valueId)
    {
        var graph = profile.Reconcile(Snapshot(ids, votes)).Graphs.SingleOrDefault();
        return graph is null ? 1.0 / ids.Length : graph.Ranking.SingleOrDefault(r => r.ValueId == valueId)?.Score ?? graph.BaselineScore!.Value;
    }
}
