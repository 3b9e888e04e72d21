using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Tests.Access;

/// <summary>API keys: one study's read endpoints, until revoked.</summary>
public sealed class ApiKeyTests(AccessAppFixture app) : IClassFixture<AccessAppFixture>
{
    [Fact]
    public async Task A_key_reads_its_own_study_by_bearer_token_or_header()
    {
        var (key, client) = await app.Factory.ApiKeyClientAsync(AccessAppFixture.StudySlug);
        using (client)
        {
            using var bearer = await client.GetAsync($"/api/studies/{AccessAppFixture.StudySlug}/export?format=json");
            Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/studies/{AccessAppFixture.StudySlug}/export?format=md");
        request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        using var header = await app.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
    }

    [Fact]
    public async Task A_key_for_one_study_cannot_read_another_and_lists_only_its_own()
    {
        var (_, client) = await app.Factory.ApiKeyClientAsync(AccessAppFixture.StudySlug);
        using (client)
        {
            using var other = await client.GetAsync($"/api/studies/{AccessAppFixture.OtherSlug}/export?format=json");
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
            Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);

            var studies = await client.GetFromJsonAsync<JsonElement>("/api/studies");
            Assert.Equal([AccessAppFixture.StudySlug], studies.EnumerateArray().Select(s => s.GetProperty("slug").GetString()));
        }
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        var (key, client) = await app.Factory.ApiKeyClientAsync(AccessAppFixture.StudySlug);
        using (client)
        {
            using (var before = await client.GetAsync($"/api/studies/{AccessAppFixture.StudySlug}/export?format=md"))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            await app.Factory.Access().RevokeApiKeyAsync(key.Split('_')[1], AccessTestClients.OwnerName);

            using var after = await client.GetAsync($"/api/studies/{AccessAppFixture.StudySlug}/export?format=md");
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
            Assert.Contains("Bearer", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("mgk_0000000000000000_not-the-secret")]
    [InlineData("not-a-key")]
    public async Task An_unknown_or_malformed_key_is_unauthorized(string key)
    {
        using var client = app.Factory.ClientWithKey(key);

        using var response = await client.GetAsync($"/api/studies/{AccessAppFixture.StudySlug}/export?format=md");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_key_opens_no_facilitator_page()
    {
        var (_, client) = await app.Factory.ApiKeyClientAsync(AccessAppFixture.StudySlug);
        using (client)
        {
            // Pages are for people: a key signs in nobody (the home page stays the anonymous one).
            var home = await client.GetStringAsync("/");
            Assert.DoesNotContain($"/api/studies/{AccessAppFixture.StudySlug}/export", home, StringComparison.Ordinal);
        }
    }
}
