namespace MoralGraph.Core.Deduplication;

/// <summary>
/// How alike short texts read word for word: the cosine of their TF-IDF vectors over the same stemmed, stop-word-free
/// tokens <see cref="LexicalValueDeduplicator"/> compares cards by. For small sets (a question's contexts, a batch of
/// proposals), not for a whole study's cards.
/// </summary>
public static class LexicalSimilarity
{
    /// <summary>
    /// The text of <paramref name="others"/> most like <paramref name="text"/> and its cosine in [0, 1], weighting words
    /// by how rare they are among all of them; (-1, 0) when <paramref name="others"/> is empty.
    /// </summary>
    public static (int Index, double Similarity) MostSimilar(string text, IReadOnlyList<string> others)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(others);
        if (others.Count == 0)
        {
            return (-1, 0);
        }

        var vectors = TfIdf.Vectorize([text, .. others]);
        var best = (Index: 0, Similarity: 0.0);
        for (var i = 0; i < others.Count; i++)
        {
            var similarity = Cosine(vectors[0], vectors[i + 1]);
            if (similarity > best.Similarity)
            {
                best = (i, similarity);
            }
        }

        return best;
    }

    // The vectors are L2-normalized, so the dot product is the cosine.
    private static double Cosine(Dictionary<int, double> a, Dictionary<int, double> b)
    {
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        var sum = small.Sum(p => large.TryGetValue(p.Key, out var w) ? p.Value * w : 0);
        return Math.Clamp(sum, 0, 1);
    }
}
