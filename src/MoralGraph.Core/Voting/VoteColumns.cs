using System.Runtime.InteropServices;

namespace MoralGraph.Core.Voting;

/// <summary>
/// Every vote a study has received, as append-only integer columns (from-value, to-value, context, participant,
/// verdict, cast-at ticks, key) with interning tables for value ids, contexts and participants, written as each vote
/// is appended so that reconciliation never has to turn strings into numbers again.
/// <para>One writer appends; any thread may take a <see cref="Freeze">frozen view</see> and read it without a lock while
/// appends continue. Rows below a view's count never change: a new row is written above every count handed out, and a
/// column that must grow is copied into a new array that replaces the old one (readers keep the array they took).</para>
/// <para>Which votes count follows <see cref="VoteLedger"/>'s rule: for each (participant, from, to, context) the latest
/// by cast time counts, ties going to the later append; a vote id seen before is a replay and is not stored.</para>
/// </summary>
public sealed class VoteColumns
{
    private const int InitialCapacity = 256;

    private readonly InternTable<string> _values = new(StringComparer.Ordinal);
    private readonly InternTable<ContextRef> _contexts = new(EqualityComparer<ContextRef>.Default);
    private readonly InternTable<string> _participants = new(StringComparer.Ordinal);
    private readonly HashSet<string> _voteIds = new(StringComparer.Ordinal);

    // Keys are numbered in the order they were first voted on, which is the order effective votes come in.
    private readonly Dictionary<KeyNumbers, int> _keyNumbers = [];
    private RowArrays _rows = new(0);
    private int _count;
    private int _keyCount;

    /// <summary>Rows appended so far (replays are not rows). Writer side.</summary>
    public int Count => _count;

    /// <summary>Number of votes that count: one per distinct (participant, from, to, context). Writer side.</summary>
    public int EffectiveCount => _keyCount;

    /// <summary>
    /// Appends a vote, interning its ids. A vote whose id was appended before is a replay: nothing is stored and the
    /// result is false. Only one thread may append (and use the other writer-side members) at a time.
    /// </summary>
    public bool Append(WiserThanVote vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        if (!_voteIds.Add(vote.VoteId))
        {
            return false;
        }

        var participant = _participants.Intern(vote.ParticipantId);
        var from = _values.Intern(vote.FromValueId);
        var to = _values.Intern(vote.ToValueId);
        var context = _contexts.Intern(vote.Context);
        ref var key = ref CollectionsMarshal.GetValueRefOrAddDefault(_keyNumbers, new KeyNumbers(participant, from, to, context), out var known);
        if (!known)
        {
            key = _keyCount;
            Volatile.Write(ref _keyCount, _keyCount + 1);
        }

        var row = _count;
        var rows = _rows;
        if (row == rows.Capacity)
        {
            rows = rows.Grown(Math.Max(InitialCapacity, rows.Capacity * 2), row);
            Volatile.Write(ref _rows, rows);
        }

        rows.FromValue[row] = from;
        rows.ToValue[row] = to;
        rows.Context[row] = context;
        rows.Participant[row] = participant;
        rows.Key[row] = key;
        rows.Verdict[row] = vote.Verdict;
        rows.CastAtTicks[row] = vote.CastAt.UtcTicks;
        rows.VoteId[row] = vote.VoteId;

        // Published last: a reader that sees the count sees the row and every table entry it names.
        Volatile.Write(ref _count, row + 1);
        return true;
    }

    /// <summary>Whether this participant has a vote that counts on this item. Writer side.</summary>
    public bool HasVoted(VoteKey key)
    {
        var participant = _participants.IndexOf(key.ParticipantId);
        var from = _values.IndexOf(key.FromValueId);
        var to = _values.IndexOf(key.ToValueId);
        var context = _contexts.IndexOf(key.Context);
        return participant >= 0 && from >= 0 && to >= 0 && context >= 0 && _keyNumbers.ContainsKey(new KeyNumbers(participant, from, to, context));
    }

    /// <summary>
    /// The rows appended so far, as a view that stays as it is while appends continue. Cheap (no copy) and safe to call
    /// from any thread, also while the writer appends.
    /// </summary>
    public FrozenVoteColumns Freeze()
    {
        // The count first: every array and table entry read after it holds at least the rows it covers.
        var count = Volatile.Read(ref _count);
        var keyCount = Volatile.Read(ref _keyCount);
        return new FrozenVoteColumns(count, keyCount, Volatile.Read(ref _rows), _values.Freeze(), _contexts.Freeze(), _participants.Freeze());
    }

    private readonly record struct KeyNumbers(int Participant, int From, int To, int Context);

    /// <summary>The row columns at one capacity; replaced, never resized, when it fills up.</summary>
    internal sealed class RowArrays(int capacity)
    {
        public int Capacity { get; } = capacity;
        public int[] FromValue { get; } = new int[capacity];
        public int[] ToValue { get; } = new int[capacity];
        public int[] Context { get; } = new int[capacity];
        public int[] Participant { get; } = new int[capacity];
        public int[] Key { get; } = new int[capacity];
        public Verdict[] Verdict { get; } = new Verdict[capacity];
        public long[] CastAtTicks { get; } = new long[capacity];
        public string[] VoteId { get; } = new string[capacity];

        public RowArrays Grown(int capacity, int count)
        {
            var grown = new RowArrays(capacity);
            Array.Copy(FromValue, grown.FromValue, count);
            Array.Copy(ToValue, grown.ToValue, count);
            Array.Copy(Context, grown.Context, count);
            Array.Copy(Participant, grown.Participant, count);
            Array.Copy(Key, grown.Key, count);
            Array.Copy(Verdict, grown.Verdict, count);
            Array.Copy(CastAtTicks, grown.CastAtTicks, count);
            Array.Copy(VoteId, grown.VoteId, count);
            return grown;
        }
    }

    /// <summary>Ids by index and index by id; the array grows like the row columns, so a frozen view can hold it.</summary>
    private sealed class InternTable<T>(IEqualityComparer<T> comparer) where T : notnull
    {
        private readonly Dictionary<T, int> _index = new(comparer);
        private T[] _items = [];
        private int _count;

        public int Intern(T item)
        {
            ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, item, out var known);
            if (!known)
            {
                index = _count;
                var items = _items;
                if (index == items.Length)
                {
                    var grown = new T[Math.Max(16, items.Length * 2)];
                    Array.Copy(items, grown, index);
                    items = grown;
                    Volatile.Write(ref _items, grown);
                }

                items[index] = item;
                Volatile.Write(ref _count, index + 1);
            }

            return index;
        }

        public int IndexOf(T item) => _index.TryGetValue(item, out var index) ? index : -1;

        public ArraySegment<T> Freeze()
        {
            var count = Volatile.Read(ref _count);
            return new ArraySegment<T>(Volatile.Read(ref _items), 0, count);
        }
    }
}

/// <summary>
/// The votes a <see cref="VoteColumns"/> held when it was frozen: plain arrays that no one writes below
/// <see cref="Count"/>, readable from any thread without a lock. Value, context and participant columns hold indices
/// into <see cref="ValueIds"/>, <see cref="Contexts"/> and <see cref="ParticipantIds"/>.
/// </summary>
public sealed class FrozenVoteColumns
{
    private readonly VoteColumns.RowArrays _rows;
    private readonly ArraySegment<string> _valueIds;
    private readonly ArraySegment<ContextRef> _contexts;
    private readonly ArraySegment<string> _participantIds;

    internal FrozenVoteColumns(int count, int keyCount, VoteColumns.RowArrays rows, ArraySegment<string> valueIds, ArraySegment<ContextRef> contexts, ArraySegment<string> participantIds)
    {
        Count = count;
        KeyCount = keyCount;
        _rows = rows;
        _valueIds = valueIds;
        _contexts = contexts;
        _participantIds = participantIds;
    }

    /// <summary>Rows in the view, in append order.</summary>
    public int Count { get; }

    /// <summary>Keys numbered when the view was taken; every <see cref="Key"/> of its rows is below this.</summary>
    public int KeyCount { get; }

    /// <summary>Value A of each row, as an index into <see cref="ValueIds"/>.</summary>
    public ReadOnlySpan<int> FromValue => _rows.FromValue.AsSpan(0, Count);

    /// <summary>Value B of each row, as an index into <see cref="ValueIds"/>.</summary>
    public ReadOnlySpan<int> ToValue => _rows.ToValue.AsSpan(0, Count);

    /// <summary>The question and context of each row, as an index into <see cref="Contexts"/>.</summary>
    public ReadOnlySpan<int> Context => _rows.Context.AsSpan(0, Count);

    /// <summary>The voter of each row, as an index into <see cref="ParticipantIds"/>.</summary>
    public ReadOnlySpan<int> Participant => _rows.Participant.AsSpan(0, Count);

    /// <summary>
    /// The number of each row's (participant, from, to, context): keys are numbered in the order they were first
    /// voted on, so rows with the same key are one person's answers to one item.
    /// </summary>
    public ReadOnlySpan<int> Key => _rows.Key.AsSpan(0, Count);

    /// <summary>The answer of each row.</summary>
    public ReadOnlySpan<Verdict> Verdict => _rows.Verdict.AsSpan(0, Count);

    /// <summary>When each row was cast, in UTC ticks.</summary>
    public ReadOnlySpan<long> CastAtTicks => _rows.CastAtTicks.AsSpan(0, Count);

    /// <summary>The vote id of each row.</summary>
    public ReadOnlySpan<string> VoteId => _rows.VoteId.AsSpan(0, Count);

    /// <summary>Value ids by index, in the order votes first named them.</summary>
    public ReadOnlySpan<string> ValueIds => _valueIds;

    /// <summary>Contexts by index, in the order votes first named them.</summary>
    public ReadOnlySpan<ContextRef> Contexts => _contexts;

    /// <summary>Participant ids by index, in the order they first voted.</summary>
    public ReadOnlySpan<string> ParticipantIds => _participantIds;

    /// <summary>
    /// The rows that count: for each key the latest by cast time (ties to the later row), in the order the keys were
    /// first voted on — <see cref="VoteLedger.EffectiveVotes"/> as row numbers.
    /// </summary>
    public int[] EffectiveRows()
    {
        var latest = new int[KeyCount];
        Array.Fill(latest, -1);
        var keys = Key;
        var castAt = CastAtTicks;
        for (var row = 0; row < keys.Length; row++)
        {
            ref var current = ref latest[keys[row]];
            if (current < 0 || castAt[current] <= castAt[row])
            {
                current = row;
            }
        }

        // A key numbered after the count was read has no row here and is left out.
        var effective = new int[latest.Length - latest.AsSpan().Count(-1)];
        var next = 0;
        foreach (var row in latest)
        {
            if (row >= 0)
            {
                effective[next++] = row;
            }
        }

        return effective;
    }

    /// <summary>
    /// Row <paramref name="row"/> as a vote. The columns keep what counting and exports need; the vote's comment and
    /// story stay in the event log (null here), and its time is given in UTC.
    /// </summary>
    public WiserThanVote Vote(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        return new WiserThanVote(
            _rows.VoteId[row], _participantIds[_rows.Participant[row]], _valueIds[_rows.FromValue[row]], _valueIds[_rows.ToValue[row]],
            _contexts[_rows.Context[row]], _rows.Verdict[row], Comment: null, Story: null, new DateTimeOffset(_rows.CastAtTicks[row], TimeSpan.Zero));
    }
}
