using System.Text.Json.Nodes;
using MoralGraph.Core.Export;
using MoralGraph.Core.Releases;
using static MoralGraph.Core.Tests.Releases.SpecBuilders;

namespace MoralGraph.Core.Tests.Releases;

public class SpecDiffTests
{
    [Fact]
    public void The_same_spec_twice_is_an_empty_diff()
    {
        var spec = Spec([Value("a"), Value("b")], [Graph("c1", Ranking(0.01, "b", "a"), Edge("a", "b"))]);

        var diff = SpecDiff.Compare(spec, spec);

        Assert.True(diff.IsEmpty);
        Assert.Empty(diff.Graphs);
        Assert.Contains("No change", SpecDiffRendering.ToMarkdown(diff), StringComparison.Ordinal);
    }

    [Fact]
    public void Values_added_and_removed_are_listed_with_their_titles_and_new_authors_counted()
    {
        var before = Spec([Value("a", "p1"), Value("b", "p2")], []);
        var after = Spec([Value("a", "p1"), Value("c", "p3") with { Title = "Courage" }], []);

        var diff = SpecDiff.Compare(before, after);

        Assert.Equal([new DiffValue("c", "Courage")], diff.ValuesAdded);
        Assert.Equal([new DiffValue("b", "Title b")], diff.ValuesRemoved);
        Assert.Equal(["p3"], diff.Participation.NewAuthors);
    }

    [Fact]
    public void A_changed_winner_is_reported_for_its_context_only()
    {
        var before = Spec([Value("a"), Value("b")], [Graph("c1", Ranking(0.01, "a", "b")), Graph("c2", Ranking(0.01, "a", "b"))]);
        var after = Spec([Value("a"), Value("b")], [Graph("c1", Ranking(0.01, "b", "a")), Graph("c2", Ranking(0.01, "a", "b"))]);

        var diff = SpecDiff.Compare(before, after);

        var graph = Assert.Single(diff.Graphs);
        Assert.Equal("c1", graph.ContextId);
        Assert.True(graph.WinnersChanged);
        Assert.Equal(["a"], graph.WinnersBefore);
        Assert.Equal(["b"], graph.WinnersAfter);
    }

    [Fact]
    public void Rank_and_score_moves_carry_both_intervals_and_say_when_the_move_is_beyond_them()
    {
        // Narrow intervals: a swap of 0.1 in score is beyond them. Wide ones (±0.2): the same swap is within.
        var narrow = SpecDiff.Compare(
            Spec([Value("a"), Value("b"), Value("c")], [Graph("c1", Ranking(0.01, "a", "b", "c"))]),
            Spec([Value("a"), Value("b"), Value("c")], [Graph("c1", Ranking(0.01, "b", "a", "c"))]));
        var wide = SpecDiff.Compare(
            Spec([Value("a"), Value("b")], [Graph("c1", Ranking(0.2, "a", "b"))]),
            Spec([Value("a"), Value("b")], [Graph("c1", Ranking(0.2, "b", "a"))]));

        var moves = Assert.Single(narrow.Graphs).RankMoves;
        Assert.Equal(["b", "a"], moves.Select(m => m.ValueId));
        var b = moves[0];
        Assert.Equal((2, 1, 1), (b.RankBefore, b.RankAfter, b.Places));
        Assert.Equal(0.1, b.ScoreChange!.Value, 10);
        Assert.Equal((0.39, 0.41), (Math.Round(b.IntervalBefore!.Value.Low, 10), Math.Round(b.IntervalBefore.Value.High, 10)));
        Assert.Equal((0.49, 0.51), (Math.Round(b.IntervalAfter!.Value.Low, 10), Math.Round(b.IntervalAfter.Value.High, 10)));
        Assert.True(b.BeyondIntervals);
        Assert.All(Assert.Single(wide.Graphs).RankMoves, m => Assert.False(m.BeyondIntervals));
    }

    [Fact]
    public void A_score_move_without_a_rank_move_is_still_reported()
    {
        var before = Spec([Value("a")], [Graph("c1", [new SpecRanking("a", 1, 0.5, null, null, null)])]);
        var after = Spec([Value("a")], [Graph("c1", [new SpecRanking("a", 1, 0.6, null, null, null)])]);

        var move = Assert.Single(Assert.Single(SpecDiff.Compare(before, after).Graphs).RankMoves);

        Assert.Equal(0, move.Places);
        Assert.False(move.BeyondIntervals);
        Assert.Null(move.IntervalBefore);
    }

    [Fact]
    public void Values_entering_and_leaving_a_ranking_have_no_rank_on_one_side()
    {
        var before = Spec([Value("a"), Value("b")], [Graph("c1", Ranking(0.01, "a", "b"))]);
        var after = Spec([Value("a"), Value("c")], [Graph("c1", Ranking(0.01, "a", "c"))]);

        var moves = Assert.Single(SpecDiff.Compare(before, after).Graphs).RankMoves;

        Assert.Equal([("c", (int?)null, (int?)2), ("b", 2, null)], moves.Select(m => (m.ValueId, m.RankBefore, m.RankAfter)));
        Assert.All(moves, m => Assert.Null(m.Places));
    }

    [Fact]
    public void Edges_appear_vanish_and_flip_and_a_flip_is_not_also_an_appearance()
    {
        var values = new[] { Value("a"), Value("b"), Value("c"), Value("d") };
        var ranking = Ranking(0.01, "a", "b", "c", "d");
        var before = Spec(values, [Graph("c1", ranking, Edge("a", "b"), Edge("b", "c"), Edge("c", "d", markedWiser: 2))]);
        // a→b is unchanged; b→c vanished; c→d flipped (now d→c); a→d appeared.
        var after = Spec(values, [Graph("c1", ranking, Edge("a", "b"), Edge("d", "c", markedWiser: 4), Edge("a", "d"))]);

        var graph = Assert.Single(SpecDiff.Compare(before, after).Graphs);

        Assert.Equal([("a", "d")], graph.EdgesAppeared.Select(e => (e.SourceValueId, e.WiserValueId)));
        Assert.Equal([("b", "c")], graph.EdgesVanished.Select(e => (e.SourceValueId, e.WiserValueId)));
        var flip = Assert.Single(graph.EdgesFlipped);
        Assert.Equal(("c", "d", 2), (flip.Before.SourceValueId, flip.Before.WiserValueId, flip.Before.Counts.MarkedWiser));
        Assert.Equal(("d", "c", 4), (flip.After.SourceValueId, flip.After.WiserValueId, flip.After.Counts.MarkedWiser));
    }

    [Fact]
    public void A_pair_flips_when_both_directions_exist_and_the_balance_turns()
    {
        var values = new[] { Value("a"), Value("b") };
        var ranking = Ranking(0.01, "a", "b");
        var before = Spec(values, [Graph("c1", ranking, Edge("a", "b", markedWiser: 5), Edge("b", "a", markedWiser: 2))]);
        var after = Spec(values, [Graph("c1", ranking, Edge("a", "b", markedWiser: 5, markedNotWiser: 4), Edge("b", "a", markedWiser: 3))]);

        var graph = Assert.Single(SpecDiff.Compare(before, after).Graphs);

        var flip = Assert.Single(graph.EdgesFlipped);
        Assert.Equal(("a", "b"), (flip.Before.SourceValueId, flip.Before.WiserValueId));
        Assert.Equal(("b", "a"), (flip.After.SourceValueId, flip.After.WiserValueId));
        Assert.Empty(graph.EdgesAppeared);
        Assert.Empty(graph.EdgesVanished);
    }

    [Fact]
    public void A_pair_without_a_direction_on_one_side_does_not_flip()
    {
        var values = new[] { Value("a"), Value("b") };
        var ranking = Ranking(0.01, "a", "b");
        var before = Spec(values, [Graph("c1", ranking, Edge("a", "b", markedWiser: 2))]);
        var after = Spec(values, [Graph("c1", ranking, Edge("a", "b", markedWiser: 2), Edge("b", "a", markedWiser: 2))]);

        var graph = Assert.Single(SpecDiff.Compare(before, after).Graphs);

        Assert.Empty(graph.EdgesFlipped);
        Assert.Equal([("b", "a")], graph.EdgesAppeared.Select(e => (e.SourceValueId, e.WiserValueId)));
    }

    [Fact]
    public void New_votes_on_a_known_edge_are_counted_though_nothing_moved()
    {
        var values = new[] { Value("a"), Value("b") };
        var ranking = Ranking(0.01, "b", "a");
        var before = Spec(values, [Graph("c1", ranking, Edge("a", "b", markedWiser: 2))]);
        var after = Spec(values, [Graph("c1", ranking, Edge("a", "b", markedWiser: 3))]);

        var graph = Assert.Single(SpecDiff.Compare(before, after).Graphs);

        Assert.Equal(1, graph.EdgesRetallied);
        Assert.Empty(graph.RankMoves);
        Assert.Empty(graph.EdgesAppeared);
    }

    [Fact]
    public void New_and_gone_graphs_are_reported_whole()
    {
        var values = new[] { Value("a"), Value("b") };
        var before = Spec(values, [Graph("c1", Ranking(0.01, "a", "b"), Edge("b", "a"))]);
        var after = Spec(values, [Graph("c2", Ranking(0.01, "b", "a"), Edge("a", "b"))]);

        var diff = SpecDiff.Compare(before, after);

        Assert.Collection(diff.Graphs,
            g => Assert.True(g is { ContextId: "c2", Presence: GraphPresence.Added, RankMoves.Count: 2, EdgesAppeared.Count: 1, WinnersAfter: ["b"], WinnersBefore: [] }),
            g => Assert.True(g is { ContextId: "c1", Presence: GraphPresence.Removed, RankMoves.Count: 2, EdgesVanished.Count: 1, WinnersBefore: ["a"], WinnersAfter: [] }));
    }

    [Fact]
    public void Participation_counts_and_the_algorithm_change_are_reported()
    {
        var before = Spec([Value("a")], [], participants: 3, votes: 10);
        var after = Spec([Value("a")], [], participants: 5, votes: 17, fingerprint: "sha256:other");

        var diff = SpecDiff.Compare(before, after);

        Assert.Equal(new CountChange(3, 5), diff.Participation.Participants);
        Assert.Equal(2, diff.Participation.Participants.Added);
        Assert.Equal(7, diff.Participation.Votes.Added);
        Assert.True(diff.AlgorithmChanged);
        Assert.False(diff.IsEmpty);
    }

    [Fact]
    public void The_sides_name_their_releases_and_the_diff_round_trips_through_json()
    {
        var before = Spec([Value("a")], [Graph("c1", Ranking(0.01, "a"))], release: "v1");
        var after = Spec([Value("a"), Value("b")], [Graph("c1", Ranking(0.01, "b", "a"), Edge("a", "b"))], release: "v2");

        var diff = SpecDiff.Compare(before, after);
        var json = SpecDiffRendering.ToJson(diff);
        var read = SpecDiffRendering.ReadJson(json);

        Assert.Equal(("v1", "v2"), (diff.From.ReleaseId, diff.To.ReleaseId));
        Assert.Equal(json, SpecDiffRendering.ToJson(read));
        var node = JsonNode.Parse(json)!;
        Assert.Equal("1.0.0", (string?)node["diffVersion"]);
        Assert.Equal("both", (string?)node["graphs"]![0]!["presence"]);
        Assert.True((bool?)node["graphs"]![0]!["winnersChanged"]);
    }

    [Fact]
    public void Markdown_names_every_kind_of_change_and_stops_long_lists()
    {
        var values = Enumerable.Range(0, 30).Select(i => Value($"v{i:00}")).ToArray();
        var before = Spec([.. values.Take(5)], [Graph("c1", Ranking(0.001, "v00", "v01"), Edge("v01", "v00"))], release: "v1");
        var after = Spec(values, [Graph("c1", Ranking(0.001, "v01", "v00"), Edge("v00", "v01"))], votes: 12);

        var markdown = SpecDiffRendering.ToMarkdown(SpecDiff.Compare(before, after), rows: 5);

        Assert.Contains("# Spec diff: v1 → spec", markdown, StringComparison.Ordinal);
        Assert.Contains("## Values added (25)", markdown, StringComparison.Ordinal);
        Assert.Contains("… and 20 more", markdown, StringComparison.Ordinal);
        Assert.Contains("**(changed)**", markdown, StringComparison.Ordinal);
        Assert.Contains("beyond intervals", markdown, StringComparison.Ordinal);
        Assert.Contains("Edges flipped (1)", markdown, StringComparison.Ordinal);
        Assert.Contains("| votes | 10 | 12 | +2 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_read_back_from_its_json_diffs_as_the_record_does()
    {
        var before = Spec([Value("a"), Value("b")], [Graph("c1", Ranking(0.01, "a", "b"), Edge("b", "a"))]);
        var after = Spec([Value("a"), Value("b"), Value("c")], [Graph("c1", Ranking(0.01, "b", "a", "c"), Edge("a", "b"))]);

        var fromFiles = SpecDiff.Compare(AlignmentSpecJson.Read(AlignmentSpecJson.Write(before)), AlignmentSpecJson.Read(AlignmentSpecJson.Write(after)));

        Assert.Equal(SpecDiffRendering.ToJson(SpecDiff.Compare(before, after) with { From = fromFiles.From, To = fromFiles.To }), SpecDiffRendering.ToJson(fromFiles));
    }
}
