using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Text;
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
    /// <remarks>
    /// Costs what the pools hold (at most <see cref="MaxPoolSize"/>² items per context), not what the study holds: loads
    /// come from the counts the state keeps, and only the best few candidates are kept while the pool is walked.
    /// </remarks>
    public static IReadOnlyList<VoteCandidate> Choose(StudyState state, string participantId, IReadOnlyList<string> questionIds, int size)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(questionIds);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var study = state.Study ?? throw new InvalidOperationException("The study has not been defined.");
        var participant = state.Participation.Find(participantId);
        var own = state.ValuesOfParticipant(participantId);
        var participantHash = StableHash.Of(participantId);

        // What they were given or answered, by the values as they are now: after a merge, x→y2 they answered is x→y.
        var given = (participant?.DrawnItems.Select(i => (i.FromValueId, i.ToValueId, i.Context)) ?? [])
            .Concat(participant?.VotedKeys.Select(k => (k.FromValueId, k.ToValueId, k.Context)) ?? [])
            .Select(k => (state.ResolveValue(k.Item1), state.ResolveValue(k.Item2), k.Item3))
            .ToHashSet();

        // Taken in order until `size` pairs are chosen; one pair has at most 2 × contexts items, so the first
        // size × 2 × contexts items in that order hold every item taken, and only they need keeping.
        var contextsPerQuestion = questionIds.Select(study.FindQuestion).OfType<Question>().Select(q => q.Contexts.Count).DefaultIfEmpty(0).Max();
        var keep = Math.Max(1, size * 2 * Math.Max(1, contextsPerQuestion));
        var best = new PriorityQueue<VoteCandidate, (int Load, ulong Shuffle)>(keep + 1, LastFirst.Instance);
        foreach (var question in questionIds.Select(study.FindQuestion).OfType<Question>())
        {
            var pool = LeastVoted(state, state.ValuesAnswering(question.Id), participantHash);
            var index = pool.Select((value, i) => (value.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
            var valueHashes = pool.Select(v => StableHash.Of(v.Id)).ToArray();
            var ownTarget = pool.Select(v => own.Contains(v.Id)).ToArray();
            var contexts = question.Contexts.Select((context, i) => (Context: context, Ref: new ContextRef(question.Id, context.Id), Index: i)).ToList();
            var contextIndex = contexts.ToDictionary(c => c.Ref, c => c.Index);

            // Items by pool positions and context number packed in one long, so the walk below hashes no strings.
            long Key(int from, int to, int context) => ((long)from * pool.Count + to) * contexts.Count + context;
            var loads = new Dictionary<long, int>();
            var taken = new HashSet<long>();
            foreach (var (from, to, context) in given)
            {
                if (index.TryGetValue(from, out var a) && index.TryGetValue(to, out var b) && contextIndex.TryGetValue(context, out var c))
                {
                    taken.Add(Key(a, b, c));
                }
            }

            for (var from = 0; from < pool.Count; from++)
            {
                foreach (var ((to, context), count) in state.VotesFrom(pool[from].Id))
                {
                    AddLoad(from, to, context, count);
                }

                foreach (var ((to, context), count) in state.Participation.OutstandingItemsFrom.GetValueOrDefault(pool[from].Id) ?? [])
                {
                    AddLoad(from, to, context, count);
                }
            }

            foreach (var (context, contextRef, c) in contexts)
            {
                var contextHash = StableHash.Of(contextRef.ToString());
                for (var from = 0; from < pool.Count; from++)
                {
                    var fromHash = Mix(participantHash, valueHashes[from]);
                    for (var to = 0; to < pool.Count; to++)
                    {
                        var key = Key(from, to, c);
                        if (from == to || ownTarget[to] || taken.Count > 0 && taken.Contains(key))
                        {
                            continue;
                        }

                        var rank = (loads.Count > 0 ? loads.GetValueOrDefault(key) : 0, Mix(fromHash, Mix(valueHashes[to], contextHash)));
                        if (best.Count < keep)
                        {
                            best.Enqueue(new VoteCandidate(contextRef, context, pool[from], pool[to]), rank);
                        }
                        else if (best.TryPeek(out _, out var worst) && Compare(rank, worst) < 0)
                        {
                            best.EnqueueDequeue(new VoteCandidate(contextRef, context, pool[from], pool[to]), rank);
                        }
                    }
                }
            }

            void AddLoad(int from, string toValueId, ContextRef context, int count)
            {
                if (index.TryGetValue(state.ResolveValue(toValueId), out var to) && to != from && contextIndex.TryGetValue(context, out var c))
                {
                    var key = Key(from, to, c);
                    loads[key] = loads.GetValueOrDefault(key) + count;
                }
            }
        }

        var ordered = new List<(VoteCandidate Candidate, (int, ulong) Rank)>(best.Count);
        while (best.TryDequeue(out var candidate, out var rank))
        {
            ordered.Add((candidate, rank));
        }

        ordered.Sort((a, b) => Compare(a.Rank, b.Rank));
        var chosen = new List<VoteCandidate>();
        var pairs = new HashSet<(string, string)>();
        foreach (var (candidate, _) in ordered)
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

    /// <summary>
    /// The <see cref="MaxPoolSize"/> values with the fewest votes, ties in the participant's shuffle order, kept in a
    /// bounded heap while the question's values are walked (a question of thousands of values is not sorted whole).
    /// </summary>
    private static List<CanonicalValue> LeastVoted(StudyState state, IReadOnlyList<string> valueIds, ulong participantHash)
    {
        var kept = new PriorityQueue<string, (int Load, ulong Shuffle)>(MaxPoolSize + 1, LastFirst.Instance);
        foreach (var id in valueIds)
        {
            var rank = (state.VotesOnValue(id), Mix(participantHash, StableHash.Of(id)));
            if (kept.Count < MaxPoolSize)
            {
                kept.Enqueue(id, rank);
            }
            else if (kept.TryPeek(out _, out var worst) && Compare(rank, worst) < 0)
            {
                kept.EnqueueDequeue(id, rank);
            }
        }

        var pool = new List<(string Id, (int, ulong) Rank)>(kept.Count);
        while (kept.TryDequeue(out var id, out var rank))
        {
            pool.Add((id, rank));
        }

        pool.Sort((a, b) => Compare(a.Rank, b.Rank));
        return [.. pool.Select(v => state.FindValue(v.Id)!)];
    }

    private static int Compare((int Load, ulong Shuffle) a, (int Load, ulong Shuffle) b) =>
        a.Load != b.Load ? a.Load.CompareTo(b.Load) : a.Shuffle.CompareTo(b.Shuffle);

    // A stable shuffle key: the same participant and item always mix to the same number, different participants to
    // unrelated ones (the finaliser of SplitMix64 spreads every input bit over the output).
    private static ulong Mix(ulong a, ulong b)
    {
        var x = a ^ (b + 0x9E3779B97F4A7C15UL + (a << 6) + (a >> 2));
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>Orders the queue's worst candidate first, so the best ones stay.</summary>
    private sealed class LastFirst : IComparer<(int Load, ulong Shuffle)>
    {
        public static readonly LastFirst Instance = new();

        public int Compare((int Load, ulong Shuffle) x, (int Load, ulong Shuffle) y) => VoteDraw.Compare(y, x);
    }
}
