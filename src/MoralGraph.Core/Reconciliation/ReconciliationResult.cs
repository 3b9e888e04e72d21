using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using MoralGraph.Core.Bridging;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Reconciliation;

/// <summary>Reconciles a moral graph snapshot into rankings. Implementations are deterministic.</summary>
public interface IReconciliationProfile
{
    /// <summary>Profile name as used on the command line and in exports ("default", "mai-2023").</summary>
    string Name { get; }

    /// <summary>Every knob that affects the result, for the export's algorithm fingerprint.</summary>
    IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Reconciles the snapshot.</summary>
    ReconciliationResult Reconcile(MoralGraphSnapshot snapshot, CancellationToken cancellationToken = default);
}

/// <summary>Vote counts on a directed pair (source → wiser).</summary>
/// <param name="MarkedWiser">Votes saying the move source → wiser made the person wiser.</param>
/// <param name="MarkedNotWiser">Votes on source → wiser saying it did not.</param>
/// <param name="MarkedLessWise">Votes on the reverse move saying it made the person wiser.</param>
/// <param name="MarkedUnsure">Votes on source → wiser saying "not sure".</param>
/// <param name="Impressions">Times the pair was shown, in either direction.</param>
public readonly record struct EdgeTallies(int MarkedWiser, int MarkedNotWiser, int MarkedLessWise, int MarkedUnsure, int Impressions);

/// <summary>A wiser-than edge with its tallies and summary.</summary>
/// <param name="SourceValueId">The value moved from.</param>
/// <param name="WiserValueId">The value judged wiser.</param>
/// <param name="Contexts">Context texts the votes were cast in.</param>
/// <param name="Counts">Vote tallies.</param>
/// <param name="WiserLikelihood">(wiser − lessWise) / (wiser + notWiser + unsure + lessWise).</param>
/// <param name="Entropy">Shannon entropy (bits) of the tallies, as the profile defines it.</param>
/// <param name="InRanking">Whether the edge passed the profile's filter and feeds the ranking.</param>
/// <param name="ContestedReason">Why the edge is contested ("both-directions", "cycle"), or null.</param>
public sealed record RankedEdge(
    string SourceValueId, string WiserValueId, IReadOnlyList<string> Contexts, EdgeTallies Counts, double WiserLikelihood,
    double Entropy, bool InRanking, string? ContestedReason)
{
    /// <summary>True when both directions have support or the edge lies on a cycle.</summary>
    public bool IsContested => ContestedReason is not null;

    /// <summary>
    /// The contexts the votes were cast in, by question and context id, for an edge of a graph over several contexts;
    /// null on an edge of a graph of one question and context, which is its graph's.
    /// </summary>
    public IReadOnlyList<ContextRef>? ContextRefs { get; init; }
}

/// <summary>A value's place in one graph's ranking.</summary>
/// <param name="ValueId">The canonical value.</param>
/// <param name="Rank">1 for the winner.</param>
/// <param name="Score">PageRank score.</param>
/// <param name="WiserVotesReceived">"Wiser" votes this value received as the wiser side, in this graph.</param>
/// <param name="WinShare">Share of bootstrap resamples in which this value ranked first (null when not computed).</param>
/// <param name="ScoreLow">5th percentile of the score over resamples (null when not computed).</param>
/// <param name="ScoreHigh">95th percentile of the score over resamples (null when not computed).</param>
public sealed record RankedValue(string ValueId, int Rank, double Score, int WiserVotesReceived, double? WinShare, double? ScoreLow, double? ScoreHigh);

/// <summary>One reconciled graph: per (question, context) in the default profile, one global graph in mai-2023.</summary>
/// <param name="QuestionId">The question, or null for a graph over all questions.</param>
/// <param name="ContextId">The context, or null for a graph over all contexts.</param>
/// <param name="ContextText">The context as participants read it, or null.</param>
/// <param name="Ranking">Values by rank.</param>
/// <param name="Edges">Edges with support, in the order their pair was first voted on.</param>
/// <param name="ParticipantCount">Distinct voters in this graph.</param>
/// <param name="Iterations">PageRank iterations run.</param>
public sealed record ContextGraph(
    string? QuestionId, string? ContextId, string? ContextText, IReadOnlyList<RankedValue> Ranking, IReadOnlyList<RankedEdge> Edges,
    int ParticipantCount, int Iterations)
{
    /// <summary>
    /// The score of every study value not voted on in this graph (not listed in <see cref="Ranking"/>); scores are
    /// shares of the whole study, so the listed ones plus these sum to 1. Null where the profile does not compute it.
    /// </summary>
    public double? BaselineScore { get; init; }

    /// <summary>How the opinion groups judged this graph's values (bridging), or null where the profile does not group voters.</summary>
    public ContextBridging? Bridging { get; init; }

    /// <summary>True when <see cref="Ranking"/> is ordered by bridging score (ties by PageRank score), as the bridging profile orders it.</summary>
    public bool RankedByBridging { get; init; }
}

/// <summary>What a profile made of a snapshot.</summary>
/// <param name="Profile">The profile's name.</param>
/// <param name="Parameters">Its knobs.</param>
/// <param name="Fingerprint">Hash of profile, knobs and code version: equal fingerprints on equal input give equal output.</param>
/// <param name="Graphs">The reconciled graphs.</param>
public sealed record ReconciliationResult(string Profile, IReadOnlyDictionary<string, string> Parameters, string Fingerprint, IReadOnlyList<ContextGraph> Graphs)
{
    /// <summary>Distinct pseudonymous ids of the participants whose votes were reconciled (for counts, without a second pass over the votes).</summary>
    public IReadOnlyCollection<string>? Voters { get; init; }

    /// <summary>How the voters were grouped by their votes for <see cref="ContextGraph.Bridging"/>, or null where the profile does not group them.</summary>
    public OpinionGroupSummary? OpinionGroups { get; init; }

    /// <summary>The code version that computed this result.</summary>
    public static string CodeVersion { get; } =
        typeof(ReconciliationResult).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The fingerprint of a profile with these knobs at this code version.</summary>
    public static string ComputeFingerprint(string profile, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var text = $"{profile}\n{CodeVersion}\n" + string.Join("\n", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
