using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Participation;
using Xunit.Abstractions;

namespace MoralGraph.Web.Tests.Access;

/// <summary>
/// Every endpoint the app maps (API routes, Razor component pages, hubs, form posts) is refused to anonymous callers
/// unless it is on the public list below. The endpoints are read from the app's <see cref="EndpointDataSource"/>, so
/// a new endpoint is checked without anyone remembering to: one that answers anonymous callers (marked
/// AllowAnonymous, or given a policy that lets everyone in) fails this test until it is on <see cref="Public"/> with
/// the reason. An endpoint mapped with no policy at all is refused by the fallback policy, and passes.
/// </summary>
public sealed class EndpointAccessTests(AccessAppFixture app, ITestOutputHelper output) : IClassFixture<AccessAppFixture>
{
    /// <summary>Route patterns anyone may call, with why.</summary>
    private static readonly Dictionary<string, string> Public = new(StringComparer.Ordinal)
    {
        ["/"] = "the study list with participant links (downloads only for facilitators)",
        ["/s/{Slug}"] = "participant journey",
        ["/s/{Slug}/resume"] = "participant journey",
        ["/s/{Slug}/my-value"] = "participant journey",
        ["/s/{Slug}/withdrawn"] = "participant journey",
        ["/s/{slug}/session"] = "sets the participant cookie",
        ["/s/{slug}/leave"] = "clears the participant cookie",
        ["/language"] = "keeps the participant's language choice in the culture cookie",
        ["/api/v1/studies/{slug}/participation/join"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/resume"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/me"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/question"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/interview"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/card/draft"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/card/confirm"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/items"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/items/{itemId}/vote"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/membership"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/survey"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/withdraw"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/api/v1/studies/{slug}/participation/my-value"] = "participant API (the participant's own cookie or token; anonymous callers get 401)",
        ["/join"] = "participant invite code",
        ["/join/{Code}"] = "participant invite code",
        ["/account/login"] = "sign-in page and its form post",
        ["/account/logout"] = "sign-out form post",
        ["/account/denied"] = "says a role is missing",
        ["/setup"] = "first owner; 404 once there is one",
        ["/not-found"] = "404 page",
        ["/Error"] = "error page",
        ["/schemas/alignment-spec.v1.schema.json"] = "the published schema, no data",
        ["/openapi/{documentName}.json"] = "the API's description, no data",
        ["/{**path:file}"] = "static files (Development serves files added after the build this way)",
    };

    /// <summary>Blazor's plumbing: the circuit hub (participants use it) and framework files.</summary>
    private static readonly string[] PublicPrefixes = ["/_blazor", "/_framework"];

    [Fact]
    public async Task Every_endpoint_not_on_the_public_list_refuses_anonymous_callers()
    {
        var checkedRoutes = new List<string>();
        var problems = new List<string>();
        foreach (var (pattern, method, url) in ProtectedRequests())
        {
            using var response = await app.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
            checkedRoutes.Add($"{method} {pattern}: {(int)response.StatusCode} {response.Headers.Location}");
            if (!IsRefusal(response, "/account/login"))
            {
                problems.Add($"{method} {url} ({pattern}) answered an anonymous caller {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        output.WriteLine(string.Join('\n', checkedRoutes));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Contains(checkedRoutes, r => r.StartsWith("GET /api/studies/{id}/export", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_study_endpoint_refuses_an_observer_of_another_study()
    {
        var problems = new List<string>();
        var checkedCount = 0;
        foreach (var (pattern, method, url) in ProtectedRequests().Where(r => StudyParameter(r.Pattern) is not null))
        {
            checkedCount++;
            using var response = await app.ObserverOfOther.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
            if (!IsRefusal(response, "/account/denied") || response.StatusCode == HttpStatusCode.Unauthorized)
            {
                problems.Add($"{method} {url} ({pattern}) answered an observer of another study {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.NotEqual(0, checkedCount);
    }

    [Fact]
    public async Task Every_endpoint_not_on_the_public_list_refuses_a_revoked_key()
    {
        var problems = new List<string>();
        foreach (var (pattern, method, url) in ProtectedRequests())
        {
            using var response = await app.RevokedKey.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
            if (!IsRefusal(response, "/account/login"))
            {
                problems.Add($"{method} {url} ({pattern}) answered a revoked key {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>
    /// A study's key reads its exports over the HTTP API and nothing else: every page (the console, the dashboard, settings
    /// with the study's YAML, moderation with every card and flag, audit, exports), the hub and the account forms refuse it
    /// with 401 or 403 — never a rendered page, never a 500.
    /// </summary>
    [Fact]
    public async Task Every_endpoint_but_the_http_api_refuses_a_live_key_of_its_own_study()
    {
        var checkedRoutes = new List<string>();
        var problems = new List<string>();
        foreach (var (pattern, method, url) in ProtectedRequests().Where(r => !r.Pattern.StartsWith(StudyApiPrefix, StringComparison.Ordinal)))
        {
            using var response = await app.KeyOfStudy.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
            checkedRoutes.Add($"{method} {pattern}");
            if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
            {
                problems.Add($"{method} {url} ({pattern}) answered the study's API key {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Contains("GET /console/{slug}/audit", checkedRoutes);
        Assert.Contains("GET /console/{slug}/moderation", checkedRoutes);
        using var export = await app.KeyOfStudy.GetAsync($"/api/studies/{AccessAppFixture.StudySlug}/export?format=md");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
    }

    /// <summary>
    /// The participant API (read from the app's endpoints) answers only the participant a session belongs to, in its own
    /// study: no session, another study's participant token, an API key or a facilitator's sign-in are 401 (joining and
    /// resuming are how a session starts, so they need none).
    /// </summary>
    [Fact]
    public async Task Every_participant_endpoint_refuses_callers_who_are_not_a_participant_of_the_study()
    {
        var otherStudysToken = (await JoinAsync(AccessAppFixture.OtherSlug)).Token;
        var callers = new Dictionary<string, (HttpClient Client, string? Bearer)>
        {
            ["no session"] = (app.Anonymous, null),
            ["another study's participant token"] = (app.Anonymous, otherStudysToken),
            ["the study's API key"] = (app.KeyOfStudy, null),
            ["a revoked API key"] = (app.RevokedKey, null),
            ["the owner's sign-in"] = (app.Owner, null),
        };

        var problems = new List<string>();
        var requests = ParticipantRequests().Where(r => !StartsASession(r.Pattern)).ToList();
        foreach (var (caller, (client, bearer)) in callers)
        {
            foreach (var (pattern, method, url) in requests)
            {
                using var response = await client.SendAsync(ParticipantRequest(method, url, bearer));
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    problems.Add($"{method} {url} ({pattern}) answered {caller} {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Contains(requests, r => r.Pattern.EndsWith("/items/{itemId}/vote", StringComparison.Ordinal));
    }

    /// <summary>
    /// One participant's token, sent to every participant endpoint with another participant's item, reads nothing of theirs
    /// and answers none of their items (item ids are the participant's own: "i0" is the caller's first item, not theirs); the
    /// other participant's journey is as it was.
    /// </summary>
    [Fact]
    public async Task No_participant_endpoint_lets_one_participant_read_or_answer_for_another()
    {
        var journey = app.Factory.Services.GetRequiredService<ParticipationService>();
        // The other study is voting: a participant who joins it goes straight to the items.
        var other = (await journey.JoinAsync(AccessAppFixture.OtherSlug, null)).ParticipantId;
        var othersItems = await journey.PendingItemsAsync(AccessAppFixture.OtherSlug, other);
        Assert.NotEmpty(othersItems);
        var token = (await JoinAsync(AccessAppFixture.OtherSlug)).Token;

        var problems = new List<string>();
        // Withdrawing ends the caller's own session, so it goes last.
        foreach (var (pattern, method, url) in ParticipantRequests(AccessAppFixture.OtherSlug, othersItems[0].ItemId).OrderBy(r => r.Pattern.EndsWith("/withdraw", StringComparison.Ordinal)))
        {
            using var response = await app.Anonymous.SendAsync(ParticipantRequest(method, url, token));
            var body = await response.Content.ReadAsStringAsync();
            if (body.Contains(other, StringComparison.Ordinal))
            {
                problems.Add($"{method} {url} ({pattern}) answered another participant's token {(int)response.StatusCode}: {body}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        var after = await journey.ViewAsync(AccessAppFixture.OtherSlug, other);
        Assert.NotNull(after?.Participant);
        Assert.Equal(othersItems.Select(i => i.ItemId), (await journey.PendingItemsAsync(AccessAppFixture.OtherSlug, other)).Select(i => i.ItemId));
    }

    [Fact]
    public void Every_public_route_still_exists()
    {
        var patterns = Endpoints().Select(e => e.Pattern).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain(Public.Keys, p => !patterns.Contains(p));
    }

    [Fact]
    public async Task The_public_pages_answer_without_sign_in()
    {
        foreach (var path in new[] { "/", "/s/" + AccessAppFixture.StudySlug, "/account/login", "/account/denied", "/not-found", "/schemas/alignment-spec.v1.schema.json", "/openapi/v1.json" })
        {
            using var response = await app.Anonymous.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
        }
    }

    private const string StudyApiPrefix = "/api/studies";

    private static bool StartsASession(string pattern) =>
        pattern.EndsWith("/participation/join", StringComparison.Ordinal) || pattern.EndsWith("/participation/resume", StringComparison.Ordinal);

    /// <summary>Every participant API endpoint of the running app, filled with <paramref name="slug"/> and <paramref name="itemId"/>.</summary>
    private IEnumerable<(string Pattern, string Method, string Url)> ParticipantRequests(string slug = AccessAppFixture.StudySlug, string itemId = "sample")
    {
        foreach (var (endpoint, pattern) in Endpoints().Where(e => e.Pattern.StartsWith(ParticipantApi.Prefix, StringComparison.Ordinal)))
        {
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                yield return (pattern, method, pattern.Replace("{slug}", slug, StringComparison.Ordinal).Replace("{itemId}", itemId, StringComparison.Ordinal));
            }
        }
    }

    /// <summary>A request with a body every endpoint would act on if it let the caller through (extra fields are ignored).</summary>
    private static HttpRequestMessage ParticipantRequest(string method, string url, string? bearer)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new
            {
                consent = true, verdict = "wiser", stillMine = false, questionId = "grief", text = "An answer.", intent = "answer",
                title = "A title", description = "A description.", policies = new[] { "MOMENTS that matter" }, answers = new Dictionary<string, int> { ["clarity"] = 3 },
            });
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    private async Task<JoinResponse> JoinAsync(string slug)
    {
        using var response = await app.Anonymous.PostAsJsonAsync($"/api/v1/studies/{slug}/participation/join", new JoinRequest(true, null));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JoinResponse>())!;
    }

    /// <summary>401, 403, or a redirect to <paramref name="page"/> (pages).</summary>
    private static bool IsRefusal(HttpResponseMessage response, string page) =>
        response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found
            && response.Headers.Location is { } location
            && (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0]) == page);

    private IEnumerable<(string Pattern, string Method, string Url)> ProtectedRequests()
    {
        foreach (var (endpoint, pattern) in Endpoints())
        {
            if (Public.ContainsKey(pattern) || PublicPrefixes.Any(p => pattern.StartsWith(p, StringComparison.Ordinal)) || IsStaticAsset(endpoint))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                yield return (pattern, method, Fill(endpoint.RoutePattern));
            }
        }
    }

    /// <summary>Every route endpoint of the running app, with its pattern written from the root ("/api/…", "/_blazor").</summary>
    private IReadOnlyList<(RouteEndpoint Endpoint, string Pattern)> Endpoints()
    {
        _ = app.Factory.Server;
        return
        [
            .. app.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Select(e => (e, "/" + e.RoutePattern.RawText!.TrimStart('/'))),
        ];
    }

    // Files from wwwroot and packages (MapStaticAssets): a route without parameters per file.
    private static bool IsStaticAsset(RouteEndpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor");

    private static string? StudyParameter(string pattern) =>
        new[] { "{id}", "{slug}" }.FirstOrDefault(p => pattern.Contains(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>The route with sample values: a real study for a study parameter.</summary>
    private static string Fill(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern)
    {
        var url = "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => SampleValue(parameter.Name),
            _ => string.Empty,
        }))));
        return url;
    }

    private static string SampleValue(string parameter) => parameter.ToUpperInvariant() switch
    {
        "ID" or "SLUG" or "STUDY" or "STUDYID" => AccessAppFixture.StudySlug,
        _ => "sample",
    };
}
