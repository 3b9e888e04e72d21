using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>The participant cookie: set from a short-lived token, read back on the journey page, cleared on leaving.</summary>
public sealed class ParticipantSessionTests(JourneyAppFixture app) : IClassFixture<JourneyAppFixture>
{
    private const string Slug = JourneyAppFixture.SessionSlug;
    private const string CookieName = "mg-p-" + Slug;

    [Fact]
    public async Task A_valid_token_sets_an_http_only_lax_cookie_for_the_study_and_returns_to_it()
    {
        var joined = await app.Journey.JoinAsync(Slug, null);
        var token = app.Cookies.CreateToken(Slug, new ParticipantSession(joined.ParticipantId, joined.ResumeCode));

        using var response = await app.Client.GetAsync($"/s/{Slug}/session?token={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/s/{Slug}", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(SetCookies(response));
        Assert.Equal(CookieName, cookie.Name.Value);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
        Assert.True(cookie.MaxAge > TimeSpan.FromDays(30), $"the cookie should outlive the browser session, but lasts {cookie.MaxAge}");
        Assert.DoesNotContain(joined.ParticipantId, cookie.Value.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(joined.ResumeCode, cookie.Value.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_cookie_the_journey_page_knows_the_participant_and_shows_their_resume_code()
    {
        var joined = await app.Journey.JoinAsync(Slug, null);
        var cookie = await SessionCookieAsync(new ParticipantSession(joined.ParticipantId, joined.ResumeCode));

        var html = await PageAsync($"/s/{Slug}", cookie);

        Assert.Contains(joined.ResumeCode, html, StringComparison.Ordinal);
        Assert.Contains("Step 2 of 6: Interview", html, StringComparison.Ordinal);
        Assert.DoesNotContain(EnglishJourneyText.Text("Consent.Agree"), html, StringComparison.Ordinal);
    }

    public static TheoryData<string> UnusableTokens => new()
    {
        "",
        "not-a-token",
        "CfDJ8" + new string('A', 120),
    };

    [Theory]
    [MemberData(nameof(UnusableTokens))]
    public async Task A_missing_or_forged_token_sets_no_cookie_and_asks_for_the_resume_code(string token)
    {
        using var response = await app.Client.GetAsync($"/s/{Slug}/session?token={Uri.EscapeDataString(token)}");

        AssertSentToResume(response);
    }

    [Fact]
    public async Task A_token_changed_by_one_character_is_refused()
    {
        var token = app.Cookies.CreateToken(Slug, new ParticipantSession("p-0123456789abcdef", "K7QM3-XPD9A"));
        var middle = token.Length / 2;
        var tampered = token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..];

        using var response = await app.Client.GetAsync($"/s/{Slug}/session?token={Uri.EscapeDataString(tampered)}");

        AssertSentToResume(response);
    }

    [Fact]
    public async Task An_expired_token_sets_no_cookie_and_asks_for_the_resume_code()
    {
        // Made by the app's own keys, ten minutes ago: the token lives five.
        var then = new ParticipantCookies(app.Factory.Services.GetRequiredService<IDataProtectionProvider>(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10)));
        var token = then.CreateToken(Slug, new ParticipantSession("p-0123456789abcdef", "K7QM3-XPD9A"));

        using var response = await app.Client.GetAsync($"/s/{Slug}/session?token={Uri.EscapeDataString(token)}");

        AssertSentToResume(response);
    }

    [Fact]
    public async Task A_token_for_another_study_sets_no_cookie_for_this_one()
    {
        var token = app.Cookies.CreateToken(JourneyAppFixture.WithdrawalSlug, new ParticipantSession("p-0123456789abcdef", "K7QM3-XPD9A"));

        using var response = await app.Client.GetAsync($"/s/{Slug}/session?token={Uri.EscapeDataString(token)}");

        AssertSentToResume(response);
    }

    [Fact]
    public async Task Where_an_unusable_token_leads_the_page_says_the_link_expired_and_asks_for_the_code()
    {
        using var response = await app.Client.GetAsync($"/s/{Slug}/session?token=expired");

        var html = await PageAsync(response.Headers.Location!.OriginalString);

        Assert.Contains(EnglishJourneyText.Text("Resume.Expired"), html, StringComparison.Ordinal);
        Assert.Contains(EnglishJourneyText.Text("Resume.CodeLabel"), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_resume_page_without_the_flag_does_not_mention_an_expired_link()
    {
        var html = await PageAsync($"/s/{Slug}/resume");

        Assert.DoesNotContain(EnglishJourneyText.Text("Resume.Expired"), html, StringComparison.Ordinal);
        Assert.Contains(EnglishJourneyText.Text("Resume.Body"), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leaving_deletes_the_cookie_and_shows_the_withdrawn_page()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/s/{Slug}/leave");
        request.Headers.Add("Cookie", $"{CookieName}=anything");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/s/{Slug}/withdrawn", response.Headers.Location?.OriginalString);
        var deleted = Assert.Single(SetCookies(response));
        Assert.Equal(CookieName, deleted.Name.Value);
        Assert.Equal(string.Empty, deleted.Value.Value);
        Assert.True(deleted.Expires < DateTimeOffset.UtcNow, $"the cookie should be expired, but expires {deleted.Expires}");
        Assert.Equal("/", deleted.Path.Value);
        Assert.Contains(EnglishJourneyText.Text("Withdrawn.Heading"), await PageAsync($"/s/{Slug}/withdrawn"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_of_a_withdrawn_participant_shows_the_consent_again()
    {
        var joined = await app.Journey.JoinAsync(Slug, null);
        var cookie = await SessionCookieAsync(new ParticipantSession(joined.ParticipantId, joined.ResumeCode));
        await app.Journey.WithdrawAsync(Slug, joined.ParticipantId);

        var html = await PageAsync($"/s/{Slug}", cookie);

        Assert.DoesNotContain(joined.ResumeCode, html, StringComparison.Ordinal);
        Assert.Contains(EnglishJourneyText.Text("Consent.Agree"), html, StringComparison.Ordinal);
    }

    private static void AssertSentToResume(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/s/{Slug}/resume?expired=true", response.Headers.Location?.OriginalString);
        Assert.Empty(SetCookies(response));
    }

    private async Task<string> SessionCookieAsync(ParticipantSession session)
    {
        var token = app.Cookies.CreateToken(Slug, session);
        using var response = await app.Client.GetAsync($"/s/{Slug}/session?token={Uri.EscapeDataString(token)}");
        var cookie = Assert.Single(SetCookies(response));
        return $"{cookie.Name}={cookie.Value}";
    }

    private async Task<string> PageAsync(string url, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static IList<SetCookieHeaderValue> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues(HeaderNames.SetCookie, out var values) ? SetCookieHeaderValue.ParseList([.. values]) : [];
}
