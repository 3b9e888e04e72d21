using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Events;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Configuration;
using MoralGraph.LanguageModels.Deduplication;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Benchmarks;

/// <summary>
/// What a deduplication run costs MoralGraph itself, the model's own time left out: embedding vectors arrive at once
/// (bag-of-words, as in the tests) and the judge answers at once, so what is measured is candidate retrieval (every pair
/// of cards compared by cosine), grouping, prompt building, answer checking and one usage event per call written to
/// the LiteDB log. The cards are variants of N/5 values, so about N/5 groups go to the judge.
/// </summary>
[MemoryDiagnoser]
public class DeduplicationJudgeBenchmarks : IDisposable
{
    private const string StudyId = "bench";
    private static readonly string[] Nouns = ["MOMENTS", "SIGNS", "OPPORTUNITIES", "WORDS", "CHOICES", "FEELINGS", "PEOPLE", "QUESTIONS"];
    private static readonly string[] Words = ["faith", "family", "fear", "time", "doctor", "friend", "body", "future", "money", "school", "church", "partner",
        "pressure", "silence", "trust", "grief", "hope", "law", "health", "shame", "pride", "choice", "care", "truth"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mg-bench-dedup-" + Guid.NewGuid().ToString("N"));
    private LiteDbEventLog _log = null!;
    private ModelCalls _calls = null!;
    private ModelValueDeduplicator _deduplicator = null!;
    private List<DedupCard> _cards = null!;

    [Params(500, 2_000)]
    public int Cards { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        _log = new LiteDbEventLog(Path.Combine(_folder, "bench.db"));
        var options = Options.Create(new LanguageModelOptions
        {
            Provider = LanguageModelProvider.Ollama, ChatModel = "instant", EmbeddingModel = "bag-of-words", TokenBudgetPerStudy = long.MaxValue, CandidateSimilarity = 0.8,
        });
        _calls = new ModelCalls(new InstantJudge(), _log, new ModelBudget(new StudyRepository(_log), options), options, TimeProvider.System,
            NullLogger<ModelCalls>.Instance, new BagOfWordsEmbeddings());
        _deduplicator = new ModelValueDeduplicator(_calls, NullLogger<ModelValueDeduplicator>.Instance);
        var random = new Random(11);
        _cards = [.. Enumerable.Range(0, Cards).Select(i =>
        {
            var value = i % (Cards / 5);
            var policies = Enumerable.Range(0, 4).Select(p => $"{Nouns[(value + p) % Nouns.Length]} when the {Words[(value * 7 + p) % Words.Length]} of a person " +
                $"meets their {Words[(value * 11 + p * 3) % Words.Length]} and {Words[(value * 13 + p * 5) % Words.Length]}").ToList();
            // A variant: one policy reworded, so cards of a value are near, not identical.
            policies[random.Next(4)] += " " + Words[random.Next(Words.Length)];
            return new DedupCard($"c{i}", $"p{i}", $"Value {value} {Words[value % Words.Length]}", policies);
        })];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _calls?.Dispose();
        _log?.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public async Task<int> JudgeRun() => (await _deduplicator.JudgeAsync(StudyId, _cards)).GroupsJudged;

    // Answers every judge call with "no two cards are the same value", instantly.
    private sealed class InstantJudge : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, """{"clusters":[]}"""))
            {
                Usage = new UsageDetails { InputTokenCount = 600, OutputTokenCount = 10 },
            });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The judge is not streamed.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    // Word counts hashed into 256 buckets: texts sharing words are near by cosine.
    private sealed class BagOfWordsEmbeddings : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(text =>
            {
                var vector = new float[256];
                foreach (var word in text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    vector[(int)((uint)string.GetHashCode(word, StringComparison.Ordinal) % 256)] += 1;
                }

                return new Embedding<float>(vector);
            })));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
