using System.Globalization;
using MoralGraph.Core.Events;
using MoralGraph.Core.Reconciliation;

namespace MoralGraph.Core.Export;

/// <summary>Builds the alignment spec from a snapshot and its reconciliation. Pure: same input, same spec.</summary>
public static class AlignmentSpecBuilder
{
    /// <summary>
    /// A value not winning in a graph is offered as individual latitude when it has real support there:
    /// at least this many "wiser" votes received, or at least one and a bootstrap win share of at least <see cref="LatitudeMinWinShare"/>.
    /// </summary>
    public const int LatitudeMinWiserVotes = 2;

    /// <summary>See <see cref="LatitudeMinWiserVotes"/>.</summary>
    public const double LatitudeMinWinShare = 0.05;

    /// <summary>Order of precedence written into every spec.</summary>
    public static readonly IReadOnlyList<string> Precedence = ["redLines", "communityValues", "individualLatitude"];

    /// <summary>Builds the spec (without content hash; <see cref="AlignmentSpecJson"/> adds it when writing).</summary>
    public static AlignmentSpec Build(MoralGraphSnapshot snapshot, ReconciliationResult result, DateTimeOffset? generatedAt = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(result);
        var study = snapshot.Study;
        var graphs = result.Graphs.Select(g => new SpecGraph(
            g.QuestionId, g.ContextId, g.ContextText, g.ParticipantCount, g.Iterations,
            g.Ranking.Select(r => new SpecRanking(r.ValueId, r.Rank, r.Score, r.WinShare, r.ScoreLow, r.ScoreHigh)).ToList(),
            new ProjectedList<RankedEdge, SpecEdge>(g.Edges, ToSpecEdge)) { BaselineScore = g.BaselineScore }).ToList();

        var community = result.Graphs.Select(g => new SpecCommunityValues(g.QuestionId, g.ContextId, g.ContextText, Winners(g))).ToList();
        var latitude = result.Graphs.Select(g => new SpecLatitude(g.QuestionId, g.ContextId, g.ContextText, Latitude(g))).ToList();
        var contested = result.Graphs.SelectMany(g => g.Edges.Where(e => e.IsContested)
            .Select(e => new SpecContestedEdge(g.QuestionId, g.ContextId, e.SourceValueId, e.WiserValueId, e.ContestedReason!))).ToList();

        var values = new List<SpecValue>(snapshot.Values.Count);
        var participants = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in snapshot.Values)
        {
            var members = new SpecMember[value.Members.Count];
            for (var i = 0; i < members.Length; i++)
            {
                members[i] = new SpecMember(value.Members[i].CardId, value.Members[i].ParticipantId);
                participants.Add(value.Members[i].ParticipantId);
            }

            values.Add(new SpecValue(value.Id, value.Title, value.Description, value.Policies, members, value.ParticipantCount));
        }

        participants.UnionWith(result.Voters ?? snapshot.Votes.Select(v => v.ParticipantId));


        return new AlignmentSpec(
            AlignmentSpec.CurrentSchemaVersion,
            generatedAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            new SpecStudy(study.Slug, study.Title, study.Description, study.Languages, study.Phase.ToString().ToLowerInvariant()),
            study.Questions.Select(q => new SpecQuestion(q.Id, q.Title, q.Prompt, q.Contexts.Select(c => new SpecContext(c.Id, c.Text)).ToList())).ToList(),
            Precedence,
            new SpecLayers(study.RedLines.Select(r => new SpecRedLine(r.Id, r.Statement, r.Source)).ToList(), community, latitude),
            values,
            graphs,
            contested,
            new SpecAlgorithm(result.Profile, new SortedDictionary<string, string>(result.Parameters.ToDictionary(), StringComparer.Ordinal), ReconciliationResult.CodeVersion, result.Fingerprint),
            new SpecCounts(participants.Count, values.Count, snapshot.Values.Sum(v => v.Members.Count), snapshot.Votes.Count,
                graphs.Sum(g => g.Edges.Count), graphs.Count),
            ContentHash: null);
    }

    /// <summary>
    /// The values ranked first (several when their scores tie exactly); none when no edge feeds the ranking, as when
    /// voters rejected every move, since then every value merely has the baseline score.
    /// </summary>
    public static IReadOnlyList<string> Winners(ContextGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Ranking.Count == 0 || !graph.Edges.Any(e => e.InRanking))
        {
            return [];
        }

        var top = graph.Ranking[0].Score;
        return graph.Ranking.TakeWhile(r => r.Score == top).Select(r => r.ValueId).ToList();
    }

    private static List<SpecLatitudeValue> Latitude(ContextGraph graph)
    {
        var winners = Winners(graph).ToHashSet(StringComparer.Ordinal);
        return graph.Ranking
            .Where(r => !winners.Contains(r.ValueId))
            .Select(r => new SpecLatitudeValue(r.ValueId, r.WiserVotesReceived, r.WinShare))
            .Where(v => v.WiserVotesReceived >= LatitudeMinWiserVotes || (v.WiserVotesReceived > 0 && v.WinShare >= LatitudeMinWinShare))
            .ToList();
    }

    private static SpecEdge ToSpecEdge(RankedEdge e) => new(
        e.SourceValueId, e.WiserValueId, e.Contexts,
        new SpecCounts.EdgeCounts(e.Counts.MarkedWiser, e.Counts.MarkedNotWiser, e.Counts.MarkedLessWise, e.Counts.MarkedUnsure, e.Counts.Impressions),
        new SpecEdgeSummary(e.WiserLikelihood, e.Entropy), e.InRanking, e.IsContested, e.ContestedReason);
}
