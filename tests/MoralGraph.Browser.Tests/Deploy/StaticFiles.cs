using System.Net;

namespace MoralGraph.Browser.Tests.Deploy;

/// <summary>The static files every page (or the console's graph) loads, and how to check one is really served.</summary>
public static class StaticFiles
{
    /// <summary>Path and media type of each: the framework's script, MudBlazor's package files, the scoped-CSS bundle, the app's own files, the vendored Cytoscape.js.</summary>
    public static TheoryData<string, string> EveryPageNeeds { get; } = new()
    {
        { "/_framework/blazor.web.js", "text/javascript" },
        { "/_content/MudBlazor/MudBlazor.min.css", "text/css" },
        { "/_content/MudBlazor/MudBlazor.min.js", "text/javascript" },
        { "/MoralGraph.Web.styles.css", "text/css" },
        { "/css/journey.css", "text/css" },
        { "/css/account.css", "text/css" },
        { "/js/moral-graph-view.js", "text/javascript" },
        { "/js/interview-chat.js", "text/javascript" },
        { "/vendor/cytoscape/cytoscape.min.js", "text/javascript" },
    };

    /// <summary>
    /// Fetches <paramref name="path"/> and asserts a 200 with <paramref name="mediaType"/> and the whole body: a missing
    /// file used to answer 500, or 200 with no body and no type, which a status check alone would pass.
    /// </summary>
    public static async Task<byte[]> AssertServedAsync(HttpClient client, string path, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsByteArrayAsync();

        var servedType = response.Content.Headers.ContentType?.MediaType;
        var problem = response.StatusCode != HttpStatusCode.OK ? $"answered {(int)response.StatusCode}"
            : servedType != mediaType ? $"answered {servedType ?? "no content type"} rather than {mediaType}"
            : body.Length == 0 ? "answered an empty body"
            : response.Content.Headers.ContentLength is { } length && length != body.Length ? $"announced {length} bytes and sent {body.Length}"
            : null;
        Assert.True(problem is null, $"{path} {problem}.");

        return body;
    }
}
