using System.Net;
using System.Security.Cryptography;
using MoralGraph.Tests;

namespace MoralGraph.Web.Tests.Live;

/// <summary>The graph view's scripts come from this server, never a CDN (rooms have poor networks).</summary>
public sealed class VendoredAssetTests
{
    [Fact]
    public async Task Cytoscape_its_licence_and_the_graph_script_are_served_at_stable_urls_exactly_as_vendored()
    {
        await using var app = new MoralGraphAppFactory();
        using var client = app.CreateClient();

        using var script = await client.GetAsync("/vendor/cytoscape/cytoscape.min.js");
        using var licence = await client.GetAsync("/vendor/cytoscape/LICENSE");
        using var view = await client.GetAsync("/js/moral-graph-view.js");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (script.StatusCode, licence.StatusCode, view.StatusCode));
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            SHA256.HashData(await File.ReadAllBytesAsync(RepositoryFiles.PathOf("wwwroot-assets/cytoscape/cytoscape.min.js"))),
            SHA256.HashData(await script.Content.ReadAsByteArrayAsync()));
        Assert.Contains("export async function create(", await view.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
