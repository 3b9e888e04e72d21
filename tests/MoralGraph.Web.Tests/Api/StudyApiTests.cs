using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml.Linq;
using MoralGraph.Core.Export;

namespace MoralGraph.Web.Tests.Api;

public sealed class StudyApiTests(SeededAppFixture app) : IClassFixture<SeededAppFixture>
{
    private readonly HttpClient _client = app.Client;

    [Fact]
    public async Task The_study_list_shows_each_study_with_its_phase_and_question_count()
    {
        var studies = await GetJsonAsync("/api/studies");

        var kindness = studies.EnumerateArray().Single(s => s.GetProperty("slug").GetString() == TestStudies.KindnessSlug);
        Assert.Equal(TestStudies.KindnessTitle, kindness.GetProperty("title").GetString());
        Assert.Equal("voting", kindness.GetProperty("phase").GetString());
        Assert.Equal(1, kindness.GetProperty("questionCount").GetInt32());
    }

    [Fact]
    public async Task Seed_files_that_are_not_valid_studies_are_skipped_and_the_valid_one_is_still_seeded()
    {
        var studies = await GetJsonAsync("/api/studies");

        var slugs = studies.EnumerateArray().Select(s => s.GetProperty("slug").GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([SeededAppFixture.DemoSlug, TestStudies.KindnessSlug], slugs);
        var warnings = app.Factory.Logs.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Contains(warnings, w => w.Contains("a-not-yaml.yaml", StringComparison.Ordinal) && w.Contains("line", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("b-invalid.yaml", StringComparison.Ordinal)
            && w.Contains("slug", StringComparison.Ordinal) && w.Contains("title", StringComparison.Ordinal) && w.Contains("questions", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("json", "application/json", "demo-default.json")]
    [InlineData("graphml", "application/graphml+xml", "demo-default.graphml")]
    [InlineData("csv", "application/zip", "demo-default.zip")]
    [InlineData("md", "text/markdown", "demo-default.md")]
    [InlineData("mai", "application/json", "demo-default.mai.json")]
    public async Task Each_export_format_downloads_as_a_file_with_its_media_type(string format, string mediaType, string fileName)
    {
        using var response = await _client.GetAsync($"/api/studies/demo/export?format={format}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(fileName, response.Content.Headers.ContentDisposition?.FileName);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 500, "the export should hold the demo study's graph");
    }

    [Fact]
    public async Task Json_is_the_default_format_and_is_an_alignment_spec_with_its_content_hash()
    {
        using var response = await _client.GetAsync("/api/studies/demo/export");
        using var spec = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var root = spec.RootElement;
        Assert.Equal(AlignmentSpec.CurrentSchemaVersion, root.GetProperty("schemaVersion").GetString());
        var contentHash = root.GetProperty("contentHash").GetString();
        Assert.StartsWith("sha256:", contentHash, StringComparison.Ordinal);
        Assert.Equal("default", root.GetProperty("algorithm").GetProperty("profile").GetString());
        Assert.NotEqual(0, root.GetProperty("values").GetArrayLength());
        Assert.Equal(new EntityTagHeaderValue($"\"{contentHash}\"", isWeak: true), response.Headers.ETag);
    }

    [Theory]
    [InlineData("md")]
    [InlineData("json")]
    public async Task A_client_holding_the_same_content_gets_not_modified(string format)
    {
        // The json spec is streamed after its tag; a later export has another generation time, yet the same content.
        using var first = await _client.GetAsync($"/api/studies/demo/export?format={format}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/studies/demo/export?format={format}");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var second = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task The_profile_chooses_the_reconciliation_and_names_the_file()
    {
        using var response = await _client.GetAsync("/api/studies/demo/export?format=json&profile=mai-2023");
        using var spec = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("demo-mai-2023.json", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("mai-2023", spec.RootElement.GetProperty("algorithm").GetProperty("profile").GetString());
    }

    [Fact]
    public async Task The_bridging_profile_exports_a_spec_ranked_by_bridging_with_the_opinion_groups_recorded()
    {
        using var response = await _client.GetAsync("/api/studies/demo/export?format=json&profile=bridging");
        using var spec = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("demo-bridging.json", response.Content.Headers.ContentDisposition?.FileName);
        var root = spec.RootElement;
        Assert.Equal("bridging", root.GetProperty("algorithm").GetProperty("profile").GetString());
        var bridging = root.GetProperty("bridging");
        Assert.Equal("pca-kmeans++-silhouette", bridging.GetProperty("method").GetString());
        Assert.Equal(bridging.GetProperty("k").GetInt32(), bridging.GetProperty("groups").GetArrayLength());
        Assert.True(bridging.TryGetProperty("seed", out _));
    }

    [Fact]
    public async Task GraphMl_export_is_a_graphml_document_with_the_values_as_nodes()
    {
        var xml = XDocument.Parse(await _client.GetStringAsync("/api/studies/demo/export?format=graphml"));

        Assert.Equal("graphml", xml.Root!.Name.LocalName);
        Assert.NotEmpty(xml.Descendants(xml.Root.Name.Namespace + "node"));
    }

    [Fact]
    public async Task Csv_export_is_a_zip_of_the_four_tables()
    {
        await using var stream = await _client.GetStreamAsync("/api/studies/demo/export?format=csv");
        await using var zip = new ZipArchive(stream, ZipArchiveMode.Read);

        Assert.Equal(["edges.csv", "rankings.csv", "values.csv", "votes.csv"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using var values = new StreamReader(zip.GetEntry("values.csv")!.Open());
        var lines = (await values.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("valueId,", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length > 1, "values.csv should list the demo study's values");
    }

    [Fact]
    public async Task Markdown_export_is_a_report_titled_with_the_study()
    {
        var markdown = await _client.GetStringAsync("/api/studies/demo/export?format=md");

        Assert.Contains($"# Alignment spec: {SeededAppFixture.DemoTitle}", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mai_export_has_the_values_and_edges_arrays()
    {
        using var mai = JsonDocument.Parse(await _client.GetStringAsync("/api/studies/demo/export?format=mai"));

        Assert.Equal(JsonValueKind.Array, mai.RootElement.GetProperty("values").ValueKind);
        Assert.Equal(JsonValueKind.Array, mai.RootElement.GetProperty("edges").ValueKind);
        Assert.NotEqual(0, mai.RootElement.GetProperty("values").GetArrayLength());
    }

    [Fact]
    public async Task A_study_without_votes_yet_still_exports()
    {
        using var response = await _client.GetAsync($"/api/studies/{TestStudies.KindnessSlug}/export?format=json");
        using var spec = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestStudies.KindnessTitle, spec.RootElement.GetProperty("study").GetProperty("title").GetString());
        Assert.Equal(0, spec.RootElement.GetProperty("values").GetArrayLength());
    }

    [Fact]
    public async Task Exporting_an_unknown_study_is_not_found_with_problem_details()
    {
        using var response = await _client.GetAsync("/api/studies/no-such-study/export?format=json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-such-study", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_format_is_a_bad_request_naming_the_accepted_formats()
    {
        using var response = await _client.GetAsync("/api/studies/demo/export?format=pdf");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("'pdf'", body, StringComparison.Ordinal);
        Assert.Contains("json|graphml|csv|md|mai", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_profile_is_a_bad_request_naming_the_accepted_profiles()
    {
        using var response = await _client.GetAsync("/api/studies/demo/export?profile=fastest");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("default|mai-2023", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_alignment_spec_schema_is_served_as_a_json_schema()
    {
        using var response = await _client.GetAsync("/schemas/alignment-spec.v1.schema.json");
        using var schema = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(schema.RootElement.TryGetProperty("$schema", out _));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_study_endpoints()
    {
        var document = await GetJsonAsync("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/studies", out _));
        Assert.True(paths.TryGetProperty("/api/studies/{id}/export", out _));
    }

    [Fact]
    public async Task The_home_page_lists_the_studies_with_their_downloads()
    {
        var html = await _client.GetStringAsync("/");

        Assert.Contains(TestStudies.KindnessTitle, html, StringComparison.Ordinal);
        Assert.Contains(SeededAppFixture.DemoTitle, html, StringComparison.Ordinal);
        Assert.Contains("href=\"/api/studies/kindness-check/export?format=graphml&amp;profile=default\"", html, StringComparison.Ordinal);
        Assert.Contains("_content/MudBlazor/MudBlazor.min.", html, StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
