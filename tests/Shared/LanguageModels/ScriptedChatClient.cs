using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MoralGraph.Testing.LanguageModels;

/// <summary>One scripted model response: text streamed in pieces, tool calls, and optionally a stall after the text.</summary>
/// <param name="TextPieces">The reply's text, as the pieces a stream would carry.</param>
/// <param name="ToolCalls">Tool calls as (name, raw JSON arguments); malformed JSON is passed through as a real adapter would.</param>
/// <param name="StallAfterText">True: after the text, never finish (until cancelled) — a model that hangs mid-stream.</param>
/// <param name="Failure">When set, the call throws this instead of answering.</param>
/// <param name="CutOff">True: the reply ends with <see cref="CutOffReason"/> instead of <c>stop</c> or <c>tool_calls</c>.</param>
/// <param name="CutOffReason">The finish reason of a cut-off reply; null for a stream that just stops without one.</param>
public sealed record ScriptedResponse(IReadOnlyList<string> TextPieces, IReadOnlyList<(string Name, string Arguments)> ToolCalls, bool StallAfterText = false, Exception? Failure = null,
    bool CutOff = false, ChatFinishReason? CutOffReason = null);

/// <summary>
/// An <see cref="IChatClient"/> that replays recorded responses in order and records every request, so tests drive the
/// model paths without a model or HTTP. Responses come from code (<see cref="Reply"/>, <see cref="CallTool"/> …) or from
/// a recording file (<see cref="FromRecording"/>). Asking for more responses than scripted fails the test loudly.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Queue<ScriptedResponse> _script = new();
    private readonly object _gate = new();

    /// <summary>Every request: the messages sent (copied) and the options.</summary>
    public List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Requests { get; } = [];

    /// <summary>Tokens reported per response.</summary>
    public (long Input, long Output) UsagePerResponse { get; set; } = (100, 20);

    /// <summary>Responses not yet used.</summary>
    public int Remaining
    {
        get
        {
            lock (_gate)
            {
                return _script.Count;
            }
        }
    }

    /// <summary>Adds a text reply streamed word by word.</summary>
    public ScriptedChatClient Reply(string text) => Add(new ScriptedResponse(Words(text), []));

    /// <summary>Adds a reply calling one tool with raw JSON arguments (optionally after some text).</summary>
    public ScriptedChatClient CallTool(string name, string argumentsJson, string text = "") => Add(new ScriptedResponse(Words(text), [(name, argumentsJson)]));

    /// <summary>Adds a reply that streams <paramref name="text"/> and then hangs until the caller gives up.</summary>
    public ScriptedChatClient StallAfter(string text) => Add(new ScriptedResponse(Words(text), [], StallAfterText: true));

    /// <summary>Adds a reply that streams <paramref name="text"/> and ends with <paramref name="finishReason"/> (null: with none at all).</summary>
    public ScriptedChatClient CutOffAfter(string text, ChatFinishReason? finishReason) => Add(new ScriptedResponse(Words(text), [], CutOff: true, CutOffReason: finishReason));

    /// <summary>Adds a failing call.</summary>
    public ScriptedChatClient Fail(Exception failure) => Add(new ScriptedResponse([], [], Failure: failure));

    /// <summary>Adds a scripted response.</summary>
    public ScriptedChatClient Add(ScriptedResponse response)
    {
        lock (_gate)
        {
            _script.Enqueue(response);
        }

        return this;
    }

    /// <summary>
    /// Loads a recording: a JSON array of responses, each <c>{"text": "...", "toolCalls": [{"name": "...", "arguments": "..."}],
    /// "stall": false}</c>, where <c>arguments</c> is the raw string the model sent (possibly malformed).
    /// </summary>
    public static ScriptedChatClient FromRecording(string path)
    {
        var client = new ScriptedChatClient();
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var response in document.RootElement.EnumerateArray())
        {
            var text = response.TryGetProperty("text", out var t) ? t.GetString() ?? string.Empty : string.Empty;
            var calls = response.TryGetProperty("toolCalls", out var c)
                ? c.EnumerateArray().Select(call => (call.GetProperty("name").GetString()!, call.GetProperty("arguments").GetString()!)).ToList()
                : [];
            var stall = response.TryGetProperty("stall", out var s) && s.GetBoolean();
            client.Add(new ScriptedResponse(Words(text), calls, stall));
        }

        return client;
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse();
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ScriptedResponse response;
        lock (_gate)
        {
            Requests.Add(([.. messages.Select(m => m.Clone())], options?.Clone()));
            response = _script.Count > 0 ? _script.Dequeue() : throw new InvalidOperationException($"The script has no response left for request {Requests.Count}.");
        }

        if (response.Failure is not null)
        {
            throw response.Failure;
        }

        foreach (var piece in response.TextPieces)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece);
        }

        if (response.StallAfterText)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var callNumber = 0;
        foreach (var (name, arguments) in response.ToolCalls)
        {
            // What the OpenAI adapter does with the arguments string: parse it, keeping the exception when it is not JSON.
            var call = FunctionCallContent.CreateFromParsedArguments(arguments, $"call-{Requests.Count}-{callNumber++}", name,
                json => JsonSerializer.Deserialize<Dictionary<string, object?>>(json));
            yield return new ChatResponseUpdate(ChatRole.Assistant, [call]);
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = UsagePerResponse.Input, OutputTokenCount = UsagePerResponse.Output })])
        {
            FinishReason = response.CutOff ? response.CutOffReason : response.ToolCalls.Count > 0 ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static List<string> Words(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == ' ')
            {
                pieces.Add(text[start..i]);
                start = i;
            }
        }

        return pieces;
    }
}
