using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MoralGraph.Browser.Tests.Server;

/// <summary>One step of the fake model's interview script: words streamed in pieces, or a tool call whose JSON arguments stream in pieces.</summary>
/// <param name="ContentPieces">The reply's text, one content delta per piece.</param>
/// <param name="ToolName">The tool called, or null for a plain reply.</param>
/// <param name="ArgumentPieces">The tool call's JSON arguments, one delta per piece (their concatenation is the JSON).</param>
public sealed record ScriptedTurn(IReadOnlyList<string> ContentPieces, string? ToolName = null, IReadOnlyList<string>? ArgumentPieces = null)
{
    /// <summary>
    /// When set, the stream stops after its first content piece until this completes: a test can see the reply
    /// arrive piece by piece (the first piece on the page, the rest not yet) without timing anything.
    /// </summary>
    public TaskCompletionSource? HoldAfterFirstPiece { get; init; }

    /// <summary>When set, nothing at all is sent until this completes: a model slow to start (or that never does).</summary>
    public TaskCompletionSource? HoldBeforeFirstChunk { get; init; }

    /// <summary>A plain reply streamed in <paramref name="pieces"/>.</summary>
    public static ScriptedTurn Say(params string[] pieces) => new(pieces);

    /// <summary>A call of <paramref name="tool"/> (after <paramref name="said"/>, possibly empty) with its arguments streamed in <paramref name="argumentPieces"/>.</summary>
    public static ScriptedTurn Call(string tool, IReadOnlyList<string> said, params string[] argumentPieces) => new(said, tool, argumentPieces);
}

/// <summary>A request the fake model received: its headers that matter and its JSON body.</summary>
/// <param name="Authorization">The <c>Authorization</c> header.</param>
/// <param name="Body">The request body.</param>
public sealed record RecordedChatRequest(string? Authorization, JsonObject Body)
{
    /// <summary>True for a streamed request (<c>"stream": true</c>).</summary>
    public bool Streamed => Body["stream"]?.GetValue<bool>() == true;

    /// <summary>True when the request declares tools (the interviewer's <c>submit_values_card</c>).</summary>
    public bool HasTools => Body["tools"] is JsonArray { Count: > 0 };

    /// <summary>The messages, in order.</summary>
    public IReadOnlyList<JsonObject> Messages => Body["messages"] is JsonArray messages ? [.. messages.OfType<JsonObject>()] : [];

    /// <summary>The text of a message (a string content, or the text parts of an array content joined).</summary>
    public static string TextOf(JsonObject message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message["content"] switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            JsonArray parts => string.Concat(parts.OfType<JsonObject>().Select(p => p["text"]?.GetValue<string>() ?? string.Empty)),
            _ => string.Empty,
        };
    }

    /// <summary>The role of a message.</summary>
    public static string RoleOf(JsonObject message) => message?["role"]?.GetValue<string>() ?? string.Empty;
}

/// <summary>
/// An OpenAI-compatible chat server in the test process, on a free loopback port, for the app to call as its model:
/// <c>POST /v1/chat/completions</c>. Streamed requests that declare tools (the interviewer's) are answered from
/// the script given to the constructor, one turn per request, as Server-Sent Events of <c>chat.completion.chunk</c> objects (content
/// deltas, tool-call deltas, a usage chunk when <c>stream_options.include_usage</c> asks for it, then
/// <c>data: [DONE]</c>). Every other request (moderation, contexts, critique, run in the background) gets a harmless
/// JSON answer and leaves the script alone. Every request is recorded.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedTurn> _script;
    private readonly ConcurrentQueue<RecordedChatRequest> _requests = new();
    private WebApplication? _app;
    private int _completions;

    /// <summary>A server that answers the interviewer's requests with <paramref name="script"/>, in order.</summary>
    public FakeOpenAIServer(IEnumerable<ScriptedTurn> script)
    {
        _script = new ConcurrentQueue<ScriptedTurn>(script);
    }

    /// <summary>The base address the OpenAI client is given (ends in <c>/v1/</c>).</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/v1/");

    /// <summary>The scripted turns not yet used.</summary>
    public int TurnsLeft => _script.Count;

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<RecordedChatRequest> Requests => [.. _requests];

    /// <summary>The interviewer's requests (streamed, with tools), in order.</summary>
    public IReadOnlyList<RecordedChatRequest> InterviewRequests => [.. _requests.Where(r => r.Streamed && r.HasTools)];

    /// <summary>Starts listening on a free loopback port.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", CompleteAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Endpoint = new Uri(new Uri(address), "/v1/");
        _app = app;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject ?? [];
        var request = new RecordedChatRequest(context.Request.Headers.Authorization.ToString(), body);
        _requests.Enqueue(request);
        var id = "chatcmpl-fake-" + Interlocked.Increment(ref _completions).ToString(CultureInfo.InvariantCulture);
        var model = body["model"]?.GetValue<string>() ?? "fake-model";

        if (!request.Streamed)
        {
            await context.Response.WriteAsJsonAsync(Completion(id, model, BackgroundAnswer(request)), context.RequestAborted);
            return;
        }

        if (!request.HasTools || !_script.TryDequeue(out var turn))
        {
            // A stream nobody scripted: a short harmless reply (an interview call beyond the script shows up in the test's assertions).
            turn = ScriptedTurn.Say("{}");
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var response = context.Response;
        async Task SendAsync(JsonObject chunk)
        {
            await response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
        }

        if (turn.HoldBeforeFirstChunk is { } start)
        {
            await start.Task.WaitAsync(context.RequestAborted);
        }

        await SendAsync(Chunk(id, model, new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, null));
        for (var i = 0; i < turn.ContentPieces.Count; i++)
        {
            await SendAsync(Chunk(id, model, new JsonObject { ["content"] = turn.ContentPieces[i] }, null));
            if (i == 0 && turn.HoldAfterFirstPiece is { } hold)
            {
                await hold.Task.WaitAsync(context.RequestAborted);
            }
        }

        if (turn.ToolName is { } tool)
        {
            await SendAsync(Chunk(id, model, ToolCallDelta(new JsonObject
            {
                ["index"] = 0,
                ["id"] = "call_" + id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = tool, ["arguments"] = string.Empty },
            }), null));
            foreach (var piece in turn.ArgumentPieces ?? [])
            {
                await SendAsync(Chunk(id, model, ToolCallDelta(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = piece } }), null));
            }
        }

        await SendAsync(Chunk(id, model, [], turn.ToolName is null ? "stop" : "tool_calls"));
        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            var usage = Chunk(id, model, null, null);
            usage["usage"] = Usage();
            await SendAsync(usage);
        }

        await response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>The answer to a background call, chosen by its system prompt's answer format.</summary>
    private static string BackgroundAnswer(RecordedChatRequest request)
    {
        var system = request.Messages.Where(m => RecordedChatRequest.RoleOf(m) is "system" or "developer").Select(RecordedChatRequest.TextOf).FirstOrDefault() ?? string.Empty;
        if (system.Contains("{\"flag\": false}", StringComparison.Ordinal))
        {
            return "{\"flag\": false}";
        }

        if (system.Contains("{\"contexts\":", StringComparison.Ordinal))
        {
            return "{\"contexts\": []}";
        }

        if (system.Contains("{\"problems\":", StringComparison.Ordinal))
        {
            return "{\"problems\": []}";
        }

        return "{}";
    }

    private static JsonObject ToolCallDelta(JsonObject call) => new() { ["tool_calls"] = new JsonArray(call) };

    private static JsonObject Chunk(string id, string model, JsonObject? delta, string? finishReason) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = model,
        ["system_fingerprint"] = "fp_fake",
        // The usage chunk has no choices; every other chunk has one, with its delta.
        ["choices"] = delta is null
            ? new JsonArray()
            : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
        ["usage"] = null,
    };

    private static JsonObject Completion(string id, string model, string content) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null },
            ["logprobs"] = null,
            ["finish_reason"] = "stop",
        }),
        ["usage"] = Usage(),
    };

    private static JsonObject Usage() => new() { ["prompt_tokens"] = 120, ["completion_tokens"] = 30, ["total_tokens"] = 150 };

    /// <summary>A summary of the requests received, for failure messages.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var request in Requests)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(request.Streamed ? "stream" : "plain")} tools={request.HasTools} messages=")
                .AppendLine(string.Join(" | ", request.Messages.Select(m => RecordedChatRequest.RoleOf(m) + ": " + Clip(RecordedChatRequest.TextOf(m)))));
        }

        return text.ToString();
    }

    private static string Clip(string text) => text.Length <= 80 ? text.ReplaceLineEndings(" ") : text[..80].ReplaceLineEndings(" ") + "…";
}
