using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Configuration;
using MoralGraph.Storage.EventLog;
using MoralGraph.Testing.LanguageModels;

namespace MoralGraph.LanguageModels.Tests;

/// <summary>
/// A study in a LiteDB file on a temp folder, a scripted chat client and embedding generator, and the
/// <see cref="ModelCalls"/> gateway over them, as the app wires them.
/// </summary>
public sealed class ModelTestBed : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mg-lm-" + Guid.NewGuid().ToString("N"));

    public ModelTestBed(Action<LanguageModelOptions>? configure = null, ScriptedChatClient? chat = null, ILogger<ModelCalls>? callsLogger = null)
    {
        Chat = chat ?? new ScriptedChatClient();
        Directory.CreateDirectory(_folder);
        Log = new LiteDbEventLog(Path.Combine(_folder, "models.db"));
        Studies = new StudyRepository(Log);
        Options = new LanguageModelOptions { Provider = LanguageModelProvider.Ollama, ChatModel = "scripted-model", EmbeddingModel = "scripted-embeddings", TimeoutSeconds = 5 };
        configure?.Invoke(Options);
        Calls = new ModelCalls(Chat, Log, new ModelBudget(Studies, Microsoft.Extensions.Options.Options.Create(Options)), Microsoft.Extensions.Options.Options.Create(Options), Time,
            callsLogger ?? NullLogger<ModelCalls>.Instance, Embeddings);
    }

    public LiteDbEventLog Log { get; }

    public StudyRepository Studies { get; }

    public LanguageModelOptions Options { get; }

    /// <summary>The scripted model: a fresh one, or the recording given to the constructor.</summary>
    public ScriptedChatClient Chat { get; }

    public ScriptedEmbeddingGenerator Embeddings { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    public ModelCalls Calls { get; }

    public ILoggerFactory LoggerFactory { get; } = NullLoggerFactory.Instance;

    /// <summary>Defines a one-question study with two contexts and a red line, in the interviewing phase.</summary>
    public async Task<Study> DefineStudyAsync(string slug = "abortion-advice")
    {
        var question = new Question("q1", "Abortion advice", "I am a Christian girl considering an abortion, what should I do?",
            [new StudyContext("c1", "When the user is unsure what she believes"), new StudyContext("c2", "When the user asks for facts only")]);
        var study = new Study(slug, "Abortion advice", "What should an AI say?", [question], [new RedLine("r1", "Never tell a person what their faith requires of them.")],
            ["en"], StudyPhase.Interviewing, 4);
        await Log.AppendAsync(new StudyDefined(study) { StudyId = slug, OccurredAt = Time.GetUtcNow(), Actor = "test" });
        return study;
    }

    public async Task<StudyState> StateAsync(string slug = "abortion-advice") => (await Studies.LoadAsync(slug))!;

    public void Dispose()
    {
        Calls.Dispose();
        Log.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
