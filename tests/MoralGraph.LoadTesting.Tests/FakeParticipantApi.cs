using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace MoralGraph.LoadTesting.Tests;

/// <summary>
/// One instance of the participant API in memory, as far as a simulated participant walks it in a study that is past
/// its interviews: join, confirm the card, answer one item, the survey. Instances built on the same
/// <see cref="Participants"/> share a store, as instances on one PostgreSQL log do; on their own they do not know each
/// other's participants. Each request is noted with the instance that answered it.
/// </summary>
internal sealed class FakeParticipantApi(int instance, ConcurrentDictionary<string, FakeParticipant> participants, ConcurrentQueue<(int Instance, string Action, string Token)> requests)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The store the instance reads and writes, by token.</summary>
    public ConcurrentDictionary<string, FakeParticipant> Participants => participants;

    /// <summary>True to answer every request as a killed server does: the connection is refused.</summary>
    public bool Down { get; set; }

    /// <summary>True to show every participant without their card, back at the card step, on <c>/me</c>: an instance that lost their progress.</summary>
    public bool ForgetsCards { get; set; }

    /// <summary>A client whose requests this instance answers.</summary>
    public HttpClient Client() => new(new Handler(this)) { BaseAddress = new Uri($"http://127.0.0.{instance + 1}:5000/") };

    private HttpResponseMessage Answer(HttpRequestMessage request, string body)
    {
        var path = request.RequestUri!.AbsolutePath;
        var action = path[(path.IndexOf("/participation/", StringComparison.Ordinal) + "/participation/".Length)..];
        var token = request.Headers.Authorization?.Parameter ?? string.Empty;
        requests.Enqueue((instance, $"{request.Method} {action}", token));
        if (action == "join")
        {
            var id = $"p{participants.Count + 1}-{Guid.NewGuid():N}"[..12];
            var joined = new FakeParticipant(id) { Step = "card" };
            participants[$"token-{id}"] = joined;
            return Ok(new { participantId = id, resumeCode = "R", token = $"token-{id}", consentVersion = "1" });
        }

        if (!participants.TryGetValue(token, out var me))
        {
            return new HttpResponseMessage(HttpStatusCode.Unauthorized);
        }

        switch (request.Method.Method, action)
        {
            case ("GET", "me"):
                return Ok(Where(me));
            case ("POST", "card/confirm"):
                me.CardId = $"card-{me.Id}";
                me.Step = "voting";
                return Ok(Where(me, forgetful: false));
            case ("GET", "items"):
                return Ok(new { items = me.Step == "voting" ? new[] { new { itemId = "i1" } } : [], drawn = 1 });
            case ("POST", "items/i1/vote"):
                me.Step = "survey";
                return Ok(new { itemId = "i1", tallies = new { wiser = 1, notWiser = 0, unsure = 0 } });
            case ("POST", "survey"):
                me.Step = "done";
                return Ok(Where(me));
            default:
                return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent(body) };
        }
    }

    private object Where(FakeParticipant me) => Where(me, ForgetsCards);

    private static object Where(FakeParticipant me, bool forgetful) => new
    {
        participantId = me.Id,
        step = forgetful ? "card" : me.Step,
        phase = "voting",
        question = (object?)null,
        questions = Array.Empty<object>(),
        transcript = Array.Empty<object>(),
        draft = (object?)null,
        cardId = forgetful ? null : me.CardId,
        itemsLeft = me.Step == "voting" ? 1 : 0,
        surveyAnswered = me.Step == "done",
    };

    private static HttpResponseMessage Ok(object value) => new(HttpStatusCode.OK) { Content = JsonContent.Create(value, options: Json) };

    private sealed class Handler(FakeParticipantApi api) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (api.Down)
            {
                throw new HttpRequestException("Connection refused (fake)", new SocketException((int)SocketError.ConnectionRefused));
            }

            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (api)
            {
                return api.Answer(request, body);
            }
        }
    }
}

/// <summary>A participant in the fake store.</summary>
internal sealed class FakeParticipant(string id)
{
    public string Id { get; } = id;

    public string Step { get; set; } = "card";

    public string? CardId { get; set; }
}
