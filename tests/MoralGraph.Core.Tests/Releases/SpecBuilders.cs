using MoralGraph.Core.Export;

namespace MoralGraph.Core.Tests.Releases;

/// <summary>Hand-made alignment specs: each test states the values, rankings and edges that matter to it.</summary>
internal static class SpecBuilders
{
    public static AlignmentSpec Spec(IReadOnlyList<SpecValue> values, IReadOnlyList<SpecGraph> graphs, int participants = 3, int votes = 10, string fingerprint = "sha256:f", string? release = null) =>
        new(AlignmentSpec.CurrentSchemaVersion, null,
            new SpecStudy("s", "Study", "", ["en"], "voting"),
            [new SpecQuestion("q", "Q", "Prompt?", [new SpecContext("c1", "When one"), new SpecContext("c2", "When two")])],
            AlignmentSpecBuilder.Precedence,
            new SpecLayers([], graphs.Select(g => new SpecCommunityValues(g.QuestionId, g.ContextId, g.ContextText, g.Ranking.Take(1).Select(r => r.ValueId).ToList())).ToList(), []),
            values, graphs, [], new SpecAlgorithm("default", new Dictionary<string, string>(), "test", fingerprint),
            new SpecCounts(participants, values.Count, values.Sum(v => v.Members.Count), votes, graphs.Sum(g => g.Edges.Count), graphs.Count),
            ContentHash: null)
        { ReleaseId = release };

    public static SpecValue Value(string id, string author = "p0") =>
        new(id, $"Title {id}", $"About {id}.", [$"MOMENTS for {id}"], [new SpecMember($"card-{id}", author)], 1);

    public static SpecGraph Graph(string context, SpecRanking[] ranking, params SpecEdge[] edges) =>
        new("q", context, $"When {context}", 3, 10, ranking, edges);

    /// <summary>Ranked in the order given, scores falling by 0.1 from 0.5, with an interval of ±<paramref name="halfWidth"/>.</summary>
    public static SpecRanking[] Ranking(double halfWidth, params string[] ids) =>
        ids.Select((id, i) => new SpecRanking(id, i + 1, 0.5 - (0.1 * i), null, 0.5 - (0.1 * i) - halfWidth, 0.5 - (0.1 * i) + halfWidth)).ToArray();

    public static SpecEdge Edge(string from, string wiser, int markedWiser = 3, int markedNotWiser = 0) =>
        new(from, wiser, ["When c1"], new SpecCounts.EdgeCounts(markedWiser, markedNotWiser, 0, 0, markedWiser + markedNotWiser),
            new SpecEdgeSummary((double)(markedWiser - markedNotWiser) / Math.Max(1, markedWiser + markedNotWiser), 0.5), true, false, null);
}
