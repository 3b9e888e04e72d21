using System.ComponentModel.DataAnnotations;

namespace MoralGraph.LanguageModels.Configuration;

/// <summary>Which kind of server answers model calls.</summary>
public enum LanguageModelProvider
{
    /// <summary>No model: the embedded defaults (guided interviewer, lexical dedup, template stories).</summary>
    None,

    /// <summary>api.openai.com, or any OpenAI-compatible server given by <see cref="LanguageModelOptions.Endpoint"/> (vLLM, llama.cpp, LM Studio).</summary>
    OpenAI,

    /// <summary>A local Ollama through its OpenAI-compatible API (<c>http://localhost:11434/v1</c> unless <see cref="LanguageModelOptions.Endpoint"/> says otherwise); no key.</summary>
    Ollama,

    /// <summary>Azure OpenAI's v1 API: <see cref="LanguageModelOptions.Endpoint"/> is <c>https://{resource}.openai.azure.com/openai/v1/</c> and the model is the deployment name.</summary>
    AzureOpenAI,
}

/// <summary>
/// The <c>LanguageModel</c> section of <c>appsettings.json</c> (or <c>LanguageModel__…</c> environment variables).
/// With <see cref="Provider"/> <see cref="LanguageModelProvider.None"/> (the default) nothing here is used.
/// The key is never logged, shown or exported: <see cref="ToString"/> leaves it out.
/// </summary>
public sealed class LanguageModelOptions : IValidatableObject
{
    /// <summary>Which server kind.</summary>
    public LanguageModelProvider Provider { get; set; } = LanguageModelProvider.None;

    /// <summary>The server's base address; required for Azure OpenAI, optional otherwise.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key; required for OpenAI's own endpoint and Azure OpenAI. Prefer the environment variable <c>LanguageModel__ApiKey</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The chat model (Azure: the deployment), such as <c>gpt-4.1-mini</c> or <c>llama3.1:8b</c>.</summary>
    public string? ChatModel { get; set; }

    /// <summary>The embedding model for deduplication candidates; when empty, candidates come from lexical similarity.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>Sampling temperature for every call (recorded with each artifact).</summary>
    [Range(0.0, 2.0)]
    public double Temperature { get; set; } = 0.3;

    /// <summary>Most seconds one model call (or one streamed reply) may take before it is abandoned.</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Most seconds a streamed reply (the interview) may take to send its first piece before it is abandoned, so a
    /// participant waiting on a model that does not start gets the guided question in seconds, not after
    /// <see cref="TimeoutSeconds"/>. At most <see cref="TimeoutSeconds"/>.
    /// </summary>
    [Range(1, 600)]
    public int FirstTokenTimeoutSeconds { get; set; } = 15;

    /// <summary>Retries of a failed HTTP call (transient errors, 429, 5xx), with exponential back-off.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Most model calls in flight at once across the app.</summary>
    [Range(1, 256)]
    public int MaxConcurrentCalls { get; set; } = 8;

    /// <summary>Most model steps (replies and tool calls) in one interview turn before the turn falls back to the guided question.</summary>
    [Range(1, 10)]
    public int MaxStepsPerTurn { get; set; } = 3;

    /// <summary>Invalid <c>submit_values_card</c> calls in one interview before the participant is moved to the guided flow.</summary>
    [Range(1, 10)]
    public int MaxCardAttempts { get; set; } = 3;

    /// <summary>Tokens (input plus output) one study may use; beyond it the study runs on the embedded defaults.</summary>
    [Range(0, long.MaxValue)]
    public long TokenBudgetPerStudy { get; set; } = 2_000_000;

    /// <summary>Cosine similarity of embeddings at or above which two cards are put to the judge as possibly the same value.</summary>
    [Range(0.0, 1.0)]
    public double CandidateSimilarity { get; set; } = 0.8;

    /// <summary>True when a model is configured.</summary>
    public bool IsEnabled => Provider != LanguageModelProvider.None;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FirstTokenTimeoutSeconds > TimeoutSeconds)
        {
            yield return new ValidationResult(
                $"LanguageModel:FirstTokenTimeoutSeconds ({FirstTokenTimeoutSeconds}) must not exceed LanguageModel:TimeoutSeconds ({TimeoutSeconds}).",
                [nameof(FirstTokenTimeoutSeconds)]);
        }

        if (!IsEnabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(ChatModel))
        {
            yield return new ValidationResult($"LanguageModel:ChatModel is required when LanguageModel:Provider is {Provider}.", [nameof(ChatModel)]);
        }

        if (Provider == LanguageModelProvider.AzureOpenAI && Endpoint is null)
        {
            yield return new ValidationResult("LanguageModel:Endpoint is required for Azure OpenAI (https://{resource}.openai.azure.com/openai/v1/).", [nameof(Endpoint)]);
        }

        if (Provider is LanguageModelProvider.AzureOpenAI || (Provider is LanguageModelProvider.OpenAI && Endpoint is null))
        {
            if (string.IsNullOrWhiteSpace(ApiKey))
            {
                yield return new ValidationResult($"LanguageModel:ApiKey is required for {Provider} (set the environment variable LanguageModel__ApiKey).", [nameof(ApiKey)]);
            }
        }

        if (Endpoint is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
        {
            yield return new ValidationResult("LanguageModel:Endpoint must be an absolute http(s) address.", [nameof(Endpoint)]);
        }
    }

    /// <summary>A description safe for logs: everything but the key.</summary>
    public override string ToString() =>
        $"{Provider} {ChatModel} at {Endpoint?.ToString() ?? "the default endpoint"} (key {(string.IsNullOrEmpty(ApiKey) ? "none" : "set")}, temperature {Temperature})";
}
