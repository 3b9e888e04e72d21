using MoralGraph.Core.Export;

namespace MoralGraph.Core.Releases;

/// <summary>One side of a diff: which spec it was.</summary>
/// <param name="ReleaseId">The spec's release id (<c>v1</c>, …), or null for a spec that is not a release (the live graph, a plain export).</param>
/// <param name="ContentHash">The spec's <c>contentHash</c>, or null when it has none.</param>
/// <param name="GeneratedAt">When it was written, if it says.</param>
/// <param name="Profile">The reconciliation profile.</param>
/// <param name="Fingerprint">The algorithm fingerprint.</param>
/// <param name="Counts">Its counts.</param>
public sealed record SpecDiffSide(string? ReleaseId, string? ContentHash, string? GeneratedAt, string Profile, string Fingerprint, SpecCounts Counts);

/// <summary>A value present on one side only.</summary>
/// <param name="ValueId">The value.</param>
/// <param name="Title">Its title.</param>
public sealed record DiffValue(string ValueId, string Title);

/// <summary>How a count moved.</summary>
/// <param name="Before">On the older side.</param>
/// <param name="After">On the newer side.</param>
public readonly record struct CountChange(int Before, int After)
{
    /// <summary>After minus before.</summary>
    public int Added => After - Before;
}

/// <summary>Who and how much took part, before and after.</summary>
/// <param name="Participants">Participants (authors and voters) as the specs count them.</param>
/// <param name="Votes">Effective votes.</param>
/// <param name="Cards">Values cards.</param>
/// <param name="Values">Canonical values.</param>
/// <param name="Edges">Edges over all graphs.</param>
/// <param name="NewAuthors">
/// Pseudonymous ids whose cards appear on the newer side only. Voters are not listed in a spec, so new voters are
/// known only through <paramref name="Participants"/>.
/// </param>
public sealed record ParticipationChange(CountChange Participants, CountChange Votes, CountChange Cards, CountChange Values, CountChange Edges, IReadOnlyList<string> NewAuthors);

/// <summary>A value's move in one graph's ranking.</summary>
/// <param name="ValueId">The value.</param>
/// <param name="Title">Its title (the newer one when both sides have it).</param>
/// <param name="RankBefore">Its rank before, or null when it was not ranked in this graph.</param>
/// <param name="RankAfter">Its rank after, or null when it no longer is.</param>
/// <param name="ScoreBefore">Its score before.</param>
/// <param name="ScoreAfter">Its score after.</param>
/// <param name="IntervalBefore">Its bootstrap 5–95 % score interval before, when computed.</param>
/// <param name="IntervalAfter">The same after.</param>
public sealed record RankMove(
    string ValueId, string Title, int? RankBefore, int? RankAfter, double? ScoreBefore, double? ScoreAfter,
    ScoreInterval? IntervalBefore, ScoreInterval? IntervalAfter)
{
    /// <summary>Places gained (positive) or lost; null when the value entered or left the ranking.</summary>
    public int? Places => RankBefore is { } before && RankAfter is { } after ? before - after : null;

    /// <summary>Score after minus before; null when one side has none.</summary>
    public double? ScoreChange => ScoreBefore is { } before && ScoreAfter is { } after ? after - before : null;

    /// <summary>
    /// True when both intervals are known and do not overlap: the move is larger than the resampling noise of either
    /// side. A move without intervals, or within them, may be noise.
    /// </summary>
    public bool BeyondIntervals => IntervalBefore is { } before && IntervalAfter is { } after && (after.Low > before.High || after.High < before.Low);
}

/// <summary>A bootstrap interval of a score.</summary>
/// <param name="Low">5th percentile.</param>
/// <param name="High">95th percentile.</param>
public readonly record struct ScoreInterval(double Low, double High);

/// <summary>A directed edge as one side had it.</summary>
/// <param name="SourceValueId">The value moved from.</param>
/// <param name="WiserValueId">The value judged wiser.</param>
/// <param name="Counts">Its tallies on that side.</param>
/// <param name="WiserLikelihood">Its summary on that side.</param>
public sealed record DiffEdge(string SourceValueId, string WiserValueId, SpecCounts.EdgeCounts Counts, double WiserLikelihood);

/// <summary>A pair of values whose direction reversed: <paramref name="Before"/> pointed one way, <paramref name="After"/> the other.</summary>
/// <param name="Before">The edge that carried the pair's direction before.</param>
/// <param name="After">The edge that carries it now (source and wiser swapped).</param>
public sealed record FlippedEdge(DiffEdge Before, DiffEdge After);

/// <summary>Whether a graph exists on both sides.</summary>
public enum GraphPresence
{
    /// <summary>On both sides.</summary>
    Both,

    /// <summary>On the newer side only (a new context, or the first votes in it).</summary>
    Added,

    /// <summary>On the older side only.</summary>
    Removed,
}

/// <summary>What changed in one graph (a question and context, or a profile's one global graph).</summary>
/// <param name="QuestionId">The question, or null.</param>
/// <param name="ContextId">The context, or null.</param>
/// <param name="ContextText">The context's text (the newer side's).</param>
/// <param name="Presence">Whether the graph is on both sides.</param>
/// <param name="WinnersBefore">The winning values before (community values layer).</param>
/// <param name="WinnersAfter">The winning values after.</param>
/// <param name="RankMoves">Values whose rank or score differ, by rank after then rank before.</param>
/// <param name="EdgesAppeared">Directed edges on the newer side only (pairs that flipped are not repeated here).</param>
/// <param name="EdgesVanished">Directed edges on the older side only (likewise).</param>
/// <param name="EdgesFlipped">Pairs whose direction reversed.</param>
/// <param name="EdgesRetallied">Edges on both sides, not flipped, whose vote tallies differ (new votes on a known edge).</param>
public sealed record GraphDiff(
    string? QuestionId, string? ContextId, string? ContextText, GraphPresence Presence,
    IReadOnlyList<string> WinnersBefore, IReadOnlyList<string> WinnersAfter, IReadOnlyList<RankMove> RankMoves,
    IReadOnlyList<DiffEdge> EdgesAppeared, IReadOnlyList<DiffEdge> EdgesVanished, IReadOnlyList<FlippedEdge> EdgesFlipped, int EdgesRetallied)
{
    /// <summary>True when the set of winners differs.</summary>
    public bool WinnersChanged => !WinnersBefore.Order(StringComparer.Ordinal).SequenceEqual(WinnersAfter.Order(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>True when nothing in this graph changed.</summary>
    public bool IsUnchanged => Presence == GraphPresence.Both && !WinnersChanged && RankMoves.Count == 0
        && EdgesAppeared.Count == 0 && EdgesVanished.Count == 0 && EdgesFlipped.Count == 0 && EdgesRetallied == 0;
}

/// <summary>
/// What changed between two alignment specs (two releases, or a release and the live graph): values added and removed,
/// winners per question and context, rank and score moves with their intervals, edges that appeared, vanished or
/// flipped, and participation. Computed from the spec's JSON model alone, so it works on any two files.
/// </summary>
/// <param name="From">The older side.</param>
/// <param name="To">The newer side.</param>
/// <param name="AlgorithmChanged">True when the algorithm fingerprints differ: some moves may come from the algorithm, not the votes.</param>
/// <param name="ValuesAdded">Values on the newer side only.</param>
/// <param name="ValuesRemoved">Values on the older side only.</param>
/// <param name="Participation">Counts before and after.</param>
/// <param name="Graphs">Every graph with a change, in the newer side's order, then graphs removed.</param>
public sealed record SpecDiff(
    SpecDiffSide From, SpecDiffSide To, bool AlgorithmChanged, IReadOnlyList<DiffValue> ValuesAdded, IReadOnlyList<DiffValue> ValuesRemoved,
    ParticipationChange Participation, IReadOnlyList<GraphDiff> Graphs)
{
    /// <summary>The format of the diff's JSON (its <c>diffVersion</c>); add fields, never rename them.</summary>
    public const string CurrentDiffVersion = "1.0.0";

    /// <summary>The version of the diff format this is.</summary>
    public string DiffVersion { get; init; } = CurrentDiffVersion;

    /// <summary>True when no value, graph, count or algorithm differs.</summary>
    public bool IsEmpty => ValuesAdded.Count == 0 && ValuesRemoved.Count == 0 && Graphs.Count == 0 && !AlgorithmChanged
        && Participation is { Participants.Added: 0, Votes.Added: 0, Cards.Added: 0, Values.Added: 0, Edges.Added: 0 };

    /// <summary>Compares <paramref name="to"/> with <paramref name="from"/>. Pure; linear in the size of both specs.</summary>
    public static SpecDiff Compare(AlignmentSpec from, AlignmentSpec to, CancellationToken cancellationToken = default) =>
        SpecDiffer.Compare(from, to, cancellationToken);
}
