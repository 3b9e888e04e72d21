using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MoralGraph.Web.Api;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.Api;

public sealed class ReleaseApiTests(SeededAppFixture app) : IClassFixture<SeededAppFixture>
{
    private readonly HttpClient _client = app.Client;

    [Fact]
    public async Task Releases_are_published_listed_downloaded_byte_for_byte_and_compared()
    {
        const string Releases = "/api/studies/demo/releases";
        using var first = await _client.PostAsJsonAsync(Releases, new PublishReleaseRequest("First round", null));
        using var second = await _client.PostAsJsonAsync(Releases, new PublishReleaseRequest("Second look", "default"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var v1 = (await first.Content.ReadFromJsonAsync<ReleaseListItem>())!;
        var v2 = (await second.Content.ReadFromJsonAsync<ReleaseListItem>())!;
        Assert.Equal(("v1", (string?)null, "First round"), (v1.ReleaseId, v1.PreviousReleaseId, v1.Note));
        Assert.Equal(("v2", (string?)"v1"), (v2.ReleaseId, v2.PreviousReleaseId));
        Assert.Equal("/api/studies/demo/releases/v2", second.Headers.Location?.OriginalString);
        var listed = (await _client.GetFromJsonAsync<List<ReleaseListItem>>(Releases))!;
        Assert.Equal(["v1", "v2"], listed.Select(r => r.ReleaseId));

        using var download = await _client.GetAsync($"{Releases}/v2");
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(v2.SpecSha256, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        using (var spec = JsonDocument.Parse(bytes))
        {
            Assert.Equal("v2", spec.RootElement.GetProperty("releaseId").GetString());
            Assert.Equal("v1", spec.RootElement.GetProperty("previousReleaseId").GetString());
        }

        using var diff = JsonDocument.Parse(await _client.GetStringAsync($"{Releases}/v1/diff/v2"));
        Assert.Equal("v1", diff.RootElement.GetProperty("from").GetProperty("releaseId").GetString());
        Assert.Equal("v2", diff.RootElement.GetProperty("to").GetProperty("releaseId").GetString());
        var live = await _client.GetStringAsync($"{Releases}/v2/diff/live?format=markdown");
        Assert.StartsWith("# Spec diff: v2 → ", live, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/studies/demo/releases/v9", HttpStatusCode.NotFound)]
    [InlineData("/api/studies/demo/releases/v9/diff/live", HttpStatusCode.NotFound)]
    [InlineData("/api/studies/nope/releases", HttpStatusCode.NotFound)]
    [InlineData("/api/studies/demo/releases/v1/diff/live?format=yaml", HttpStatusCode.BadRequest)]
    public async Task Unknown_studies_releases_and_formats_are_refused_with_a_problem(string url, HttpStatusCode status)
    {
        using var response = await _client.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_release_needs_a_note_and_a_known_profile()
    {
        using var noNote = await _client.PostAsJsonAsync($"/api/studies/{TestStudies.KindnessSlug}/releases", new PublishReleaseRequest(" ", null));
        using var badProfile = await _client.PostAsJsonAsync($"/api/studies/{TestStudies.KindnessSlug}/releases", new PublishReleaseRequest("n", "other"));

        Assert.Equal(HttpStatusCode.BadRequest, noNote.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badProfile.StatusCode);
    }
}

/// <summary>Who may publish: a study's API key lists releases but cannot publish one.</summary>
public sealed class ReleaseAccessTests(AccessAppFixture app) : IClassFixture<AccessAppFixture>
{
    [Fact]
    public async Task An_api_key_lists_releases_but_may_not_publish()
    {
        var releases = $"/api/studies/{AccessAppFixture.StudySlug}/releases";

        using var list = await app.KeyOfStudy.GetAsync(releases);
        using var publish = await app.KeyOfStudy.PostAsJsonAsync(releases, new PublishReleaseRequest("By a key", null));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        Assert.Empty((await app.Owner.GetFromJsonAsync<List<ReleaseListItem>>(releases))!);
    }
}

/// <summary>The training-data formats are offered by the export endpoint like the others.</summary>
public sealed class TrainingDataApiTests(SeededAppFixture app) : IClassFixture<SeededAppFixture>
{
    [Theory]
    [InlineData("jsonl-preferences", "demo-default.preferences.zip", "preferences.jsonl")]
    [InlineData("principles", "demo-default.principles.zip", "principles.md")]
    public async Task Each_training_format_downloads_as_a_zip_with_its_dataset_card(string format, string fileName, string dataFile)
    {
        using var response = await app.Client.GetAsync($"/api/studies/demo/export?format={format}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(fileName, response.Content.Headers.ContentDisposition?.FileName);
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.NotNull(archive.GetEntry(dataFile));
        Assert.NotNull(archive.GetEntry("README.md"));
    }
}
