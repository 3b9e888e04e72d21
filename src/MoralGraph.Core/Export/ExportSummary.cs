namespace MoralGraph.Core.Export;

/// <summary>A value as an export listed it.</summary>
/// <param name="ValueId">The canonical value's id.</param>
/// <param name="Title">Its title at the time.</param>
public sealed record ExportedValue(string ValueId, string Title)
{
    /// <summary>
    /// The participant whose card's words the title is (the value's first member), so the log can encrypt it with their
    /// key and a withdrawal erase it; null for values no participant wrote and in summaries recorded before.
    /// </summary>
    public IReadOnlyList<string>? Quotes { get; init; }
}

/// <summary>A value's place in one graph's ranking.</summary>
/// <param name="ValueId">The value.</param>
/// <param name="Rank">1 for the first.</param>
public sealed record ExportedRank(string ValueId, int Rank);

/// <summary>One graph's ranking as exported: a question and context, or the one global graph of a profile without contexts.</summary>
/// <param name="QuestionId">The question, or null for a global graph.</param>
/// <param name="ContextId">The context, or null for a global graph.</param>
/// <param name="ContextText">The context as participants read it, or null.</param>
/// <param name="Ranking">The ranked values, first first.</param>
public sealed record ExportedGraph(string? QuestionId, string? ContextId, string? ContextText, IReadOnlyList<ExportedRank> Ranking)
{
    /// <summary>True when <paramref name="other"/> ranks the same question and context.</summary>
    public bool IsSameGraphAs(ExportedGraph other) =>
        other is not null && QuestionId == other.QuestionId && ContextId == other.ContextId;
}

/// <summary>
/// What an export said, small enough to keep as an event so the next export can be compared with it: the spec's
/// content hash and algorithm fingerprint, its values (id and title) and every graph's ranking. Not the spec itself:
/// the log holds the votes it was built from.
/// </summary>
/// <param name="Profile">The reconciliation profile.</param>
/// <param name="ContentHash">The JSON spec's content hash (<see cref="AlignmentSpecJson.ComputeHash(AlignmentSpec)"/>).</param>
/// <param name="Fingerprint">The algorithm fingerprint.</param>
/// <param name="Values">Every value in the spec.</param>
/// <param name="Graphs">Every graph's ranking.</param>
public sealed record ExportSummary(string Profile, string ContentHash, string Fingerprint, IReadOnlyList<ExportedValue> Values, IReadOnlyList<ExportedGraph> Graphs)
{
    /// <summary>The summary of <paramref name="spec"/>.</summary>
    public static ExportSummary Of(AlignmentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new ExportSummary(
            spec.Algorithm.Profile,
            spec.ContentHash ?? AlignmentSpecJson.ComputeHash(spec),
            spec.Algorithm.Fingerprint,
            spec.Values.Select(v => new ExportedValue(v.Id, v.Title) { Quotes = v.Members.Count > 0 ? [v.Members[0].ParticipantId] : null }).ToList(),
            spec.Graphs.Select(g => new ExportedGraph(g.QuestionId, g.ContextId, g.ContextText, g.Ranking.Select(r => new ExportedRank(r.ValueId, r.Rank)).ToList())).ToList());
    }
}

/// <summary>How a value's rank in one graph moved between two exports.</summary>
/// <param name="ValueId">The value.</param>
/// <param name="Title">Its title (the newer one when both exports have it).</param>
/// <param name="PreviousRank">Its rank before, or null when it was not ranked there.</param>
/// <param name="CurrentRank">Its rank now, or null when it is no longer ranked there.</param>
public sealed record RankChange(string ValueId, string Title, int? PreviousRank, int? CurrentRank)
{
    /// <summary>Places gained (positive) or lost (negative); null when the value entered or left the ranking.</summary>
    public int? Movement => PreviousRank is { } before && CurrentRank is { } now ? before - now : null;
}

/// <summary>The rank changes of one graph, which may be new or gone.</summary>
/// <param name="QuestionId">The question, or null for a global graph.</param>
/// <param name="ContextId">The context, or null for a global graph.</param>
/// <param name="ContextText">The context's text.</param>
/// <param name="Changes">Every value whose rank differs, by current rank then previous rank.</param>
/// <param name="IsNew">True when the previous export had no such graph.</param>
/// <param name="IsGone">True when the current export has no such graph.</param>
public sealed record GraphRankChanges(string? QuestionId, string? ContextId, string? ContextText, IReadOnlyList<RankChange> Changes, bool IsNew, bool IsGone);

/// <summary>What changed between two exports: values added and removed, and rank changes per graph.</summary>
/// <param name="Added">Values in the current export only.</param>
/// <param name="Removed">Values in the previous export only.</param>
/// <param name="Graphs">Graphs with at least one rank change (graphs whose ranking is identical are left out).</param>
/// <param name="SameContent">True when both have the same content hash: nothing changed at all.</param>
public sealed record ExportComparison(IReadOnlyList<ExportedValue> Added, IReadOnlyList<ExportedValue> Removed, IReadOnlyList<GraphRankChanges> Graphs, bool SameContent)
{
    /// <summary>Compares <paramref name="current"/> with <paramref name="previous"/>. Pure.</summary>
    public static ExportComparison Compare(ExportSummary previous, ExportSummary current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        var before = previous.Values.Select(v => v.ValueId).ToHashSet(StringComparer.Ordinal);
        var now = current.Values.Select(v => v.ValueId).ToHashSet(StringComparer.Ordinal);
        var added = current.Values.Where(v => !before.Contains(v.ValueId)).ToList();
        var removed = previous.Values.Where(v => !now.Contains(v.ValueId)).ToList();

        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in previous.Values.Concat(current.Values))
        {
            titles[value.ValueId] = value.Title;
        }

        var graphs = new List<GraphRankChanges>();
        foreach (var graph in current.Graphs)
        {
            var earlier = previous.Graphs.FirstOrDefault(g => g.IsSameGraphAs(graph));
            var changes = RankChanges(earlier?.Ranking ?? [], graph.Ranking, titles);
            if (changes.Count > 0 || earlier is null)
            {
                graphs.Add(new GraphRankChanges(graph.QuestionId, graph.ContextId, graph.ContextText, changes, IsNew: earlier is null, IsGone: false));
            }
        }

        foreach (var gone in previous.Graphs.Where(g => !current.Graphs.Any(c => c.IsSameGraphAs(g))))
        {
            graphs.Add(new GraphRankChanges(gone.QuestionId, gone.ContextId, gone.ContextText, RankChanges(gone.Ranking, [], titles), IsNew: false, IsGone: true));
        }

        return new ExportComparison(added, removed, graphs, previous.ContentHash == current.ContentHash);
    }

    private static List<RankChange> RankChanges(IReadOnlyList<ExportedRank> previous, IReadOnlyList<ExportedRank> current, Dictionary<string, string> titles)
    {
        var before = previous.ToDictionary(r => r.ValueId, r => r.Rank, StringComparer.Ordinal);
        var now = current.ToDictionary(r => r.ValueId, r => r.Rank, StringComparer.Ordinal);
        return before.Keys.Union(now.Keys, StringComparer.Ordinal)
            .Select(id => new RankChange(id, titles.GetValueOrDefault(id, id), before.TryGetValue(id, out var b) ? b : null, now.TryGetValue(id, out var n) ? n : null))
            .Where(c => c.PreviousRank != c.CurrentRank)
            .OrderBy(c => c.CurrentRank ?? int.MaxValue)
            .ThenBy(c => c.PreviousRank ?? int.MaxValue)
            .ThenBy(c => c.ValueId, StringComparer.Ordinal)
            .ToList();
    }
}
