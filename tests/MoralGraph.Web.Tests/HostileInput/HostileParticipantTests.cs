using System.Net;
using System.Text.Json;
using MoralGraph.Core.Events;
using MoralGraph.Tests.HostileInput;
using MoralGraph.Web.Participation;

namespace MoralGraph.Web.Tests.HostileInput;

/// <summary>
/// Every participant field, through the participant API and the pages, given every hostile string: a clear 4xx
/// refusal, or stored verbatim, read back identical and shown on the page as text. Never a 5xx.
/// </summary>
public sealed class HostileParticipantTests(HostileAppFixture app) : IClassFixture<HostileAppFixture>
{
    private const string Cards = HostileAppFixture.Interviewing;
    private const string Votes = HostileAppFixture.Voting;

    public static TheoryData<string> Names() => HostileStrings.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public async Task An_interview_answer_is_refused_or_kept_verbatim_and_shown_on_the_page_as_text(string name)
    {
        var hostile = HostileStrings.Get(name);
        var (joined, cookie) = await JoinWithCookieAsync(Cards);
        (await app.SendJsonAsync(HttpMethod.Post, HostileAppFixture.ApiUrl(Cards, "interview"), joined.Token, Json(new { text = (string?)null, intent = (string?)null }))).Dispose();

        using var answered = await app.SendJsonAsync(HttpMethod.Post, HostileAppFixture.ApiUrl(Cards, "interview"), joined.Token, Json(new { text = hostile, intent = "answer" }));

        var me = await MeAsync(Cards, joined.Token);
        var kept = me.Transcript.Where(m => m.Role == "participant").Select(m => m.Text).ToList();
        if (!answered.IsSuccessStatusCode)
        {
            await AssertRefusalAsync(answered);
            Assert.Empty(kept);
            return;
        }

        // Kept as sent, but for the spaces around it.
        var expected = HostileStrings.ThroughUtf8(hostile).Trim();
        Assert.Equal([expected], kept);
        var page = await PageAsync($"/s/{Cards}", cookie);
        HostileAssert.ShownAsText(page, expected);
    }

    public static TheoryData<string, string> DraftFieldsWithEveryString() => HostileStrings.ForEachField("title", "description", "policy");

    [Theory]
    [MemberData(nameof(DraftFieldsWithEveryString))]
    public async Task A_card_draft_and_its_confirmation_refuse_or_keep_each_field(string field, string name)
    {
        var hostile = HostileStrings.Get(name);
        var (joined, _) = await JoinWithCookieAsync(Cards);
        (await app.SendJsonAsync(HttpMethod.Post, HostileAppFixture.ApiUrl(Cards, "interview"), joined.Token, Json(new { text = (string?)null, intent = (string?)null }))).Dispose();
        (await app.SendJsonAsync(HttpMethod.Post, HostileAppFixture.ApiUrl(Cards, "interview"), joined.Token, Json(new { text = "My friend lost her father.", intent = "answer" }))).Dispose();
        var card = new Dictionary<string, object>
        {
            ["title"] = field == "title" ? hostile : "Presence in grief",
            ["description"] = field == "description" ? hostile : "The AI helps her simply be there.",
            ["policies"] = new[] { field == "policy" ? hostile : "MOMENTS when silence says more", "SIGNS she wants to talk", "QUESTIONS that let her lead" },
        };

        using var saved = await app.SendJsonAsync(HttpMethod.Put, HostileAppFixture.ApiUrl(Cards, "card/draft"), joined.Token, Json(card));
        if (saved.IsSuccessStatusCode)
        {
            var draft = (await MeAsync(Cards, joined.Token)).Draft!;
            var read = field switch { "title" => draft.Title, "description" => draft.Description, _ => draft.Policies[0] };
            // A draft is a safety net kept as sent, up to the field's limit (ParticipationService.SaveDraftAsync).
            Assert.StartsWith(read, HostileStrings.ThroughUtf8(hostile), StringComparison.Ordinal);
        }
        else
        {
            await AssertRefusalAsync(saved);
        }

        using var confirmed = await app.SendJsonAsync(HttpMethod.Post, HostileAppFixture.ApiUrl(Cards, "card/confirm"), joined.Token, Json(card));
        if (!confirmed.IsSuccessStatusCode)
        {
            await AssertRefusalAsync(confirmed);
            Assert.Null((await MeAsync(Cards, joined.Token)).CardId);
            return;
        }

        var stored = (await app.Log.ReadStudyAsync(Cards)).Select(e => e.Event).OfType<CardSubmitted>().Single(e => e.Actor == joined.ParticipantId);
        var text = field switch { "title" => stored.Title, "description" => stored.Description, _ => stored.Policies[0] };
        Assert.Equal(Core.TextNormalization.CollapseWhitespace(HostileStrings.ThroughUtf8(hostile)), text);
        var moderation = await app.Owner.GetStringAsync($"/console/{Cards}/moderation");
        HostileAssert.ShownAsText(moderation, text);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_vote_comment_is_refused_or_stored_verbatim(string name)
    {
        var hostile = HostileStrings.Get(name);
        var (joined, _) = await JoinWithCookieAsync(Votes);
        using var itemsResponse = await app.SendJsonAsync(HttpMethod.Get, HostileAppFixture.ApiUrl(Votes, "items"), joined.Token, null);
        var item = (await HostileAppFixture.ReadAsync<ItemsResponse>(itemsResponse)).Items[0];

        using var voted = await app.SendJsonAsync(HttpMethod.Post, HostileAppFixture.ApiUrl(Votes, $"items/{item.ItemId}/vote"), joined.Token, Json(new { verdict = "wiser", comment = hostile }));

        var votes = (await app.Log.ReadStudyAsync(Votes)).Select(e => e.Event).OfType<VoteCast>().Where(e => e.Actor == joined.ParticipantId).ToList();
        if (!voted.IsSuccessStatusCode)
        {
            await AssertRefusalAsync(voted);
            Assert.Empty(votes);
            return;
        }

        Assert.Equal(Core.TextNormalization.CollapseWhitespace(HostileStrings.ThroughUtf8(hostile)), Core.TextNormalization.CollapseWhitespace(Assert.Single(votes).Vote.Comment));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Every_other_parameter_refuses_a_hostile_value_with_a_4xx(string name)
    {
        var hostile = HostileStrings.Get(name);
        var (joined, _) = await JoinWithCookieAsync(Votes);
        var escaped = Uri.EscapeDataString(HostileStrings.ThroughUtf8(hostile).Replace("\0", string.Empty, StringComparison.Ordinal))[..Math.Min(2_000, Uri.EscapeDataString(HostileStrings.ThroughUtf8(hostile).Replace("\0", string.Empty, StringComparison.Ordinal)).Length)];
        var requests = new (HttpMethod Method, string Url, string? Token, string? Body)[]
        {
            (HttpMethod.Post, HostileAppFixture.ApiUrl(Votes, "join"), null, Json(new { consent = true, inviteCode = hostile })),
            (HttpMethod.Post, HostileAppFixture.ApiUrl(Votes, "resume"), null, Json(new { resumeCode = hostile })),
            (HttpMethod.Post, HostileAppFixture.ApiUrl(Cards, "question"), (await app.JoinAsync(Cards)).Token, Json(new { questionId = hostile })),
            (HttpMethod.Post, HostileAppFixture.ApiUrl(Cards, "interview"), (await app.JoinAsync(Cards)).Token, Json(new { text = "fine", intent = hostile })),
            (HttpMethod.Post, HostileAppFixture.ApiUrl(Votes, $"items/{escaped}/vote"), joined.Token, Json(new { verdict = "wiser" })),
            (HttpMethod.Post, HostileAppFixture.ApiUrl(Votes, "items/i0/vote"), joined.Token, Json(new { verdict = hostile })),
            (HttpMethod.Post, HostileAppFixture.ApiUrl(Votes, "survey"), joined.Token, Json(new { answers = new Dictionary<string, int> { [hostile] = 3 } })),
            (HttpMethod.Get, $"/api/v1/studies/{escaped}/participation/me", joined.Token, null),
            (HttpMethod.Get, HostileAppFixture.ApiUrl(Votes, "me"), ParticipantCookies.BearerPrefix + escaped, null),
            (HttpMethod.Get, $"/api/v1/studies/{escaped}/moral-graph", null, null),
        };

        foreach (var (method, url, token, body) in requests)
        {
            using var response = await app.SendJsonAsync(method, url, token, body);
            // The survey takes no question by that name; anything else here names nothing that exists.
            Assert.True((int)response.StatusCode is >= 400 and < 500 || (url.EndsWith("/join", StringComparison.Ordinal) && response.StatusCode == HttpStatusCode.Created),
                $"{method} {url[..Math.Min(url.Length, 120)]} answered {(int)response.StatusCode}.");
        }
    }

    [Theory]
    [InlineData("not-json", true)]
    [InlineData("truncated", true)]
    [InlineData("deeply-nested", true)]
    [InlineData("binary", true)]
    [InlineData("null-body", true)]
    [InlineData("wrong-types", false)]
    [InlineData("huge-array", false)]
    [InlineData("duplicate-keys", false)]
    [InlineData("lone-surrogate-escape", false)]
    [InlineData("over-64-kb", false)]
    public async Task A_malformed_request_body_is_refused_with_a_4xx_on_every_endpoint_that_reads_it(string body, bool unreadable)
    {
        var (joined, _) = await JoinWithCookieAsync(Votes);
        var json = body switch
        {
            "not-json" => "<script>alert(1)</script>",
            "truncated" => "{\"text\": \"abc",
            "deeply-nested" => new string('[', 5_000) + new string(']', 5_000),
            "wrong-types" => "{\"text\": [1], \"intent\": {}, \"title\": 7, \"policies\": \"x\", \"verdict\": false, \"answers\": [1], \"consent\": \"yes\"}",
            "binary" => new string([.. Enumerable.Range(0, 256).Select(i => (char)i)]),
            "null-body" => "null",
            "huge-array" => "{\"policies\": [" + string.Join(',', Enumerable.Repeat("\"x\"", 10_000)) + "]}",
            "duplicate-keys" => "{\"text\": \"one\", \"text\": \"two\"}",
            "lone-surrogate-escape" => "{\"text\": \"a\\uD83D b\", \"title\": \"\\uDE00\", \"comment\": \"\\uD800\"}",
            _ => "{\"text\": \"" + new string('x', 70_000) + "\"}",
        };

        foreach (var (method, path) in new[] { (HttpMethod.Post, "join"), (HttpMethod.Post, "resume"), (HttpMethod.Post, "question"), (HttpMethod.Post, "interview"), (HttpMethod.Put, "card/draft"), (HttpMethod.Post, "card/confirm"), (HttpMethod.Post, "items/i0/vote"), (HttpMethod.Post, "membership"), (HttpMethod.Post, "survey") })
        {
            using var response = await app.SendJsonAsync(method, HostileAppFixture.ApiUrl(Votes, path), joined.Token, json);
            // A readable body is read for the fields the endpoint takes (others are ignored, as JSON APIs do): those
            // must not break it; an unreadable one is refused everywhere.
            Assert.True(unreadable ? (int)response.StatusCode is >= 400 and < 500 : (int)response.StatusCode < 500, $"{path} answered {(int)response.StatusCode} to {body}.");
        }
    }

    private async Task<(JoinResponse Joined, string Cookie)> JoinWithCookieAsync(string slug)
    {
        using var response = await app.SendJsonAsync(HttpMethod.Post, HostileAppFixture.ApiUrl(slug, "join"), null, Json(new { consent = true }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ParticipantCookies.CookieName(slug) + "=", StringComparison.Ordinal)).Split(';')[0];
        return (await HostileAppFixture.ReadAsync<JoinResponse>(response), cookie);
    }

    private async Task<ParticipationResponse> MeAsync(string slug, string token)
    {
        using var response = await app.SendJsonAsync(HttpMethod.Get, HostileAppFixture.ApiUrl(slug, "me"), token, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await HostileAppFixture.ReadAsync<ParticipationResponse>(response);
    }

    private async Task<string> PageAsync(string url, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", cookie);
        using var response = await app.Anonymous.SendAsync(request);
        await HostileAssert.NoServerErrorAsync(response, url);
        return await response.Content.ReadAsStringAsync();
    }

    // A refusal says why: a problem document with a title (and the journey's code), or the framework's 413 for a body
    // over the API's limit.
    private static async Task AssertRefusalAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"Answered {status}.");
        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            return;
        }

        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
    }

    // Serialized here, escaping nothing a browser would not: lone surrogates go out as \u escapes, as JSON allows.
    private static readonly JsonSerializerOptions Relaxed = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string Json(object value) => JsonSerializer.Serialize(value, Relaxed);
}
