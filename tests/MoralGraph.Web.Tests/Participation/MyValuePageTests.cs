using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>"Where did my value go" once others have voted on it: its rank, and one line a citizen understands saying what rank and score mean.</summary>
public sealed class MyValuePageTests : IAsyncLifetime
{
    private const string Slug = "rank-check";

    private readonly MoralGraphAppFactory _app = new MoralGraphAppFactory()
        .WithStudyFile("rank.yaml", JourneyAppFixture.StudyYaml(Slug, "interviewing"));

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
    public async Task A_value_others_voted_on_shows_its_rank_and_what_rank_and_score_mean()
    {
        var journey = _app.Services.GetRequiredService<ParticipationService>();
        var mine = await journey.JoinAsync(Slug, null);
        Assert.True((await journey.ConfirmCardAsync(Slug, mine.ParticipantId, ParticipantScript.ValidCard)).IsValid);

        // Others vote on every item they are given; the draw gives the least-voted values first, so theirs include mine.
        for (var i = 0; i < 4; i++)
        {
            var other = await journey.JoinAsync(Slug, null);
            Assert.True((await journey.ConfirmCardAsync(Slug, other.ParticipantId, ParticipantScript.ValidCard with { Title = $"Another value {i + 1}" })).IsValid);
            foreach (var item in await journey.PendingItemsAsync(Slug, other.ParticipantId))
            {
                await journey.VoteAsync(Slug, other.ParticipantId, item.ItemId, Verdict.Wiser, null);
            }
        }

        var html = await MyValuePageAsync(mine);

        Assert.Contains("Rank ", html, StringComparison.Ordinal);
        Assert.Contains(EnglishJourneyText.Text("MyValue.RankExplained"), html, StringComparison.Ordinal);
        Assert.DoesNotContain(EnglishJourneyText.Text("MyValue.NoCard"), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_no_one_voted_on_says_so_and_explains_no_rank()
    {
        var journey = _app.Services.GetRequiredService<ParticipationService>();
        var mine = await journey.JoinAsync(Slug, null);
        Assert.True((await journey.ConfirmCardAsync(Slug, mine.ParticipantId, ParticipantScript.ValidCard with { Title = "Nobody voted here" })).IsValid);

        var html = await MyValuePageAsync(mine);

        Assert.Contains(EnglishJourneyText.Text("MyValue.NotVoted"), html, StringComparison.Ordinal);
        Assert.DoesNotContain(EnglishJourneyText.Text("MyValue.RankExplained"), html, StringComparison.Ordinal);
    }

    private async Task<string> MyValuePageAsync(JoinedParticipant participant)
    {
        var cookies = _app.Services.GetRequiredService<ParticipantCookies>();
        var token = cookies.CreateToken(Slug, new ParticipantSession(participant.ParticipantId, participant.ResumeCode));
        using var session = await _client.GetAsync($"/s/{Slug}/session?token={Uri.EscapeDataString(token)}");
        var cookie = SetCookieHeaderValue.ParseList([.. session.Headers.GetValues("Set-Cookie")]).Single(c => c.Name.Value == ParticipantCookies.CookieName(Slug));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/s/{Slug}/my-value");
        request.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}
