using System.Text;

namespace MoralGraph.Core.Deduplication;

/// <summary>Sparse TF-IDF vectors (sublinear tf, smoothed idf, L2-normalized) over normalized tokens.</summary>
internal static class TfIdf
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "has", "have", "how", "i", "in", "into", "is", "it", "its",
        "of", "on", "or", "that", "the", "their", "them", "they", "this", "to", "was", "were", "what", "when", "where", "which", "while",
        "who", "with", "would", "will", "about", "being", "other", "others", "own", "so", "such", "than", "these", "those", "through",
        "user", "users", "chatgpt", "person", "people", "someone", "s", "t", "one", "ones", "way", "ways", "more", "most", "not", "do", "does",
    };

    public static List<Dictionary<int, double>> Vectorize(IReadOnlyList<string> documents)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var counts = documents.Select(d =>
        {
            var termCounts = new Dictionary<int, int>();
            foreach (var token in Tokenize(d))
            {
                if (!vocabulary.TryGetValue(token, out var id))
                {
                    vocabulary[token] = id = vocabulary.Count;
                }

                termCounts[id] = termCounts.GetValueOrDefault(id) + 1;
            }

            return termCounts;
        }).ToList();

        var documentFrequency = new int[vocabulary.Count];
        foreach (var termCounts in counts)
        {
            foreach (var term in termCounts.Keys)
            {
                documentFrequency[term]++;
            }
        }

        var n = documents.Count;
        return counts.Select(termCounts =>
        {
            var vector = termCounts.ToDictionary(p => p.Key, p => (1 + Math.Log(p.Value)) * (Math.Log((1.0 + n) / (1.0 + documentFrequency[p.Key])) + 1));
            var norm = Math.Sqrt(vector.Values.Sum(w => w * w));
            return norm == 0 ? vector : vector.ToDictionary(p => p.Key, p => p.Value / norm);
        }).ToList();
    }

    /// <summary>Lower-cased words without stop words, reduced by a light suffix stemmer.</summary>
    public static IEnumerable<string> Tokenize(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormKD))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                if (Stem(word.ToString()) is { } token)
                {
                    yield return token;
                }

                word.Clear();
            }
        }

        if (word.Length > 0 && Stem(word.ToString()) is { } last)
        {
            yield return last;
        }
    }

    // A light stemmer is enough here: it folds "decisions"/"decision" and "supporting"/"support"
    // without a dictionary, and errs towards leaving words apart.
    private static string? Stem(string word)
    {
        if (word.Length < 2 || StopWords.Contains(word))
        {
            return null;
        }

        foreach (var suffix in (ReadOnlySpan<string>)["ations", "ation", "ities", "ity", "ness", "ments", "ment", "ings", "ing", "ies", "ive", "ed", "es", "s"])
        {
            if (word.Length - suffix.Length >= 4 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                var stem = word[..^suffix.Length];
                return suffix == "ies" ? stem + "y" : stem;
            }
        }

        return word;
    }
}
