using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.LanguageModels.Configuration;
using MoralGraph.LanguageModels.Prompts;

namespace MoralGraph.LanguageModels.Calls;

/// <summary>The study has used its token budget; the caller falls back to the embedded default.</summary>
/// <param name="studyId">The study.</param>
public sealed class ModelBudgetExhaustedException(string studyId) : Exception($"Study '{studyId}' has used its model token budget.")
{
    /// <summary>The study.</summary>
    public string StudyId => studyId;
}

/// <summary>Who a call is for and why: the study whose budget pays, the capability, and the prompt used.</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Capability">What for (<see cref="ModelCapabilities"/>).</param>
/// <param name="Prompt">The system prompt.</param>
public sealed record ModelCallPurpose(string StudyId, string Capability, Prompt Prompt);

/// <summary>
/// Every chat and embedding call of the app goes through here: at most <see cref="LanguageModelOptions.MaxConcurrentCalls"/>
/// at once, each under <see cref="LanguageModelOptions.TimeoutSeconds"/>, refused once the study's budget is spent, and
/// recorded as a <see cref="ModelUsageRecorded"/> event with its provenance. (HTTP retries sit below, in the client's
/// resilience handler.) Logs name the study, capability and prompt — never participant text or the key.
/// </summary>
public sealed class ModelCalls : IDisposable
{
    private readonly IChatClient _chat;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embeddings;
    private readonly IEventLog _log;
    private readonly ModelBudget _budget;
    private readonly LanguageModelOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelCalls> _logger;
    private readonly SemaphoreSlim _slots;

    /// <summary>Creates the gateway.</summary>
    public ModelCalls(IChatClient chat, IEventLog log, ModelBudget budget, IOptions<LanguageModelOptions> options, TimeProvider time, ILogger<ModelCalls> logger,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _chat = chat;
        _embeddings = embeddings;
        _log = log;
        _budget = budget;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrentCalls, _options.MaxConcurrentCalls);
    }

    /// <summary>The configured options.</summary>
    public LanguageModelOptions Options => _options;

    /// <summary>True when an embedding model is configured.</summary>
    public bool CanEmbed => _embeddings is not null;

    /// <summary>The provenance a call for <paramref name="purpose"/> made now records.</summary>
    public ModelProvenance ProvenanceFor(ModelCallPurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        return purpose.Prompt.ProvenanceFor(_options.ChatModel ?? "unknown", _options.Temperature, _time.GetUtcNow());
    }

    /// <summary>True while the study has budget left.</summary>
    public Task<bool> HasBudgetAsync(string studyId, CancellationToken cancellationToken = default) => _budget.HasRoomAsync(studyId, cancellationToken);

    /// <summary>Chat options with the configured model and temperature, plus <paramref name="configure"/>.</summary>
    public ChatOptions ChatOptions(Action<ChatOptions>? configure = null)
    {
        var chatOptions = new ChatOptions { ModelId = _options.ChatModel, Temperature = (float)_options.Temperature };
        configure?.Invoke(chatOptions);
        return chatOptions;
    }

    /// <summary>One complete chat call. Throws <see cref="ModelBudgetExhaustedException"/>, <see cref="TimeoutException"/> or the client's error.</summary>
    public async Task<ChatResponse> GetResponseAsync(ModelCallPurpose purpose, IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        await EnterAsync(purpose, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        try
        {
            var response = await _chat.GetResponseAsync(messages, chatOptions ?? ChatOptions(), timeout.Token);
            await RecordAsync(purpose, response.Usage, CancellationToken.None);
            return response;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Timeout(purpose);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// One streamed chat call. The first update must come within <see cref="LanguageModelOptions.FirstTokenTimeoutSeconds"/>
    /// and the whole stream within <see cref="LanguageModelOptions.TimeoutSeconds"/>, so a model that never starts is
    /// given up on early, and one that stalls mid-reply ends in a <see cref="TimeoutException"/> after the updates it did send.
    /// </summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(ModelCallPurpose purpose, IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        await EnterAsync(purpose, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var firstTokenWait = TimeSpan.FromSeconds(Math.Min(_options.FirstTokenTimeoutSeconds, _options.TimeoutSeconds));
        timeout.CancelAfter(firstTokenWait);
        var answering = false;
        UsageDetails? usage = null;
        try
        {
            await using var updates = _chat.GetStreamingResponseAsync(messages, chatOptions ?? ChatOptions(), timeout.Token).GetAsyncEnumerator(timeout.Token);
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw answering ? Timeout(purpose) : FirstTokenTimeout(purpose);
                }

                if (!answering)
                {
                    // The model has started: the rest of the whole-reply time applies from here.
                    answering = true;
                    var left = TimeSpan.FromSeconds(_options.TimeoutSeconds) - Stopwatch.GetElapsedTime(started);
                    timeout.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
                }

                foreach (var content in update.Contents.OfType<UsageContent>())
                {
                    usage ??= new UsageDetails();
                    usage.Add(content.Details);
                }

                yield return update;
            }
        }
        finally
        {
            _slots.Release();
            await RecordAsync(purpose, usage, CancellationToken.None);
        }
    }

    /// <summary>Embeds <paramref name="texts"/>; null when no embedding model is configured.</summary>
    public async Task<IReadOnlyList<ReadOnlyMemory<float>>?> EmbedAsync(ModelCallPurpose purpose, IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(texts);
        if (_embeddings is null)
        {
            return null;
        }

        await EnterAsync(purpose, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        try
        {
            var embeddings = await _embeddings.GenerateAsync(texts, new EmbeddingGenerationOptions { ModelId = _options.EmbeddingModel }, timeout.Token);
            await RecordAsync(purpose, embeddings.Usage, CancellationToken.None, _options.EmbeddingModel);
            return [.. embeddings.Select(e => e.Vector)];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Timeout(purpose);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private async Task EnterAsync(ModelCallPurpose purpose, CancellationToken cancellationToken)
    {
        if (!await _budget.HasRoomAsync(purpose.StudyId, cancellationToken))
        {
            _logger.LogWarning("Study {StudyId} has used its token budget of {Budget}; {Capability} runs on the embedded default.", purpose.StudyId, _budget.Limit, purpose.Capability);
            throw new ModelBudgetExhaustedException(purpose.StudyId);
        }

        await _slots.WaitAsync(cancellationToken);
    }

    private TimeoutException Timeout(ModelCallPurpose purpose)
    {
        // "The", not "A": capabilities such as interview and articulation start with a vowel.
        _logger.LogWarning("The {Capability} call ({PromptId}) for study {StudyId} took longer than {Seconds} s.", purpose.Capability, purpose.Prompt.Id, purpose.StudyId, _options.TimeoutSeconds);
        return new TimeoutException($"The model did not answer within {_options.TimeoutSeconds} s.");
    }

    private TimeoutException FirstTokenTimeout(ModelCallPurpose purpose)
    {
        _logger.LogWarning("The {Capability} call ({PromptId}) for study {StudyId} sent nothing within {Seconds} s.", purpose.Capability, purpose.Prompt.Id, purpose.StudyId, _options.FirstTokenTimeoutSeconds);
        return new TimeoutException($"The model did not start answering within {_options.FirstTokenTimeoutSeconds} s.");
    }

    private async Task RecordAsync(ModelCallPurpose purpose, UsageDetails? usage, CancellationToken cancellationToken, string? modelId = null)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        await _budget.AddAsync(purpose.StudyId, input + output, cancellationToken);
        var provenance = purpose.Prompt.ProvenanceFor(modelId ?? _options.ChatModel ?? "unknown", _options.Temperature, _time.GetUtcNow());
        await _log.AppendAsync(new ModelUsageRecorded(purpose.Capability, provenance, input, output)
        {
            StudyId = purpose.StudyId, OccurredAt = provenance.At, Actor = "model",
        }, cancellationToken);
    }
}
