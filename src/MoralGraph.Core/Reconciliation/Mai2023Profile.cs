using System.Globalization;
using MoralGraph.Core.Events;

namespace MoralGraph.Core.Reconciliation;

/// <summary>
/// Reproduces the summary MAI published for their 2023 study, quirks included, so that its numbers can
/// be checked. One global graph over every question and context. For each vote A→B the pair (A,B) gets
/// an impression and its verdict (markedWiser / markedNotWiser / markedUnsure), and the reverse pair
/// (B,A) gets an impression and, if the verdict was "wiser", a markedLessWise.
/// wiserLikelihood = (wiser − lessWise) / (wiser + notWiser + unsure + lessWise);
/// entropy = −Σ p·log2 p over all five counters, impressions included (as their code did).
/// An edge is kept iff markedWiser ≥ 2, wiserLikelihood ≥ 0.33 and entropy ≤ 1.69; the values are
/// those on kept edges; weighted PageRank with weight = wiserLikelihood, d = 0.85, 100 iterations, sinks
/// discarding their rank.
/// </summary>
public sealed class Mai2023Profile : IReconciliationProfile
{
    /// <summary>The profile's name.</summary>
    public const string ProfileName = "mai-2023";

    private const int MinWiser = 2;
    private const double MinLikelihood = 0.33;
    private const double MaxEntropy = 1.69;

    private static readonly WeightedPageRank PageRank = new(damping: 0.85, tolerance: 0, maxIterations: 100, DanglingRankPolicy.Discard);

    /// <inheritdoc />
    public string Name => ProfileName;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Parameters { get; } = new Dictionary<string, string>
    {
        ["minMarkedWiser"] = MinWiser.ToString(CultureInfo.InvariantCulture),
        ["minWiserLikelihood"] = MinLikelihood.ToString(CultureInfo.InvariantCulture),
        ["maxEntropy"] = MaxEntropy.ToString(CultureInfo.InvariantCulture),
        ["damping"] = "0.85",
        ["iterations"] = "100",
        ["dangling"] = "discard",
        ["entropyIncludesImpressions"] = "true",
        ["scope"] = "global",
    };

    /// <inheritdoc />
    public ReconciliationResult Reconcile(MoralGraphSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var contextText = ContextTexts.Of(snapshot.Study);
        var pairs = new PairTable();
        // Two passes, as MAI's code did: every pair a vote names first, then the reverse pairs. This fixes the
        // order of edges in the published file (a pair's place is its first forward vote).
        foreach (var vote in snapshot.Votes)
        {
            var pair = pairs.Get(vote.FromValueId, vote.ToValueId);
            pair.AddContext(vote.Context, contextText(vote.Context));
            pair.Impressions++;
            switch (vote.Verdict)
            {
                case Voting.Verdict.Wiser: pair.Wiser++; break;
                case Voting.Verdict.NotWiser: pair.NotWiser++; break;
                case Voting.Verdict.Unsure: pair.Unsure++; break;
            }
        }

        foreach (var vote in snapshot.Votes)
        {
            var reverse = pairs.Get(vote.ToValueId, vote.FromValueId);
            reverse.Impressions++;
            if (vote.Verdict == Voting.Verdict.Wiser)
            {
                reverse.LessWise++;
            }
        }

        var kept = new List<RankedEdge>();
        foreach (var pair in pairs.InOrder)
        {
            var likelihood = pair.WiserLikelihood;
            var entropy = Entropy.Bits(pair.Wiser, pair.NotWiser, pair.LessWise, pair.Unsure, pair.Impressions);
            if (pair.Wiser >= MinWiser && likelihood >= MinLikelihood && entropy <= MaxEntropy)
            {
                kept.Add(new RankedEdge(pair.From, pair.To, pair.Contexts, pair.ToTallies(), likelihood, entropy, InRanking: true, ContestedReason: null)
                {
                    ContextRefs = pair.ContextRefs,
                });
            }
        }

        var onKeptEdges = kept.SelectMany(e => new[] { e.SourceValueId, e.WiserValueId }).ToHashSet(StringComparer.Ordinal);
        // Values in study order; ids only votes name (not listed in the snapshot) follow, sorted, as in the default profile.
        var valueIds = snapshot.Values.Select(v => v.Id).Where(onKeptEdges.Contains).ToList();
        valueIds.AddRange(onKeptEdges.Except(valueIds, StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var (ranks, iterations) = RankingGraph.Rank(valueIds, kept, PageRank, cancellationToken);
        var received = valueIds.Select(id => kept.Where(e => e.WiserValueId == id).Sum(e => e.Counts.MarkedWiser)).ToArray();
        var graph = new ContextGraph(null, null, null, RankingGraph.Order(valueIds, ranks, received), kept,
            snapshot.Votes.Select(v => v.ParticipantId).Distinct().Count(), iterations);
        return new ReconciliationResult(Name, Parameters, ReconciliationResult.ComputeFingerprint(Name, Parameters), [graph]);
    }
}
