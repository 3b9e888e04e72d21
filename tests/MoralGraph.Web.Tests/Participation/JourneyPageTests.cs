using System.Net;
using Microsoft.Extensions.Logging;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>The journey page as the server first sends it (prerendered), before any interactivity.</summary>
public sealed class JourneyPageTests(JourneyAppFixture app) : IClassFixture<JourneyAppFixture>
{
    [Fact]
    public async Task A_study_that_is_not_in_the_store_gets_a_friendly_page_not_an_error()
    {
        await using var empty = new MoralGraphAppFactory();
        using var client = empty.CreateClient();

        using var response = await client.GetAsync($"/s/{JourneyAppFixture.ExampleSlug}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("We can't find this study", html, StringComparison.Ordinal);
        Assert.Contains(EnglishJourneyText.Text("Journey.UnknownBody"), html, StringComparison.Ordinal);
        Assert.DoesNotContain(empty.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task The_example_study_opens_with_its_title_and_the_consent()
    {
        var html = await PageAsync($"/s/{JourneyAppFixture.ExampleSlug}");

        Assert.Contains("How should an AI answer contested questions? (2023 prompts)", html, StringComparison.Ordinal);
        Assert.Contains("Step 1 of 7: Consent", html, StringComparison.Ordinal);
        Assert.Contains(EnglishJourneyText.Text("Consent.Heading"), html, StringComparison.Ordinal);
        Assert.Contains(EnglishJourneyText.Text("Consent.NeverName"), html, StringComparison.Ordinal);
        Assert.Contains(EnglishJourneyText.Text("Consent.Agree"), html, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Factory.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData(JourneyAppFixture.DraftSlug, "Refused.NotOpen")]
    [InlineData(JourneyAppFixture.ClosedSlug, "Refused.Closed")]
    public async Task A_study_that_takes_no_one_says_so_instead_of_asking_for_consent(string slug, string reason)
    {
        var html = await PageAsync($"/s/{slug}");

        Assert.Contains(EnglishJourneyText.Text(reason), html, StringComparison.Ordinal);
        Assert.DoesNotContain(EnglishJourneyText.Text("Consent.Agree"), html, StringComparison.Ordinal);
    }

    private async Task<string> PageAsync(string url)
    {
        using var response = await app.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}
