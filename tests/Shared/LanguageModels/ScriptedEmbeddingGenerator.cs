using Microsoft.Extensions.AI;

namespace MoralGraph.Testing.LanguageModels;

/// <summary>
/// A deterministic <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: each text is a bag of its lower-cased words hashed
/// into <see cref="Dimensions"/> buckets, so texts sharing words are close by cosine and unrelated texts are not — enough to
/// test candidate retrieval without a model. Records every batch it embedded.
/// </summary>
public sealed class ScriptedEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Vector length.</summary>
    public const int Dimensions = 256;

    /// <summary>Every batch of texts embedded.</summary>
    public List<IReadOnlyList<string>> Batches { get; } = [];

    /// <summary>When set, every call throws this instead of embedding — a failing embedding server.</summary>
    public Exception? Failure { get; set; }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Failure is not null)
        {
            return Task.FromException<GeneratedEmbeddings<Embedding<float>>>(Failure);
        }

        var texts = values.ToList();
        lock (Batches)
        {
            Batches.Add(texts);
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(Vector(t))))
        {
            Usage = new UsageDetails { InputTokenCount = texts.Sum(t => t.Length / 4), OutputTokenCount = 0 },
        };
        return Task.FromResult(embeddings);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static float[] Vector(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in text.ToLowerInvariant().Split([' ', ',', '.', ';', ':', '\n', '"', '(', ')'], StringSplitOptions.RemoveEmptyEntries))
        {
            var bucket = (int)((uint)StableHash(word) % Dimensions);
            vector[bucket] += 1;
        }

        return vector;
    }

    // string.GetHashCode is randomized per process; tests need the same vectors every run.
    private static int StableHash(string word)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in word)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }
}
