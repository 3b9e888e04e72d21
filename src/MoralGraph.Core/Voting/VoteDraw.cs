using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;

namespace MoralGraph.Core.Voting;

/// <summary>A wiser-than item chosen for a participant, before its story is written.</summary>
/// <param name="Context">The question and context.</param>
/// <param name="ContextText">The context as participants read it.</param>
/// <param name="From">Value A.</param>
/// <param name="To">Value B.</param>
public sealed record VoteCandidate(ContextRef Context, StudyContext ContextText, CanonicalValue From, CanonicalValue To);

/// <summary>
/// Chooses the wiser-than items a participant is asked about. The rule:
/// <list type="number">
/// <item>The pool of a question is its current values (cards written for it, values defined for it or for any question),
/// withdrawn participants' cards excluded.</item>
/// <item>Every ordered pair (A, B) of distinct pool values in every context of the question is an item, so both directions
/// of each pair exist — except items whose B holds one of the participant's own cards, and items they already answered
/// or were already given.</item>
/// <item>Under-voted items first: items are ordered by load (votes cast on the item plus copies drawn to others and not yet
/// answered), then by a hash of participant and item, a stable shuffle so people with the same loads get different items.</item>
/// <item>Taken in that order up to the draw size, skipping a pair already taken in either direction or context: one person
/// judges a pair once per draw.</item>
/// </list>
/// Each pool is capped at <see cref="MaxPoolSize"/> values (those with the fewest votes), which bounds a draw at
/// ~200k candidate items however large the study grows.
/// </summary>
public static class VoteDraw
{
    /// <summary>Most values of one question considered in one draw.</summary>
    public const int MaxPoolSize = 200;

    /// <summary>Up to <paramref name="size"/> items for <paramref name="participantId"/> on <paramref name="questionIds"/>.</summary>
    public static IReadOnlyList<VoteCandidate> Choose(StudyState state, string participantId, IReadOnlyList<string> questionIds, int size)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(questionIds);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var study = state.Study ?? throw new InvalidOperationException("The study has not been defined.");
        var snapshot = state.ToSnapshot();
        var participant = state.Participation.Find(participantId);
        var questionsOfValues = state.QuestionsOfValues();

        var load = new Dictionary<(string, string, ContextRef), int>();
        var votesPerValue = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var vote in snapshot.Votes)
        {
            var key = (vote.FromValueId, vote.ToValueId, vote.Context);
            load[key] = load.GetValueOrDefault(key) + 1;
            votesPerValue[vote.FromValueId] = votesPerValue.GetValueOrDefault(vote.FromValueId) + 1;
            votesPerValue[vote.ToValueId] = votesPerValue.GetValueOrDefault(vote.ToValueId) + 1;
        }

        foreach (var (key, count) in state.Participation.OutstandingItems())
        {
            load[key] = load.GetValueOrDefault(key) + count;
        }

        // What they were given or answered, by the values as they are now: after a merge, x→y2 they answered is x→y.
        var given = (participant?.DrawnItems ?? []).Select(i => (i.FromValueId, i.ToValueId, i.Context))
            .Concat(state.Votes.EffectiveVotes().Where(v => v.ParticipantId == participantId).Select(v => (v.FromValueId, v.ToValueId, v.Context)))
            .Select(k => (state.ResolveValue(k.Item1), state.ResolveValue(k.Item2), k.Item3))
            .ToHashSet();
        var candidates = new List<(VoteCandidate Candidate, int Load, ulong Shuffle)>();
        foreach (var question in questionIds.Select(study.FindQuestion).OfType<Question>())
        {
            var pool = snapshot.Values
                .Where(v => questionsOfValues.TryGetValue(v.Id, out var qs) && (qs.Contains(question.Id) || qs.Contains(null)))
                .OrderBy(v => votesPerValue.GetValueOrDefault(v.Id)).ThenBy(v => Shuffle(participantId, v.Id))
                .Take(MaxPoolSize).ToList();
            foreach (var context in question.Contexts)
            {
                var contextRef = new ContextRef(question.Id, context.Id);
                foreach (var from in pool)
                {
                    foreach (var to in pool)
                    {
                        var key = (from.Id, to.Id, contextRef);
                        if (from.Id == to.Id || to.Members.Any(m => m.ParticipantId == participantId) || given.Contains(key))
                        {
                            continue;
                        }

                        candidates.Add((new VoteCandidate(contextRef, context, from, to), load.GetValueOrDefault(key), Shuffle(participantId, $"{from.Id}>{to.Id}@{contextRef}")));
                    }
                }
            }
        }

        var chosen = new List<VoteCandidate>();
        var pairs = new HashSet<(string, string)>();
        foreach (var (candidate, _, _) in candidates.OrderBy(c => c.Load).ThenBy(c => c.Shuffle))
        {
            if (chosen.Count == size)
            {
                break;
            }

            var pair = string.CompareOrdinal(candidate.From.Id, candidate.To.Id) < 0 ? (candidate.From.Id, candidate.To.Id) : (candidate.To.Id, candidate.From.Id);
            if (pairs.Add(pair))
            {
                chosen.Add(candidate);
            }
        }

        return chosen;
    }

    // FNV-1a: a stable, fast hash is all a shuffle key needs (string.GetHashCode changes between processes).
    private static ulong Shuffle(string participantId, string item)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in participantId + "|" + item)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
