using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

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

    // Vote ids are kept as UTF-8 in one buffer (row r's id ends at IdEnd[r]), found again through an index of rows:
    // a study of millions of votes then holds a few arrays rather than millions of strings and set entries.
    private readonly EntryIndex _rowsById = new();
    private byte[] _idBytes = [];

    // Keys are numbered in the order they were first voted on, which is the order effective votes come in; a key is
    // found again by comparing the columns of its first row.
    private readonly EntryIndex _keysByItem = new();
    private int[] _firstRowOfKey = [];

    // Writer side: the row that counts for each key now (latest cast, ties to the later append), for tallies kept live.
    private int[] _latestRowOfKey = [];
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
        var row = _count;
        var idEnd = row == 0 ? 0 : _rows.IdEnd[row - 1];
        var idRoom = 1 + (3 * vote.VoteId.Length);
        var idBytes = _idBytes;
        if ((long)idEnd + idRoom > idBytes.Length)
        {
            var needed = (long)idEnd + idRoom;
            if (needed > Array.MaxLength)
            {
                throw new InvalidOperationException($"The vote ids of this study exceed {Array.MaxLength:N0} bytes of UTF-8.");
            }

            var grown = new byte[(int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(4096, idBytes.Length + (idBytes.Length / 2))))];
            idBytes.AsSpan(0, idEnd).CopyTo(grown);
            idBytes = grown;
            Volatile.Write(ref _idBytes, grown);
        }

        // The id is written above every published row first, then looked up: a replay leaves it there unpublished.
        var idLength = WriteId(vote.VoteId, idBytes.AsSpan(idEnd, idRoom));
        var id = idBytes.AsSpan(idEnd, idLength);
        var idHash = HashOf(id);
        var rows = _rows;
        var sameId = new SameVoteId(rows.IdEnd, idBytes, id);
        if (_rowsById.Find(idHash, ref sameId) >= 0)
        {
            return false;
        }

        var participant = _participants.Intern(vote.ParticipantId);
        var from = _values.Intern(vote.FromValueId);
        var to = _values.Intern(vote.ToValueId);
        var context = _contexts.Intern(vote.Context);
        var keyHash = HashCode.Combine(participant, from, to, context);
        var sameItem = new SameItem(rows, _firstRowOfKey, participant, from, to, context);
        var key = _keysByItem.Find(keyHash, ref sameItem);
        if (key < 0)
        {
            key = _keyCount;
            if (key == _firstRowOfKey.Length)
            {
                Array.Resize(ref _firstRowOfKey, Math.Max(InitialCapacity, key + (key / 2)));
            }

            _firstRowOfKey[key] = row;
            if (key == _latestRowOfKey.Length)
            {
                Array.Resize(ref _latestRowOfKey, _firstRowOfKey.Length);
            }

            _latestRowOfKey[key] = row;
            _keysByItem.Add(key, keyHash);
            Volatile.Write(ref _keyCount, key + 1);
        }

        if (row == rows.Capacity)
        {
            rows = rows.Grown(Math.Max(InitialCapacity, rows.Capacity + (rows.Capacity / 2)), row);
            Volatile.Write(ref _rows, rows);
        }

        rows.FromValue[row] = from;
        rows.ToValue[row] = to;
        rows.Context[row] = context;
        rows.Participant[row] = participant;
        rows.Key[row] = key;
        rows.Verdict[row] = vote.Verdict;
        rows.CastAtTicks[row] = vote.CastAt.UtcTicks;
        rows.IdEnd[row] = idEnd + idLength;
        _rowsById.Add(row, idHash);
        if (_latestRowOfKey[key] != row && rows.CastAtTicks[_latestRowOfKey[key]] <= rows.CastAtTicks[row])
        {
            _latestRowOfKey[key] = row;
        }

        // Published last: a reader that sees the count sees the row and every table entry it names.
        Volatile.Write(ref _count, row + 1);
        return true;
    }

    /// <summary>The index of a value id in the value table (<see cref="FrozenVoteColumns.ValueIds"/>), or −1 if no vote named it. Writer side.</summary>
    public int ValueIndexOf(string valueId) => _values.IndexOf(valueId);

    /// <summary>Whether this participant has a vote that counts on this item. Writer side.</summary>
    public bool HasVoted(VoteKey key)
    {
        var participant = _participants.IndexOf(key.ParticipantId);
        var from = _values.IndexOf(key.FromValueId);
        var to = _values.IndexOf(key.ToValueId);
        var context = _contexts.IndexOf(key.Context);
        if (participant < 0 || from < 0 || to < 0 || context < 0)
        {
            return false;
        }

        var sameItem = new SameItem(_rows, _firstRowOfKey, participant, from, to, context);
        return _keysByItem.Find(HashCode.Combine(participant, from, to, context), ref sameItem) >= 0;
    }

    /// <summary>The vote that counts for <paramref name="key"/> now (comment and story aside), or null when there is none. Writer side.</summary>
    public WiserThanVote? LatestFor(VoteKey key)
    {
        var participant = _participants.IndexOf(key.ParticipantId);
        var from = _values.IndexOf(key.FromValueId);
        var to = _values.IndexOf(key.ToValueId);
        var context = _contexts.IndexOf(key.Context);
        if (participant < 0 || from < 0 || to < 0 || context < 0)
        {
            return null;
        }

        var sameItem = new SameItem(_rows, _firstRowOfKey, participant, from, to, context);
        var found = _keysByItem.Find(HashCode.Combine(participant, from, to, context), ref sameItem);
        return found < 0 ? null : Freeze().Vote(_latestRowOfKey[found]);
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
        return new FrozenVoteColumns(count, keyCount, Volatile.Read(ref _rows), Volatile.Read(ref _idBytes), _values.Freeze(), _contexts.Freeze(), _participants.Freeze());
    }

    /// <summary>
    /// Writes a vote id as UTF-8, its length returned. An id that is not valid UTF-16 (an unpaired surrogate) would lose
    /// that in UTF-8, and two such ids could read as one: it is kept as its UTF-16 code units behind a 0xFF byte, which
    /// UTF-8 never holds, so every id reads back exactly and equal bytes mean equal ids.
    /// </summary>
    private static int WriteId(string id, Span<byte> destination)
    {
        if (Utf8.FromUtf16(id, destination, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done)
        {
            return written;
        }

        destination[0] = 0xFF;
        MemoryMarshal.AsBytes(id.AsSpan()).CopyTo(destination[1..]);
        return 1 + (2 * id.Length);
    }

    /// <summary>The vote id <see cref="WriteId"/> wrote.</summary>
    internal static string ReadId(ReadOnlySpan<byte> bytes) =>
        bytes.Length > 0 && bytes[0] == 0xFF ? new string(MemoryMarshal.Cast<byte, char>(bytes[1..])) : Encoding.UTF8.GetString(bytes);

    private static int HashOf(ReadOnlySpan<byte> id)
    {
        var hash = default(HashCode);
        hash.AddBytes(id);
        return hash.ToHashCode();
    }

    /// <summary>Matches the row whose vote id has these bytes.</summary>
    private readonly ref struct SameVoteId(int[] idEnd, byte[] idBytes, ReadOnlySpan<byte> id) : EntryIndex.IMatch
    {
        private readonly ReadOnlySpan<byte> _id = id;

        public bool Matches(int row)
        {
            var start = row == 0 ? 0 : idEnd[row - 1];
            return idBytes.AsSpan(start, idEnd[row] - start).SequenceEqual(_id);
        }
    }

    /// <summary>Matches the key whose first row has this participant, pair and context.</summary>
    private readonly struct SameItem(RowArrays rows, int[] firstRowOfKey, int participant, int from, int to, int context) : EntryIndex.IMatch
    {
        public bool Matches(int key)
        {
            var row = firstRowOfKey[key];
            return rows.Participant[row] == participant && rows.FromValue[row] == from && rows.ToValue[row] == to && rows.Context[row] == context;
        }
    }

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

        /// <summary>Where each row's vote id ends in the id bytes (it starts where the previous row's ends).</summary>
        public int[] IdEnd { get; } = new int[capacity];

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
            Array.Copy(IdEnd, grown.IdEnd, count);
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
    private readonly byte[] _idBytes;
    private readonly ArraySegment<string> _valueIds;
    private readonly ArraySegment<ContextRef> _contexts;
    private readonly ArraySegment<string> _participantIds;

    internal FrozenVoteColumns(
        int count, int keyCount, VoteColumns.RowArrays rows, byte[] idBytes, ArraySegment<string> valueIds, ArraySegment<ContextRef> contexts, ArraySegment<string> participantIds)
    {
        Count = count;
        KeyCount = keyCount;
        _rows = rows;
        _idBytes = idBytes;
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

    /// <summary>The vote id of row <paramref name="row"/> (kept as bytes; made a string on each call).</summary>
    public string VoteId(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        var start = row == 0 ? 0 : _rows.IdEnd[row - 1];
        return VoteColumns.ReadId(_idBytes.AsSpan(start, _rows.IdEnd[row] - start));
    }

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
            VoteId(row), _participantIds[_rows.Participant[row]], _valueIds[_rows.FromValue[row]], _valueIds[_rows.ToValue[row]],
            _contexts[_rows.Context[row]], _rows.Verdict[row], Comment: null, Story: null, new DateTimeOffset(_rows.CastAtTicks[row], TimeSpan.Zero));
    }
}
