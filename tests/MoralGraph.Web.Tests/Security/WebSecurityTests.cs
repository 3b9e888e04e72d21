using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using MoralGraph.Core.Participation;
using MoralGraph.Web.Access;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Security;
using MoralGraph.Web.Tests.Access;
using MoralGraph.Web.Tests.Participation;

namespace MoralGraph.Web.Tests.Security;

/// <summary>The headers every response carries, the request size limits, and the API's security scheme in its OpenAPI document.</summary>
public sealed partial class WebSecurityTests : IAsyncLifetime
{
    private const string Slug = "guarded";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly MoralGraphAppFactory _app = new MoralGraphAppFactory().WithStudyFile("guarded.yaml", JourneyAppFixture.StudyYaml(Slug, "interviewing"));
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/s/" + Slug)]
    [InlineData("/account/login")]
    [InlineData("/setup")]
    [InlineData("/api/v1/studies/" + Slug + "/participation/me")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/no-such-page")]
    public async Task Every_response_carries_the_policy_and_the_browser_headers(string path)
    {
        using var response = await _client.GetAsync(path);

        var policy = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Matches("script-src 'self' 'nonce-[A-Za-z0-9_-]{22}';", policy);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotMatch("script-src[^;]*unsafe-inline", policy);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        // Development (the test host's environment) never sends HSTS: a developer's localhost would remember it.
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task The_pages_import_map_carries_the_nonce_of_its_own_response_and_a_new_one_each_time()
    {
        using var first = await _client.GetAsync("/s/" + Slug);
        using var second = await _client.GetAsync("/s/" + Slug);

        var nonce = NonceOf(first);
        Assert.Matches($"<script type=\"importmap\" nonce=\"{Regex.Escape(nonce)}\">", await first.Content.ReadAsStringAsync());
        Assert.NotEqual(nonce, NonceOf(second));
        // The policy admits no other inline script: each one the page has is the import map or has a src.
        var html = await second.Content.ReadAsStringAsync();
        Assert.All(ScriptTag().Matches(html), tag => Assert.True(
            tag.Value.Contains("src=", StringComparison.Ordinal) || tag.Value.Contains($"nonce=\"{NonceOf(second)}\"", StringComparison.Ordinal), tag.Value));
    }

    [Fact]
    public async Task Outside_development_https_responses_carry_hsts_for_a_year()
    {
        await using var production = new MoralGraphAppFactory().WithSetting(WebHostDefaults.EnvironmentKey, "Production");
        using var client = production.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://moralgraph.example.org"), AllowAutoRedirect = false });

        using var response = await client.GetAsync("/account/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", Header(response, "Strict-Transport-Security"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_card_draft_over_the_participant_limit_is_refused_with_413_and_the_saved_draft_stays()
    {
        var token = await JoinAsync();
        var saved = new CardRequest("Gentle presence", "Being there without fixing.", ["MOMENTS when she wants to talk"]);
        using var first = await SendAsync(HttpMethod.Put, "card/draft", token, JsonContent.Create(saved, options: Json));
        Assert.True(first.IsSuccessStatusCode, $"saving the first draft answered {(int)first.StatusCode}");

        var huge = saved with { Description = new string('x', (int)RequestBodyLimits.ParticipantApiBytes) };
        using var refused = await SendAsync(HttpMethod.Put, "card/draft", token, JsonContent.Create(huge, options: Json));

        await AssertTooLargeAsync(refused, RequestBodyLimits.ParticipantApiBytes);
        using var me = await SendAsync(HttpMethod.Get, "me", token);
        var participation = await me.Content.ReadFromJsonAsync<ParticipationResponse>(Json);
        Assert.Equal("Being there without fixing.", participation!.Draft?.Description);
    }

    [Fact]
    public async Task A_body_without_a_declared_length_is_counted_as_it_is_read_and_refused_past_the_limit()
    {
        var eventsBefore = await StudyEventCountAsync();
        var json = "{\"consent\": true, \"inviteCode\": \"" + new string('x', (int)RequestBodyLimits.ParticipantApiBytes) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/studies/{Slug}/participation/join")
        {
            // A stream of unknown length goes out chunked: no Content-Length to refuse it by up front.
            Content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(json))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var refused = await _client.SendAsync(request);

        await AssertTooLargeAsync(refused, RequestBodyLimits.ParticipantApiBytes);
        Assert.Equal(eventsBefore, await StudyEventCountAsync());
    }

    [Fact]
    public async Task An_oversized_sign_in_or_setup_form_is_refused_with_413_and_creates_nobody()
    {
        using var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var antiforgery = await browser.AntiforgeryTokenAsync(FacilitatorSignIn.LoginPath);
        var padding = new string('p', (int)RequestBodyLimits.AccountFormBytes);

        foreach (var path in new[] { FacilitatorSignIn.LoginPath, AccountEndpoints.SetupPath })
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = antiforgery,
                ["token"] = _app.SetupTokenFromLog(),
                ["username"] = "someone",
                ["password"] = padding,
                ["confirmPassword"] = padding,
            });
            using var refused = await browser.PostAsync(path, form);
            await AssertTooLargeAsync(refused, RequestBodyLimits.AccountFormBytes);
        }

        Assert.False((await _app.Access().GetStateAsync()).HasOwner);
    }

    [Fact]
    public async Task The_facilitator_api_and_the_pages_refuse_bodies_over_their_limits()
    {
        var (_, keyClient) = await _app.ApiKeyClientAsync(Slug);
        using (keyClient)
        {
            using var export = new HttpRequestMessage(HttpMethod.Get, $"/api/studies/{Slug}/export?format=json")
            {
                Content = new ByteArrayContent(new byte[RequestBodyLimits.FacilitatorApiBytes + 1]),
            };
            using var refused = await keyClient.SendAsync(export);
            await AssertTooLargeAsync(refused, RequestBodyLimits.FacilitatorApiBytes);
        }

        using var page = await _client.PostAsync("/s/" + Slug, new ByteArrayContent(new byte[RequestBodyLimits.DefaultBytes + 1]));
        await AssertTooLargeAsync(page, RequestBodyLimits.DefaultBytes);
    }

    [Fact]
    public async Task Bodies_within_the_limit_still_go_through()
    {
        var token = await JoinAsync();
        var nearLimit = new CardRequest("Gentle presence", new string('x', (int)RequestBodyLimits.ParticipantApiBytes - 1024), ["MOMENTS when she wants to talk"]);

        using var saved = await SendAsync(HttpMethod.Put, "card/draft", token, JsonContent.Create(nearLimit, options: Json));

        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, saved.StatusCode);
        Assert.True((int)saved.StatusCode < 500, $"answered {(int)saved.StatusCode}");
    }

    [Fact]
    public async Task The_openapi_document_declares_the_bearer_scheme_and_marks_the_operations_that_need_it()
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;

        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty(OpenApiSecurity.SchemeName);
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Contains("mgk_", scheme.GetProperty("bearerFormat").GetString(), StringComparison.Ordinal);
        Assert.Contains("mgp_", scheme.GetProperty("bearerFormat").GetString(), StringComparison.Ordinal);

        var secured = Operations(root).Where(o => RequiresBearer(o.Operation)).Select(o => o.Id).ToHashSet();
        Assert.Superset(new HashSet<string> { "ListStudies", "ExportStudy", "GetParticipation", "InterviewTurn", "SaveCardDraft", "Vote", "Withdraw", "GetMyValue" }, secured);
        Assert.DoesNotContain("JoinStudy", secured);
        Assert.DoesNotContain("ResumeParticipation", secured);
        Assert.DoesNotContain("AlignmentSpecSchema", secured);
    }

    private static IEnumerable<(string Id, JsonElement Operation)> Operations(JsonElement root) =>
        root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .Where(operation => operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("operationId", out _))
            .Select(operation => (operation.Value.GetProperty("operationId").GetString()!, operation.Value));

    private static bool RequiresBearer(JsonElement operation) =>
        operation.TryGetProperty("security", out var security)
        && security.EnumerateArray().Any(requirement => requirement.TryGetProperty(OpenApiSecurity.SchemeName, out _));

    private static async Task AssertTooLargeAsync(HttpResponseMessage response, long limit)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(413, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains($"at most {limit / 1024:N0} KB", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<string> JoinAsync()
    {
        using var response = await _client.PostAsJsonAsync($"/api/v1/studies/{Slug}/participation/join", new JoinRequest(true, null));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JoinResponse>(Json))!.Token;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, $"/api/v1/studies/{Slug}/participation/{path}") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _client.SendAsync(request);
    }

    private async Task<int> StudyEventCountAsync() => (await _app.Services.GetRequiredService<IEventLog>().ReadStudyAsync(Slug)).Count;

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues)
        : throw new Xunit.Sdk.XunitException($"{name} is missing from the answer to {response.RequestMessage?.RequestUri}.");

    private static string NonceOf(HttpResponseMessage response) =>
        NonceInPolicy().Match(Header(response, "Content-Security-Policy")).Groups[1].Value;

    [GeneratedRegex("'nonce-([^']+)'", RegexOptions.None, 1000)]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex("<script[^>]*>", RegexOptions.None, 1000)]
    private static partial Regex ScriptTag();

    /// <summary>A readable stream that does not say how long it is.</summary>
    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
