using MoralGraph.Core.Events;

namespace MoralGraph.Core.Reconciliation;

/// <summary>
/// The default profile's graphs, each ranked by bridging score instead of PageRank score: the lowest support a value has
/// in any opinion group (<see cref="Bridging.ContextBridging"/>), the Community Notes idea of agreement across people who
/// usually disagree. Ties, and graphs without a bridging score (fewer than two groups voted there), go by PageRank score,
/// then value id. Everything else (scores, edges, confidence) is the default profile's.
/// </summary>
public sealed class BridgingProfile : IReconciliationProfile
{
    /// <summary>The profile's name.</summary>
    public const string ProfileName = "bridging";

    private readonly DefaultProfile _default;

    /// <summary>Creates the profile; throws when a knob is out of range.</summary>
    public BridgingProfile(DefaultProfileOptions? options = null)
    {
        options ??= new DefaultProfileOptions();
        _default = new DefaultProfile(options);
        var parameters = new Dictionary<string, string>(_default.Parameters, StringComparer.Ordinal)
        {
            ["rankBy"] = "bridging-score, then score",
            ["groupingSeed"] = options.OpinionGroups.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in options.OpinionGroups.ToParameters())
        {
            parameters["grouping." + name] = value;
        }

        Parameters = parameters;
    }

    /// <inheritdoc />
    public string Name => ProfileName;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <inheritdoc />
    public ReconciliationResult Reconcile(MoralGraphSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var result = _default.Reconcile(snapshot, cancellationToken);
        var graphs = result.Graphs.Select(graph =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return graph.Bridging is { } bridging && graph.Ranking.Any(r => bridging.ScoreOf(r.ValueId) is not null)
                ? graph with { Ranking = ByBridging(graph.Ranking, bridging), RankedByBridging = true }
                : graph;
        }).ToList();
        return result with { Profile = Name, Parameters = Parameters, Fingerprint = ReconciliationResult.ComputeFingerprint(Name, Parameters), Graphs = graphs };
    }

    private static List<RankedValue> ByBridging(IReadOnlyList<RankedValue> ranking, Bridging.ContextBridging bridging) =>
        [.. ranking
            .Select(r => (Value: r, Bridging: bridging.ScoreOf(r.ValueId) ?? -1))
            .OrderByDescending(r => r.Bridging)
            .ThenByDescending(r => r.Value.Score)
            .ThenBy(r => r.Value.ValueId, StringComparer.Ordinal)
            .Select((r, position) => r.Value with { Rank = position + 1 })];
}
