using System.Globalization;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Bridging;
using MoralGraph.Core.Events;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Values;

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

    /// <summary>
    /// Builds the spec (without content hash; <see cref="AlignmentSpecJson"/> adds it when writing). Values, rankings,
    /// edges, latitude and contested edges are views over the snapshot and the result, made item by item when read, so a
    /// spec of millions of edges costs little beyond the reconciliation it describes.
    /// </summary>
    public static AlignmentSpec Build(MoralGraphSnapshot snapshot, ReconciliationResult result, DateTimeOffset? generatedAt = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(result);
        var study = snapshot.Study;
        var graphs = result.Graphs.Select(g => new SpecGraph(
            g.QuestionId, g.ContextId, g.ContextText, g.ParticipantCount, g.Iterations,
            new ProjectedList<RankedValue, SpecRanking>(g.Ranking, ToSpecRanking),
            new ProjectedList<RankedEdge, SpecEdge>(g.Edges, ToSpecEdge)) { BaselineScore = g.BaselineScore }).ToList();

        var community = result.Graphs.Select(g => new SpecCommunityValues(g.QuestionId, g.ContextId, g.ContextText, Winners(g))).ToList();
        var latitude = result.Graphs.Select(g => new SpecLatitude(g.QuestionId, g.ContextId, g.ContextText, Latitude(g))).ToList();

        var participants = new HashSet<string>(StringComparer.Ordinal);
        var cards = 0;
        foreach (var value in snapshot.Values)
        {
            cards += value.Members.Count;
            foreach (var member in value.Members)
            {
                participants.Add(member.ParticipantId);
            }
        }

        participants.UnionWith(result.Voters ?? snapshot.Votes.Select(v => v.ParticipantId));
        var languages = snapshot.LanguagesOrUniform;
        var values = new ProjectedList<CanonicalValue, SpecValue>(snapshot.Values, value => ToSpecValue(value, languages));

        return new AlignmentSpec(
            AlignmentSpec.CurrentSchemaVersion,
            generatedAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            new SpecStudy(study.Slug, study.Title, study.Description, study.Languages, study.Phase.ToString().ToLowerInvariant()),
            study.Questions.Select(q => new SpecQuestion(q.Id, q.Title, q.Prompt, q.Contexts.Select(c => new SpecContext(c.Id, c.Text)).ToList())).ToList(),
            Precedence,
            new SpecLayers(study.RedLines.Select(r => new SpecRedLine(r.Id, r.Statement, r.Source)).ToList(), community, latitude),
            values,
            graphs,
            new ContestedEdgeList(result.Graphs),
            new SpecAlgorithm(result.Profile, new SortedDictionary<string, string>(result.Parameters.ToDictionary(), StringComparer.Ordinal), ReconciliationResult.CodeVersion, result.Fingerprint),
            new SpecCounts(participants.Count, values.Count, cards, snapshot.Votes.Count, graphs.Sum(g => g.Edges.Count), graphs.Count),
            ContentHash: null)
        {
            Legitimacy = snapshot.Legitimacy,
            Bridging = BridgingOf(result),
        };
    }

    /// <summary>
    /// The opinion groups and, per context, each winning value's support in each group and its bridging score, with the
    /// value of highest bridging score (ties: the better ranked) when it does not win; null when the profile groups no one.
    /// </summary>
    private static SpecBridging? BridgingOf(ReconciliationResult result)
    {
        if (result.OpinionGroups is not { } groups)
        {
            return null;
        }

        var contexts = new List<SpecBridgingContext>();
        foreach (var graph in result.Graphs)
        {
            if (graph.Bridging is not { } bridging)
            {
                continue;
            }

            var (shown, top) = BridgingSupport.Highlights(graph);
            contexts.Add(new SpecBridgingContext(graph.QuestionId, graph.ContextId, bridging.GroupVoters, top,
                [.. shown.Select(v => new SpecBridgingValue(v.ValueId, v.Winning, bridging.ScoreOf(v.ValueId),
                    [.. (bridging.SupportOf(v.ValueId) ?? []).Select(s => new SpecGroupSupport(s.Group, s.Endorsing, s.Votes, s.Share, s.LowerBound))]))]));
        }

        return new SpecBridging(groups.Method, groups.Seed, groups.GroupCount, new SortedDictionary<string, string>(groups.Parameters.ToDictionary(), StringComparer.Ordinal),
            [.. groups.GroupSizes.Select((size, g) => new SpecOpinionGroup(g + 1, size))], groups.Unassigned, groups.Silhouette, groups.Reason, contexts);
    }

    /// <summary>
    /// The values ranked first (several when their scores tie exactly; in a graph ranked by bridging, their bridging
    /// scores too); none when no edge feeds the ranking, as when voters rejected every move, since then every value
    /// merely has the baseline score.
    /// </summary>
    public static IReadOnlyList<string> Winners(ContextGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Ranking.Count == 0 || !graph.Edges.Any(e => e.InRanking))
        {
            return [];
        }

        var top = graph.Ranking[0].Score;
        if (graph is { RankedByBridging: true, Bridging: { } bridging })
        {
            var topBridging = bridging.ScoreOf(graph.Ranking[0].ValueId);
            return graph.Ranking.TakeWhile(r => r.Score == top && bridging.ScoreOf(r.ValueId) == topBridging).Select(r => r.ValueId).ToList();
        }

        return graph.Ranking.TakeWhile(r => r.Score == top).Select(r => r.ValueId).ToList();
    }

    private static IndexedList<SpecLatitudeValue> Latitude(ContextGraph graph)
    {
        var winners = Winners(graph).ToHashSet(StringComparer.Ordinal);
        var supported = new List<int>();
        for (var i = 0; i < graph.Ranking.Count; i++)
        {
            var r = graph.Ranking[i];
            if (!winners.Contains(r.ValueId) && (r.WiserVotesReceived >= LatitudeMinWiserVotes || (r.WiserVotesReceived > 0 && r.WinShare >= LatitudeMinWinShare)))
            {
                supported.Add(i);
            }
        }

        return new IndexedList<SpecLatitudeValue>(supported.Count, i =>
        {
            var r = graph.Ranking[supported[i]];
            return new SpecLatitudeValue(r.ValueId, r.WiserVotesReceived, r.WinShare);
        });
    }

    private static SpecValue ToSpecValue(CanonicalValue value, SnapshotLanguages languages) =>
        new(value.Id, value.Title, value.Description, value.Policies,
            [.. value.Members.Select(m => new SpecMember(m.CardId, m.ParticipantId) { Language = languages.OfCard(m.CardId) })], value.ParticipantCount)
        {
            Language = languages.OfValue(value.Id),
            Translations = languages.TranslationsOf(value.Id) is { Count: > 0 } translations ? [.. translations.Select(ToSpecTranslation)] : null,
        };

    private static SpecTranslation ToSpecTranslation(ValueTranslated translation)
    {
        var provenance = translation.Provenance;
        return new(translation.Language, translation.Title, translation.Description, translation.Policies,
            new SpecProvenance(provenance.ModelId, provenance.PromptId, provenance.PromptHash, provenance.Temperature, provenance.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
    }

    private static SpecRanking ToSpecRanking(RankedValue r) => new(r.ValueId, r.Rank, r.Score, r.WinShare, r.ScoreLow, r.ScoreHigh);

    private static SpecEdge ToSpecEdge(RankedEdge e) => new(
        e.SourceValueId, e.WiserValueId, e.Contexts,
        new SpecCounts.EdgeCounts(e.Counts.MarkedWiser, e.Counts.MarkedNotWiser, e.Counts.MarkedLessWise, e.Counts.MarkedUnsure, e.Counts.Impressions),
        new SpecEdgeSummary(e.WiserLikelihood, e.Entropy), e.InRanking, e.IsContested, e.ContestedReason)
    {
        ContextRefs = e.ContextRefs?.Select(c => new SpecContextRef(c.QuestionId, c.ContextId)).ToList(),
    };

    /// <summary>Every graph's contested edges, in graph then edge order; only their positions are kept.</summary>
    private sealed class ContestedEdgeList : IReadOnlyList<SpecContestedEdge>
    {
        private readonly IReadOnlyList<ContextGraph> _graphs;
        private readonly int[][] _edges;
        private readonly int[] _before;

        public ContestedEdgeList(IReadOnlyList<ContextGraph> graphs)
        {
            _graphs = graphs;
            _edges = new int[graphs.Count][];
            _before = new int[graphs.Count + 1];
            for (var g = 0; g < graphs.Count; g++)
            {
                // Counted, then listed: a list doubling to millions of entries would leave its copies as garbage.
                var edges = graphs[g].Edges;
                var count = 0;
                for (var e = 0; e < edges.Count; e++)
                {
                    count += IsContested(edges, e) ? 1 : 0;
                }

                _edges[g] = new int[count];
                for (int e = 0, next = 0; next < count; e++)
                {
                    if (IsContested(edges, e))
                    {
                        _edges[g][next++] = e;
                    }
                }

                _before[g + 1] = _before[g] + count;
            }
        }

        public int Count => _before[^1];

        private static bool IsContested(IReadOnlyList<RankedEdge> edges, int index) =>
            (edges is IContestedEdges flags ? flags.ContestedReason(index) : edges[index].ContestedReason) is not null;

        public SpecContestedEdge this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
                // Graphs are few (one per context): a scan finds the one holding the index.
                var g = 0;
                while (_before[g + 1] <= index)
                {
                    g++;
                }

                return Contested(_graphs[g], _edges[g][index - _before[g]]);
            }
        }

        public IEnumerator<SpecContestedEdge> GetEnumerator()
        {
            for (var g = 0; g < _graphs.Count; g++)
            {
                foreach (var e in _edges[g])
                {
                    yield return Contested(_graphs[g], e);
                }
            }
        }

        private static SpecContestedEdge Contested(ContextGraph graph, int index)
        {
            if (graph.Edges is IContestedEdges edges)
            {
                var (source, wiser) = edges.Pair(index);
                return new SpecContestedEdge(graph.QuestionId, graph.ContextId, source, wiser, edges.ContestedReason(index)!);
            }

            var edge = graph.Edges[index];
            return new SpecContestedEdge(graph.QuestionId, graph.ContextId, edge.SourceValueId, edge.WiserValueId, edge.ContestedReason!);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
