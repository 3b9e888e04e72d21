using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Participation;

namespace MoralGraph.Web.Tests.Api;

/// <summary>
/// A kiosk or chat bridge reading the items in Spanish gets each value's own words, the language they are written in,
/// and a model's Spanish translation beside them once one exists; a caller reading in the value's own language gets
/// no translation.
/// </summary>
public sealed class ParticipantApiTranslationTests : IAsyncLifetime
{
    private const string Slug = "api-bilingual";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly MoralGraphAppFactory _app = new MoralGraphAppFactory()
        .WithStudyFile("bilingual.yaml", JourneyAppFixture.StudyYaml(Slug, "voting").Replace("voteDrawSize: 3\n", "voteDrawSize: 3\nlanguages: [en, es]\n", StringComparison.Ordinal));

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

    [Fact]
    public async Task Items_read_in_spanish_carry_each_values_language_and_its_spanish_translation_beside_its_own_words()
    {
        using var joinResponse = await _client.PostAsJsonAsync($"/api/v1/studies/{Slug}/participation/join", new JoinRequest(true, null) { Language = "es" });
        Assert.Equal(HttpStatusCode.Created, joinResponse.StatusCode);
        var joined = (await joinResponse.Content.ReadFromJsonAsync<JoinResponse>(Json))!;

        var before = await ItemsAsync(joined.Token, "es");
        var item = Assert.Single(before.Items.Take(1));
        Assert.Equal("en", item.From.Language);
        Assert.Null(item.From.Translation);

        var from = item.From;
        await _app.Services.GetRequiredService<IEventLog>().AppendAsync(new ValueTranslated(
            from.Id, "es", "Presencia antes que consejo", "Estar ahí.", [.. from.Policies.Select(p => "ES " + p)],
            ValueTranslated.HashOf(from.Title, from.Description, from.Policies),
            new ModelProvenance("translate-value", "abc123", "scripted-model", null, DateTimeOffset.UtcNow))
        { StudyId = Slug, OccurredAt = DateTimeOffset.UtcNow, Actor = "model" });

        var spanish = (await ItemsAsync(joined.Token, "es")).Items.Single(i => i.ItemId == item.ItemId).From;
        Assert.Equal((from.Title, from.Description), (spanish.Title, spanish.Description));
        Assert.Equal("en", spanish.Language);
        Assert.Equal(("es", "Presencia antes que consejo", "scripted-model"), (spanish.Translation?.Language, spanish.Translation?.Title, spanish.Translation?.Model));
        Assert.Equal(from.Policies.Count, spanish.Translation!.Policies.Count);

        var english = (await ItemsAsync(joined.Token, "en")).Items.Single(i => i.ItemId == item.ItemId).From;
        Assert.Null(english.Translation);
    }

    private async Task<ItemsResponse> ItemsAsync(string token, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/studies/{Slug}/participation/items");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        using var response = await _client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"items: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ItemsResponse>(Json))!;
    }
}
