using MoralGraph.Core.Bridging;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Console;

/// <summary>Where one question and context stands in the latest background reconciliation: its leading values and its contested edges.</summary>
/// <param name="Context">The question and context.</param>
/// <param name="QuestionTitle">The question's title.</param>
/// <param name="ContextText">The context as participants read it.</param>
/// <param name="Leaders">The best-ranked values, best first (at most <see cref="ContextStandings.LeaderCount"/>).</param>
/// <param name="ValueCount">Values ranked in this context.</param>
/// <param name="Contested">Contested edges, each as "from → to (why)".</param>
/// <param name="Voters">Distinct voters counted.</param>
public sealed record ContextStanding(
    ContextRef Context, string QuestionTitle, string ContextText, IReadOnlyList<GraphNode> Leaders, int ValueCount, IReadOnlyList<GraphEdge> Contested, int Voters)
{
    /// <summary>How the opinion groups judged the winning values here, or null when the voters form no groups (yet).</summary>
    public StandingBridging? Bridging { get; init; }
}

/// <summary>A context's bridging figures as the dashboard shows them.</summary>
/// <param name="GroupVoters">Members of each opinion group (group 1 first) who voted in this context.</param>
/// <param name="Values">The winning values, then the value of highest bridging score when it does not win.</param>
public sealed record StandingBridging(IReadOnlyList<int> GroupVoters, IReadOnlyList<StandingBridgingValue> Values);

/// <summary>One value's support in each opinion group and its bridging score (the lowest Wilson lower bound of them).</summary>
/// <param name="ValueId">The value.</param>
/// <param name="Title">Its title.</param>
/// <param name="Winning">True when it wins the context's ranking.</param>
/// <param name="Score">Its bridging score, or null when fewer than two groups voted here.</param>
/// <param name="Groups">Its support in each group, group 1 first.</param>
public sealed record StandingBridgingValue(string ValueId, string Title, bool Winning, double? Score, IReadOnlyList<GroupSupport> Groups);

/// <summary>
/// The dashboard's summary of the latest reconciliation, one row per context that has votes. Read from the result the
/// background reconciliation already computed (<see cref="StudyDashboard.Reconciliation"/>); nothing is recomputed here.
/// </summary>
public static class ContextStandings
{
    /// <summary>Values listed per context.</summary>
    public const int LeaderCount = 3;

    /// <summary>Each voted context of <paramref name="dashboard"/>'s latest reconciliation, in the study's order; empty before the first run.</summary>
    public static IReadOnlyList<ContextStanding> Of(StudyDashboard dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        if (dashboard.Reconciliation is not { } latest)
        {
            return [];
        }

        var titles = new Dictionary<string, string>(latest.ValueTitles, StringComparer.Ordinal);
        foreach (var (valueId, title) in dashboard.Overview.ValueTitles)
        {
            titles[valueId] = title;
        }

        var standings = new List<ContextStanding>();
        foreach (var context in dashboard.Overview.VotesPerContext)
        {
            if (latest.Graph(context.Context.QuestionId, context.Context.ContextId) is not { Ranking.Count: > 0 } graph)
            {
                continue;
            }

            var view = ContextGraphView.From(graph, titles, latest.Run, latest.ComputedAt);
            standings.Add(new ContextStanding(context.Context, context.QuestionTitle, context.ContextText, [.. view.Nodes.Take(LeaderCount)], view.Nodes.Count,
                [.. view.Edges.Where(e => e.IsContested)], view.ParticipantCount)
            {
                Bridging = BridgingOf(graph, titles),
            });
        }

        return standings;
    }

    private static StandingBridging? BridgingOf(ContextGraph graph, Dictionary<string, string> titles)
    {
        if (graph.Bridging is not { } bridging)
        {
            return null;
        }

        var (shown, _) = BridgingSupport.Highlights(graph);
        return new StandingBridging(bridging.GroupVoters, [.. shown.Select(v => new StandingBridgingValue(
            v.ValueId, titles.GetValueOrDefault(v.ValueId, v.ValueId), v.Winning, bridging.ScoreOf(v.ValueId), bridging.SupportOf(v.ValueId) ?? []))]);
    }
}
