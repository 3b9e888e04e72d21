using System.Net;
using System.Text.RegularExpressions;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;

namespace MoralGraph.Browser.Tests.Deploy;

/// <summary>
/// <c>dotnet publish</c> output runs as is: started in Production from another folder with only a store path set, it
/// serves its pages and static files, seeds the example study it was published with, and keeps its data where configured.
/// </summary>
[Collection(DeployedApp.Name)]
public sealed partial class PublishedAppTests(PublishedMoralGraphServer server, ITestOutputHelper output)
    : IClassFixture<PublishedMoralGraphServer>, IDisposable
{
    private readonly HttpClient _client = new() { BaseAddress = server.BaseAddress };

    [Theory]
    [MemberData(nameof(StaticFiles.EveryPageNeeds), MemberType = typeof(StaticFiles))]
    public async Task Every_static_file_is_served_from_the_publish_output(string path, string mediaType)
    {
        await StaticFiles.AssertServedAsync(_client, path, mediaType);
    }

    [Fact]
    public async Task The_home_page_and_every_stylesheet_and_script_it_links_are_served()
    {
        using var home = await _client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("text/html", home.Content.Headers.ContentType?.MediaType);

        // The page links fingerprinted copies (MudBlazor.min.k4r0it8844.css), which a browser fetches instead of the plain names.
        var linked = LinkedAsset().Matches(await home.Content.ReadAsStringAsync()).Select(m => m.Groups["path"].Value).Distinct().ToList();
        Assert.Contains(linked, path => path.StartsWith("_framework/blazor.web.", StringComparison.Ordinal));
        Assert.Contains(linked, path => path.StartsWith("_content/MudBlazor/MudBlazor.min.", StringComparison.Ordinal));
        foreach (var path in linked)
        {
            output.WriteLine(path);
            await StaticFiles.AssertServedAsync(_client, "/" + path, path.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript");
        }
    }

    [Fact]
    public async Task The_vendored_cytoscape_is_the_repository_file()
    {
        var served = await StaticFiles.AssertServedAsync(_client, "/vendor/cytoscape/cytoscape.min.js", "text/javascript");

        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(BuiltApp.RepositoryRoot, "wwwroot-assets", "cytoscape", "cytoscape.min.js")), served);
    }

    [Fact]
    public void The_content_root_is_the_publish_folder_wherever_the_app_was_started()
    {
        Assert.Contains($"Content root path: {Path.TrimEndingDirectorySeparator(server.AppFolder)}", server.Log.ToString(), StringComparison.Ordinal);
        // The published appsettings.json is read: it keeps ASP.NET Core's per-request lines (Information) out of the log.
        Assert.DoesNotContain("Request starting", server.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_example_study_published_with_the_app_is_seeded_into_the_empty_store()
    {
        var seededFrom = Path.Combine(server.AppFolder, "studies", "dft-2023.yaml");
        Assert.Contains($"Seeded study '{ExampleStudy.Slug}'", server.Log.ToString(), StringComparison.Ordinal);
        Assert.Contains(seededFrom, server.Log.ToString(), StringComparison.Ordinal);

        using var participantPage = await _client.GetAsync(new Uri($"/s/{ExampleStudy.Slug}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, participantPage.StatusCode);
    }

    [Fact]
    public void The_store_and_its_data_protection_keys_are_where_configured_and_nowhere_else()
    {
        Assert.True(File.Exists(server.DatabasePath), $"no store at {server.DatabasePath}");
        var keys = Path.Combine(Path.GetDirectoryName(server.DatabasePath)!, "keys");
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));

        Assert.False(Directory.Exists(Path.Combine(server.AppFolder, "data")), "a store was created in the publish folder");
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.StartFolder));
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex(@"(?:href|src)=""(?<path>[^""#?:]+\.(?:css|js))""", RegexOptions.CultureInvariant)]
    private static partial Regex LinkedAsset();
}
