using MoralGraph.Core.Events;

namespace MoralGraph.Core.Deduplication;

/// <summary>
/// Runs a deduplicator over a study's current cards and turns its clusters into merge events, keeping every
/// decision people made: a facilitator's merge stays merged, and a card split off (by a facilitator, or by its
/// author saying "this is not my value") is never merged back with the cards it left. Only merges are proposed;
/// the algorithm never undoes a merge.
/// </summary>
public static class StudyDeduplication
{
    // Seed values go to the deduplicator as cards with these ids; no real card id starts so.
    private const string SeedCardIdPrefix = "seed-value:";

    private const string SeedAuthorKey = "seed-values";

    /// <summary>The merges that bring the study's values in line with the clusters, recorded as by <see cref="StudyState.DeduplicationActor"/>.</summary>
    public static async Task<IReadOnlyList<ValuesMerged>> ProposeMergesAsync(
        StudyState state, IValueDeduplicator deduplicator, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        [.. (await MergesWithClustersAsync(state, deduplicator, now, cancellationToken)).Select(m => m.Merge)];

    private static async Task<List<(ValuesMerged Merge, DedupCluster Cluster)>> MergesWithClustersAsync(
        StudyState state, IValueDeduplicator deduplicator, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(deduplicator);
        var study = state.Study ?? throw new InvalidOperationException("The study has not been defined.");
        var cards = state.CurrentCards().ToList();
        var valueOf = cards.ToDictionary(c => c.Card.CardId, c => c.ValueId, StringComparer.Ordinal);
        // The study's seed values (defined, no member card yet) take part as cards of their own, so a participant card
        // that repeats one is proposed for merging into it. They share one author key: seeds are never merged together.
        var valuesWithCards = valueOf.Values.ToHashSet(StringComparer.Ordinal);
        var seeds = state.ToSnapshot().Values.Where(v => v.Members.Count == 0 && !valuesWithCards.Contains(v.Id)).ToList();
        var seedOf = seeds.ToDictionary(v => SeedCardIdPrefix + v.Id, v => v.Id, StringComparer.Ordinal);
        foreach (var (seedCardId, valueId) in seedOf)
        {
            valueOf[seedCardId] = valueId;
        }

        var clusters = await deduplicator.ClusterStudyAsync(study.Slug,
            [.. cards.Select(c => new DedupCard(c.Card.CardId, c.Card.ParticipantId, c.Card.Title, c.Card.Policies) { Language = state.LanguageOfCard(c.Card) }),
                .. seeds.Select(v => new DedupCard(SeedCardIdPrefix + v.Id, SeedAuthorKey, v.Title, v.Policies) { Language = state.LanguageOfValue(v.Id) })],
            state.DeduplicationDecisions, cancellationToken);

        // Merges move whole values, so each one is checked against every "keep apart" decision across all the
        // cards of both values (including those merged earlier, by this run or before it).
        var keepApart = state.DeduplicationDecisions.Where(d => !d.Together)
            .SelectMany(d => new[] { (d.CardA, d.CardB), (d.CardB, d.CardA) }).ToHashSet();
        var mergedInto = new Dictionary<string, string>(StringComparer.Ordinal);
        string Current(string value)
        {
            while (mergedInto.TryGetValue(value, out var into))
            {
                value = into;
            }

            return value;
        }

        var merges = new List<(ValuesMerged, DedupCluster)>();
        foreach (var cluster in clusters.Where(c => c.Members.Count > 1))
        {
            // A seed value is what the facilitators wrote, so the cards that repeat it join it, not the other way round.
            var anchor = cluster.Members.FirstOrDefault(seedOf.ContainsKey) ?? cluster.Members[0];
            var target = Current(valueOf[anchor]);
            foreach (var value in cluster.Members.Where(m => m != anchor).Select(m => Current(valueOf[m])).Distinct(StringComparer.Ordinal).ToList())
            {
                var targetCards = valueOf.Where(p => Current(p.Value) == target).Select(p => p.Key).ToList();
                var valueCards = valueOf.Where(p => Current(p.Value) == value).Select(p => p.Key).ToList();
                if (value == target || targetCards.Any(a => valueCards.Any(b => keepApart.Contains((a, b)))))
                {
                    continue;
                }

                mergedInto[value] = target;
                merges.Add((new ValuesMerged(value, target, $"offline dedup: \"{cluster.Title}\"")
                {
                    StudyId = study.Slug, OccurredAt = now, Actor = StudyState.DeduplicationActor,
                }, cluster));
            }
        }

        return merges;
    }

    /// <summary>
    /// The same merges as <see cref="ProposeMergesAsync"/>, as proposals for a facilitator's review queue: nothing
    /// moves until someone accepts. A pair proposed before (pending or decided) is not proposed again. A proposal
    /// carries its cluster's <see cref="DedupCluster.Reason"/> (when the deduplicator gave one) and
    /// <see cref="DedupCluster.Provenance"/>, so a model's judgement can be traced to its prompt and model.
    /// </summary>
    public static async Task<IReadOnlyList<MergeProposed>> ProposeForReviewAsync(
        StudyState state, IValueDeduplicator deduplicator, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var known = state.MergeProposals.Select(p => p.ProposalId).ToHashSet(StringComparer.Ordinal);
        var merges = await MergesWithClustersAsync(state, deduplicator, now, cancellationToken);
        return [.. merges
            .Select(m => new MergeProposed(MergeProposed.IdFor(m.Merge.FromValueId, m.Merge.IntoValueId), m.Merge.FromValueId, m.Merge.IntoValueId,
                m.Cluster.Reason ?? m.Merge.Reason)
            {
                StudyId = m.Merge.StudyId, OccurredAt = now, Actor = StudyState.DeduplicationActor, Provenance = m.Cluster.Provenance,
            })
            .Where(p => known.Add(p.ProposalId))];
    }
}
