using MoralGraph.Core.Events;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Reconciliation;

/// <summary>
/// A snapshot's effective votes taken from vote columns, with their <see cref="VoteEncoding"/>: chosen and encoded once,
/// on the thread that first reads them, and made into records only item by item when the list is read as votes.
/// </summary>
internal sealed class EncodedVoteList : IReadOnlyList<WiserThanVote>
{
    private readonly IReadOnlyList<CanonicalValue> _values;
    private readonly FrozenVoteColumns _columns;
    private readonly Lazy<(int[] Rows, VoteEncoding Encoding)> _encoded;

    /// <param name="values">The snapshot's values, which <paramref name="choose"/>'s positions index.</param>
    /// <param name="columns">The votes as frozen when the snapshot was taken.</param>
    /// <param name="choose">The rows that count, in order, with their values' positions.</param>
    public EncodedVoteList(IReadOnlyList<CanonicalValue> values, FrozenVoteColumns columns, Func<(int[] Rows, int[] From, int[] To)> choose)
    {
        _values = values;
        _columns = columns;
        _encoded = new(() =>
        {
            var (rows, from, to) = choose();
            return (rows, VoteEncoding.FromColumns(columns, rows, from, to, values));
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public int Count => _encoded.Value.Rows.Length;

    public WiserThanVote this[int index]
    {
        get
        {
            var (rows, encoding) = _encoded.Value;
            var row = rows[index];
            return new WiserThanVote(
                _columns.VoteId(row), encoding.ParticipantIds[encoding.Participant[index]], encoding.ValueIds[encoding.From[index]],
                encoding.ValueIds[encoding.To[index]], _columns.Contexts[_columns.Context[row]], encoding.Verdict[index],
                Comment: null, Story: null, new DateTimeOffset(_columns.CastAtTicks[row], TimeSpan.Zero));
        }
    }

    /// <summary>The encoding, when <paramref name="snapshot"/> still has the values it was made for (a copy of the snapshot with other values does not).</summary>
    public VoteEncoding? EncodingFor(MoralGraphSnapshot snapshot) => ReferenceEquals(snapshot.Values, _values) ? _encoded.Value.Encoding : null;

    public IEnumerator<WiserThanVote> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
