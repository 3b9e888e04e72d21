using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
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
