using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using MoralGraph.Core.Events;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Reconciliation;

/// <summary>
/// A snapshot's votes as integer columns: value positions (study order), participant numbers, verdicts and
/// context numbers, with each context's votes listed, so every pass of reconciliation (tallies, bootstrap resamples)
/// runs over arrays. A snapshot of a study state brings it ready-made from the state's vote columns
/// (<see cref="EncodedVoteList"/>); a snapshot built by hand is encoded from its strings, in parallel.
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

        var participantIds = new string[participants.Count];
        foreach (var (id, number) in participants)
        {
            participantIds[number] = id;
        }

        return new VoteEncoding(valueIds, from, to, participant, verdict, [.. contexts], ByContext(contextOfVote, from, to, contexts.Count), participants.Count)
        {
            ParticipantIds = participantIds,
        };
    }

    /// <summary>
    /// The encoding of votes already chosen from columns: <paramref name="rows"/> are the votes that count, in order, and
    /// <paramref name="from"/> and <paramref name="to"/> their values as positions in <paramref name="values"/> (after
    /// merges). Participants and contexts are numbered in order of first vote, as <see cref="Encode"/> numbers them, so
    /// both give the same encoding of the same votes.
    /// </summary>
    public static VoteEncoding FromColumns(FrozenVoteColumns columns, int[] rows, int[] from, int[] to, IReadOnlyList<CanonicalValue> values)
    {
        var participantOf = new int[columns.ParticipantIds.Length];
        var contextOf = new int[columns.Contexts.Length];
        Array.Fill(participantOf, -1);
        Array.Fill(contextOf, -1);
        var participantIds = new List<string>();
        var contexts = new List<ContextRef>();
        var participant = new int[rows.Length];
        var contextOfVote = new int[rows.Length];
        var verdict = new Verdict[rows.Length];
        var participantColumn = columns.Participant;
        var contextColumn = columns.Context;
        var verdictColumn = columns.Verdict;
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            ref var number = ref participantOf[participantColumn[row]];
            if (number < 0)
            {
                number = participantIds.Count;
                participantIds.Add(columns.ParticipantIds[participantColumn[row]]);
            }

            participant[i] = number;
            ref var context = ref contextOf[contextColumn[row]];
            if (context < 0)
            {
                context = contexts.Count;
                contexts.Add(columns.Contexts[contextColumn[row]]);
            }

            contextOfVote[i] = context;
            verdict[i] = verdictColumn[row];
        }

        var valueIds = new string[values.Count];
        for (var v = 0; v < valueIds.Length; v++)
        {
            valueIds[v] = values[v].Id;
        }

        return new VoteEncoding(valueIds, from, to, participant, verdict, [.. contexts], ByContext(contextOfVote, from, to, contexts.Count), participantIds.Count)
        {
            ParticipantIds = [.. participantIds],
        };
    }

    /// <summary>Each context's votes in order; a vote comparing a value with itself says nothing about wisdom and is left out.</summary>
    private static int[][] ByContext(int[] contextOfVote, int[] from, int[] to, int contextCount)
    {
        var counts = new int[contextCount];
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

        return votesByContext;
    }
}
