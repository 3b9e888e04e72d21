using System.Net;
using Microsoft.Extensions.AI;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Configuration;

namespace MoralGraph.LanguageModels.Tests.Configuration;

/// <summary>
/// The adapter turns the SDK's error for a failing server into the vendor-neutral <see cref="HttpRequestException"/> with its
/// status, which is what lets a job lose only one group to a 500 or 429. The server is a stub handler, not the network.
/// </summary>
public sealed class LanguageModelClientsTests
{
    private static readonly LanguageModelOptions Options = new() { Provider = LanguageModelProvider.Ollama, ChatModel = "m", EmbeddingModel = "e" };

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "the model server answered 500")]
    [InlineData(HttpStatusCode.TooManyRequests, "the model server answered 429")]
    public async Task A_chat_call_the_server_refuses_fails_as_one_call_with_its_status(HttpStatusCode status, string described)
    {
        using var http = new HttpClient(new AnsweringHandler(status));
        using var chat = LanguageModelClients.CreateChatClient(Options, http);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => chat.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        Assert.True(ModelCallFailure.IsCallFailure(error));
        Assert.Equal(described, ModelCallFailure.Describe(error));
    }

    [Fact]
    public async Task An_embedding_call_the_server_refuses_fails_as_one_call_with_its_status()
    {
        using var http = new HttpClient(new AnsweringHandler(HttpStatusCode.ServiceUnavailable));
        using var embeddings = LanguageModelClients.CreateEmbeddingGenerator(Options, http)!;

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => embeddings.GenerateAsync(["hello"]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }

    private sealed class AnsweringHandler(HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent("""{"error":{"message":"down"}}""", System.Text.Encoding.UTF8, "application/json") });
    }
}
