using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Reconciliation;

/// <summary>
/// A snapshot's votes as integer columns: value positions (study order), participant numbers, verdicts and
/// context numbers, with each context's votes listed. Strings are looked up once here, in parallel, so every
/// later pass (tallies, bootstrap resamples) runs over arrays.
/// </summary>
internal sealed class VoteEncoding
{
    private VoteEncoding(string[] valueIds, int[] from, int[] to, int[] participant, Verdict[] verdict, ContextRef[] contexts, int[][] votesByContext, int participantCount)
    {
        ValueIds = valueIds;
        From = from;
        To = to;
        Participant = participant;
        Verdict = verdict;
        Contexts = contexts;
        VotesByContext = votesByContext;
        ParticipantCount = participantCount;
    }

    /// <summary>Every value id by position: the study's values in order, then ids only votes name (sorted).</summary>
    public string[] ValueIds { get; }

    public int[] From { get; }

    public int[] To { get; }

    public int[] Participant { get; }

    public Verdict[] Verdict { get; }

    public ContextRef[] Contexts { get; }

    /// <summary>For each context, its votes' indices in snapshot order.</summary>
    public int[][] VotesByContext { get; }

    public int ParticipantCount { get; }

    /// <summary>Distinct voters, by participant number.</summary>
    public string[] ParticipantIds { get; private init; } = [];

    public static VoteEncoding Encode(MoralGraphSnapshot snapshot, CancellationToken cancellationToken)
    {
        var votes = snapshot.Votes;
        var position = new Dictionary<string, int>(snapshot.Values.Count, StringComparer.Ordinal);
        foreach (var value in snapshot.Values)
        {
            position.TryAdd(value.Id, position.Count);
        }

        var from = new int[votes.Count];
        var to = new int[votes.Count];
        var verdict = new Verdict[votes.Count];
        var unlisted = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        Parallel.ForEach(Partitioner.Create(0, Math.Max(votes.Count, 1)), new ParallelOptions { CancellationToken = cancellationToken }, range =>
        {
            for (var i = range.Item1; i < Math.Min(range.Item2, votes.Count); i++)
            {
                var vote = votes[i];
                from[i] = position.TryGetValue(vote.FromValueId, out var a) ? a : Unlisted(vote.FromValueId);
                to[i] = position.TryGetValue(vote.ToValueId, out var b) ? b : Unlisted(vote.ToValueId);
                verdict[i] = vote.Verdict;
            }
        });

        // Votes that name a value the snapshot does not list still count; such ids go after the study's values,
        // sorted, so positions never depend on thread timing.
        if (!unlisted.IsEmpty)
        {
            foreach (var id in unlisted.Keys.Order(StringComparer.Ordinal))
            {
                position.Add(id, position.Count);
            }

            for (var i = 0; i < votes.Count; i++)
            {
                if (from[i] < 0)
                {
                    from[i] = position[votes[i].FromValueId];
                }

                if (to[i] < 0)
                {
                    to[i] = position[votes[i].ToValueId];
                }
            }

        }

        var valueIds = new string[position.Count];
        foreach (var (id, at) in position)
        {
            valueIds[at] = id;
        }

        int Unlisted(string id)
        {
            unlisted.TryAdd(id, 0);
            return -1;
        }

        var participants = new Dictionary<string, int>(StringComparer.Ordinal);
        var contextNumbers = new Dictionary<ContextRef, int>();
        var participant = new int[votes.Count];
        var contextOfVote = new int[votes.Count];
        var contexts = new List<ContextRef>();
        for (var i = 0; i < votes.Count; i++)
        {
            ref var number = ref CollectionsMarshal.GetValueRefOrAddDefault(participants, votes[i].ParticipantId, out var seen);
            if (!seen)
            {
                number = participants.Count - 1;
            }

            participant[i] = number;
            ref var context = ref CollectionsMarshal.GetValueRefOrAddDefault(contextNumbers, votes[i].Context, out var known);
            if (!known)
            {
                context = contexts.Count;
                contexts.Add(votes[i].Context);
            }

            contextOfVote[i] = context;
        }

        // A vote comparing a value with itself says nothing about wisdom and is left out.
        var counts = new int[contexts.Count];
        for (var i = 0; i < contextOfVote.Length; i++)
        {
            counts[contextOfVote[i]] += from[i] != to[i] ? 1 : 0;
        }

        var votesByContext = counts.Select(n => new int[n]).ToArray();
        Array.Clear(counts);
        for (var i = 0; i < contextOfVote.Length; i++)
        {
            if (from[i] != to[i])
            {
                votesByContext[contextOfVote[i]][counts[contextOfVote[i]]++] = i;
            }
        }

        var participantIds = new string[participants.Count];
        foreach (var (id, number) in participants)
        {
            participantIds[number] = id;
        }

        return new VoteEncoding(valueIds, from, to, participant, verdict, [.. contexts], votesByContext, participants.Count) { ParticipantIds = participantIds };
    }
}
