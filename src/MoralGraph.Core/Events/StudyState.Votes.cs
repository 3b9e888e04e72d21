using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Events;

// The votes of a study state: how a snapshot takes the votes that count from the vote columns.
public sealed partial class StudyState
{
    /// <summary>
    /// The votes that count for a snapshot of <paramref name="values"/>: withdrawn participants' votes are dropped, a vote on
    /// a merged-away value counts for the value it joined, a vote that now compares a value with itself says nothing and is
    /// dropped, if one person's votes now name the same item the latest counts, and votes on values that no longer exist are
    /// dropped. What merges and withdrawals say is read now, while the caller keeps the writer away; the votes themselves
    /// are chosen and encoded from a frozen view of the columns later, on the thread that first reads them, so a
    /// background reconciliation does that work while votes keep arriving.
    /// </summary>
    private EncodedVoteList EffectiveVotesOf(List<CanonicalValue> values)
    {
        var columns = Votes.Columns.Freeze();
        var valueIds = columns.ValueIds;
        var position = new int[valueIds.Length];
        Array.Fill(position, -1);
        for (var p = 0; p < values.Count; p++)
        {
            // A value first voted on after the freeze has an index beyond the view's table: its votes are not in the view.
            var v = Votes.Columns.ValueIndexOf(values[p].Id);
            if (v >= 0 && v < position.Length)
            {
                position[v] = p;
            }
        }

        var merged = new bool[valueIds.Length];
        Dictionary<string, int>? positionOf = null;
        for (var v = 0; v < valueIds.Length; v++)
        {
            if (_mergedInto.ContainsKey(valueIds[v]))
            {
                merged[v] = true;
                var into = Resolve(valueIds[v]);
                var intoIndex = Votes.Columns.ValueIndexOf(into);
                position[v] = intoIndex >= 0 && intoIndex < position.Length ? position[intoIndex]
                    : (positionOf ??= values.Select((value, at) => (value.Id, at)).ToDictionary(p => p.Id, p => p.at, StringComparer.Ordinal)).GetValueOrDefault(into, -1);
            }
        }

        var participantIds = columns.ParticipantIds;
        var withdrawn = new bool[participantIds.Length];
        for (var p = 0; p < participantIds.Length; p++)
        {
            withdrawn[p] = _withdrawn.Contains(participantIds[p]);
        }

        return new EncodedVoteList(values, columns, () => ChooseEffective(columns, position, merged, withdrawn));
    }

    /// <summary>
    /// The rows that count after merges and withdrawals, in the order a ledger of the remapped effective votes would give
    /// them, with their values as positions in the snapshot.
    /// </summary>
    /// <param name="columns">The votes.</param>
    /// <param name="position">Snapshot position of each value index after merges, −1 for a value that no longer exists.</param>
    /// <param name="merged">Whether each value index was merged into another.</param>
    /// <param name="withdrawn">Whether each participant index withdrew.</param>
    private static (int[] Rows, int[] From, int[] To) ChooseEffective(FrozenVoteColumns columns, int[] position, bool[] merged, bool[] withdrawn)
    {
        var effective = columns.EffectiveRows();
        var fromColumn = columns.FromValue;
        var toColumn = columns.ToValue;
        var participantColumn = columns.Participant;
        var contextColumn = columns.Context;
        var castAt = columns.CastAtTicks;
        var rows = new int[effective.Length];
        var from = new int[effective.Length];
        var to = new int[effective.Length];
        var touched = new List<int>();
        var kept = 0;
        foreach (var row in effective)
        {
            var (a, b) = (position[fromColumn[row]], position[toColumn[row]]);
            if (withdrawn[participantColumn[row]] || a < 0 || b < 0 || a == b)
            {
                continue;
            }

            if (merged[fromColumn[row]] || merged[toColumn[row]])
            {
                touched.Add(kept);
            }

            (rows[kept], from[kept], to[kept]) = (row, a, b);
            kept++;
        }

        if (touched.Count > 0)
        {
            // Two votes can become one item only if a merge moved one of them, so only the items such votes now name are
            // grouped: the group keeps its first vote's place and its latest vote (ties to the later one), as appending the
            // remapped votes to a ledger in this order would.
            var groups = new Dictionary<(int Participant, int From, int To, int Context), int>(touched.Count);
            foreach (var i in touched)
            {
                groups.TryAdd((participantColumn[rows[i]], from[i], to[i], contextColumn[rows[i]]), -1);
            }

            var written = 0;
            for (var i = 0; i < kept; i++)
            {
                var item = (participantColumn[rows[i]], from[i], to[i], contextColumn[rows[i]]);
                if (groups.TryGetValue(item, out var at))
                {
                    if (at >= 0)
                    {
                        if (castAt[rows[at]] <= castAt[rows[i]])
                        {
                            rows[at] = rows[i];
                        }

                        continue;
                    }

                    groups[item] = written;
                }

                (rows[written], from[written], to[written]) = (rows[i], from[i], to[i]);
                written++;
            }

            kept = written;
        }

        Array.Resize(ref rows, kept);
        Array.Resize(ref from, kept);
        Array.Resize(ref to, kept);
        return (rows, from, to);
    }
}
