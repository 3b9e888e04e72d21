namespace MoralGraph.Core.Voting;

/// <summary>
/// A hash index over numbered entries (rows, keys) whose contents live elsewhere, in columns: open addressing over entry
/// numbers with each entry's hash kept, so it costs two int arrays rather than an object or a dictionary entry per entry.
/// The caller says what equality means (<see cref="IMatch"/>). One writer; not for readers of frozen views.
/// </summary>
internal sealed class EntryIndex
{
    // Slots hold entry + 1; 0 is empty. The table is a power of two at most three quarters full: probes stay short
    // (entries are compared by hash first) and millions of entries cost 4–8 bytes of slots each.
    private int[] _slots = new int[16];
    private int[] _hashOfEntry = new int[16];
    private int _count;

    /// <summary>Says whether an entry with the hash sought is the one sought.</summary>
    public interface IMatch
    {
        /// <summary>True when <paramref name="entry"/> is the one sought.</summary>
        bool Matches(int entry);
    }

    /// <summary>The entry with <paramref name="hash"/> that <paramref name="match"/> accepts, or −1.</summary>
    public int Find<TMatch>(int hash, ref TMatch match) where TMatch : IMatch, allows ref struct
    {
        var mask = _slots.Length - 1;
        for (var slot = Mix(hash) & mask; ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot] - 1;
            if (entry < 0)
            {
                return -1;
            }

            if (_hashOfEntry[entry] == hash && match.Matches(entry))
            {
                return entry;
            }
        }
    }

    /// <summary>Adds the next entry (numbered densely from 0) with its hash; the caller has checked it is not there.</summary>
    public void Add(int entry, int hash)
    {
        if (entry != _count)
        {
            throw new ArgumentOutOfRangeException(nameof(entry), entry, $"Entries are added in order; the next is {_count}.");
        }

        if (entry == _hashOfEntry.Length)
        {
            Array.Resize(ref _hashOfEntry, entry + (entry / 2));
        }

        _hashOfEntry[entry] = hash;
        _count++;
        if ((long)_count * 4 > (long)_slots.Length * 3)
        {
            _slots = new int[_slots.Length * 2];
            for (var e = 0; e < _count; e++)
            {
                Place(e);
            }
        }
        else
        {
            Place(entry);
        }
    }

    private void Place(int entry)
    {
        var mask = _slots.Length - 1;
        var slot = Mix(_hashOfEntry[entry]) & mask;
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        _slots[slot] = entry + 1;
    }

    // Linear probing wants the low bits well spread: a multiplicative mix, its high bits rotated down.
    private static int Mix(int hash) => (int)System.Numerics.BitOperations.RotateLeft((uint)hash * 0x9E3779B9u, 15);
}
