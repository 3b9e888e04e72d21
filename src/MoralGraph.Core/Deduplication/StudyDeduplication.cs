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
    /// <summary>The merges that bring the study's values in line with the clusters, recorded as by <see cref="StudyState.DeduplicationActor"/>.</summary>
    public static async Task<IReadOnlyList<ValuesMerged>> ProposeMergesAsync(
        StudyState state, IValueDeduplicator deduplicator, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(deduplicator);
        var study = state.Study ?? throw new InvalidOperationException("The study has not been defined.");
        var cards = state.CurrentCards().ToList();
        var valueOf = cards.ToDictionary(c => c.Card.CardId, c => c.ValueId, StringComparer.Ordinal);
        var clusters = await deduplicator.ClusterAsync(
            cards.Select(c => new DedupCard(c.Card.CardId, c.Card.ParticipantId, c.Card.Title, c.Card.Policies)).ToList(),
            state.DeduplicationDecisions, cancellationToken);

        var merges = new List<ValuesMerged>();
        var mergedAway = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cluster in clusters.Where(c => c.Members.Count > 1))
        {
            var target = valueOf[cluster.Members[0]];
            if (mergedAway.Contains(target))
            {
                continue;
            }

            foreach (var value in cluster.Members.Skip(1).Select(m => valueOf[m]).Distinct(StringComparer.Ordinal))
            {
                if (value != target && mergedAway.Add(value))
                {
                    merges.Add(new ValuesMerged(value, target, $"offline dedup: \"{cluster.Title}\"")
                    {
                        StudyId = study.Slug, OccurredAt = now, Actor = StudyState.DeduplicationActor,
                    });
                }
            }
        }

        return merges;
    }
}
