namespace MoralGraph.Core.Text;

/// <summary>
/// FNV-1a over UTF-16 code units: a fast 64-bit hash that is the same in every process (string.GetHashCode changes
/// between runs), for shuffle keys and for values kept in snapshots.
/// </summary>
public static class StableHash
{
    /// <summary>The hash of the empty string, where a running hash starts.</summary>
    public const ulong Start = 14695981039346656037UL;

    private const ulong Prime = 1099511628211UL;

    /// <summary>The hash of <paramref name="text"/>.</summary>
    public static ulong Of(string text) => Continue(Start, text);

    /// <summary>The hash of what <paramref name="hash"/> was the hash of, followed by <paramref name="text"/>.</summary>
    public static ulong Continue(ulong hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }
}
