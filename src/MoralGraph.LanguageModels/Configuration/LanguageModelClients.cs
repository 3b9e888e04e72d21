using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace MoralGraph.LanguageModels.Configuration;

/// <summary>
/// Creates the <see cref="IChatClient"/> and <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> the options describe. The
/// only place a vendor type appears: every provider here speaks the OpenAI wire protocol (Ollama and Azure OpenAI through
/// their OpenAI-compatible <c>/v1</c> APIs), so one adapter serves them all. The HTTP client passed in carries the
/// resilience handler (timeouts, retries); the SDK's own retries are switched off so a call is not retried twice over.
/// </summary>
public static class LanguageModelClients
{
    /// <summary>Ollama's OpenAI-compatible API on this machine.</summary>
    public static readonly Uri OllamaDefaultEndpoint = new("http://localhost:11434/v1/");

    /// <summary>The chat client for <paramref name="options"/>.</summary>
    public static IChatClient CreateChatClient(LanguageModelOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CreateOpenAIClient(options, http).GetChatClient(options.ChatModel).AsIChatClient();
    }

    /// <summary>The embedding generator for <paramref name="options"/>, or null when no embedding model is set.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>>? CreateEmbeddingGenerator(LanguageModelOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.EmbeddingModel) ? null : CreateOpenAIClient(options, http).GetEmbeddingClient(options.EmbeddingModel).AsIEmbeddingGenerator();
    }

    /// <summary>The endpoint calls go to (null: OpenAI's own).</summary>
    public static Uri? EndpointOf(LanguageModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider == LanguageModelProvider.Ollama ? options.Endpoint ?? OllamaDefaultEndpoint : options.Endpoint;
    }

    private static OpenAIClient CreateOpenAIClient(LanguageModelOptions options, HttpClient http)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        if (EndpointOf(options) is { } endpoint)
        {
            clientOptions.Endpoint = endpoint;
        }

        // Local servers ignore the key but the SDK wants one.
        var key = string.IsNullOrWhiteSpace(options.ApiKey) ? "no-key" : options.ApiKey;
        return new OpenAIClient(new ApiKeyCredential(key), clientOptions);
    }
}
