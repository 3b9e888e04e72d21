using Bunit;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Components.Console;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Tests.Components.Console;

public sealed class MoralGraphViewTests : BunitTestContext
{
    private static readonly DateTimeOffset ComputedAt = new(2026, 11, 2, 9, 30, 15, TimeSpan.Zero);

    [Fact]
    public void The_ranking_table_lists_every_value_in_rank_order_with_its_confidence()
    {
        var view = Render<MoralGraphView>(p => p.Add(v => v.Graph, Graph()));

        var rows = view.FindAll("[data-testid=graph-ranking] tbody tr");
        Assert.Equal(
            [
                ["1", "Practical help", "0.450", "80 %", "0.300–0.600", "3"],
                ["2", "Presence over advice", "0.350", "20 %", "0.200–0.500", "1"],
                ["3", "Honest comfort", "0.200", "–", "–", "0"],
            ],
            rows.Select(r => r.Children.Select(c => c.TextContent.Trim()).ToArray()));
        Assert.Contains("“When comforting someone” (4 voters, reconciliation 7 at 09:30:15)", view.Find("[data-testid=graph-ranking] caption").TextContent, StringComparison.Ordinal);
        Assert.All(rows, r => Assert.Equal("row", r.Children[1].GetAttribute("scope")));
    }

    [Fact]
    public void The_edge_table_gives_each_edge_its_votes_and_says_which_are_contested()
    {
        var view = Render<MoralGraphView>(p => p.Add(v => v.Graph, Graph()));

        var rows = view.FindAll("[data-testid=graph-edges] tbody tr");
        Assert.Equal(
            [
                ["Presence over advice", "Practical help", "3", "1", "0", "1", "0.50", "Yes: votes both ways"],
                ["Honest comfort", "Presence over advice", "1", "0", "1", "0", "0.50", "No"],
            ],
            rows.Select(r => r.Children.Select(c => c.TextContent.Trim()).ToArray()));
        Assert.Contains("mg-contested", rows[0].ClassName, StringComparison.Ordinal);
        Assert.DoesNotContain("mg-contested", rows[1].ClassName ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void The_drawing_is_an_image_to_screen_readers_whose_label_summarises_it_and_points_to_the_tables()
    {
        var view = Render<MoralGraphView>(p => p.Add(v => v.Graph, Graph()));

        var canvas = view.Find("[data-testid=graph-canvas]");
        Assert.Equal("img", canvas.GetAttribute("role"));
        Assert.Equal(
            "Moral graph of “When comforting someone”: 3 values and 2 wiser-than edges (1 contested); ranked first: Practical help. The tables below list the same data.",
            canvas.GetAttribute("aria-label"));
    }

    [Fact]
    public void With_nothing_to_draw_it_says_so_and_loads_no_script()
    {
        var view = Render<MoralGraphView>(p => p.Add(v => v.Graph, null));

        Assert.Equal("No one has voted in this context yet.", view.Find("[data-testid=graph-empty]").TextContent);
        Assert.Empty(view.FindAll("[data-testid=graph-canvas], table"));
        Assert.Empty(JSInterop.Invocations);
    }

    [Fact]
    public void A_new_graph_updates_the_drawing_in_place_instead_of_drawing_it_again()
    {
        var module = JSInterop.SetupModule("./" + MoralGraphView.ModulePath);
        var drawing = module.SetupModule("create", _ => true);
        drawing.SetupVoid("update", _ => true).SetVoidResult();
        var view = Render<MoralGraphView>(p => p.Add(v => v.Graph, Graph()));

        var created = module.VerifyInvoke("create");
        Assert.Equal(MoralGraphView.CytoscapePath, created.Arguments[1]);
        var data = Assert.IsType<MoralGraphView.GraphData>(created.Arguments[2]);
        Assert.Equal(["value-b", "value-a", "value-c"], data.Nodes.Select(n => n.Id));
        Assert.True(data.Edges[0].Contested);

        view.Render(p => p.Add(v => v.Graph, Graph(run: 8)));

        module.VerifyInvoke("create", calledTimes: 1);
        var updated = drawing.VerifyInvoke("update");
        Assert.Equal(3, Assert.IsType<MoralGraphView.GraphData>(updated.Arguments[0]).Nodes.Count);
    }

    [Fact]
    public void The_same_graph_given_again_is_not_sent_to_the_script_again()
    {
        var module = JSInterop.SetupModule("./" + MoralGraphView.ModulePath);
        var drawing = module.SetupModule("create", _ => true);
        var graph = Graph();
        var view = Render<MoralGraphView>(p => p.Add(v => v.Graph, graph));

        view.Render(p => p.Add(v => v.Graph, graph));

        module.VerifyInvoke("create", calledTimes: 1);
        drawing.VerifyNotInvoke("update");
    }

    private static ContextGraphView Graph(int run = 7) => new(
        new ContextRef("grief", "comforting"), "When comforting someone",
        [
            new GraphNode("value-b", "Practical help", 1, 0.45, 3, 0.8, 0.3, 0.6),
            new GraphNode("value-a", "Presence over advice", 2, 0.35, 1, 0.2, 0.2, 0.5),
            new GraphNode("value-c", "Honest comfort", 3, 0.2, 0, null, null, null),
        ],
        [
            new GraphEdge("value-a", "value-b", "Presence over advice", "Practical help", new EdgeTallies(3, 1, 1, 0, 6), 0.5, true, "both-directions"),
            new GraphEdge("value-c", "value-a", "Honest comfort", "Presence over advice", new EdgeTallies(1, 0, 0, 1, 2), 0.5, true, null),
        ],
        4, run, ComputedAt);
}
