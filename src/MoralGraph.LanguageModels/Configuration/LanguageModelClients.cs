using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Runtime.CompilerServices;
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
        return new ServerErrorTranslatingChatClient(CreateOpenAIClient(options, http).GetChatClient(options.ChatModel).AsIChatClient());
    }

    /// <summary>The embedding generator for <paramref name="options"/>, or null when no embedding model is set.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>>? CreateEmbeddingGenerator(LanguageModelOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.EmbeddingModel)
            ? null
            : new ServerErrorTranslatingEmbeddingGenerator(CreateOpenAIClient(options, http).GetEmbeddingClient(options.EmbeddingModel).AsIEmbeddingGenerator());
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

    /// <summary>
    /// The SDK's error for a status it dislikes (500, 429 …) or a network failure, as the vendor-neutral
    /// <see cref="HttpRequestException"/> the rest of the model layer understands, so one failed call costs only its group.
    /// </summary>
    internal static HttpRequestException Translate(ClientResultException error) =>
        new(error.Message, error, error.Status > 0 ? (HttpStatusCode)error.Status : null);

    private sealed class ServerErrorTranslatingChatClient(IChatClient inner) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            try
            {
                return await base.GetResponseAsync(messages, options, cancellationToken);
            }
            catch (ClientResultException error)
            {
                throw Translate(error);
            }
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await using var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (ClientResultException error)
                {
                    throw Translate(error);
                }

                yield return updates.Current;
            }
        }
    }

    private sealed class ServerErrorTranslatingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            try
            {
                return await base.GenerateAsync(values, options, cancellationToken);
            }
            catch (ClientResultException error)
            {
                throw Translate(error);
            }
        }
    }
}
