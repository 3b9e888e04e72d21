using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using Microsoft.AspNetCore.Mvc.Testing;
using MoralGraph.Web.Localization;
using MoralGraph.Web.Tests.Participation;

namespace MoralGraph.Web.Tests.Localization;

/// <summary>
/// Which language a participant page is in: the study's languages first, then the participant's choice among them, then
/// the browser's Accept-Language; the choice is kept in the culture cookie the page's circuit reads.
/// </summary>
public sealed class ParticipantLanguageTests : IAsyncLifetime
{
    private const string Multilingual = "plural-room";
    private const string EnglishOnly = "english-room";

    private readonly MoralGraphAppFactory _app = new MoralGraphAppFactory()
        .WithStudyFile("plural.yaml", JourneyAppFixture.StudyYaml(Multilingual, "interviewing").Replace("voteDrawSize: 3", "voteDrawSize: 3\nlanguages: [en, es-ES, ar]", StringComparison.Ordinal))
        .WithStudyFile("english.yaml", JourneyAppFixture.StudyYaml(EnglishOnly, "interviewing"));

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
    public async Task A_spanish_browser_gets_the_consent_page_in_spanish_and_keeps_it_in_the_cookie()
    {
        using var response = await GetAsync("/s/" + Multilingual, acceptLanguage: "es-ES,es;q=0.9,en;q=0.5");

        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"es\" dir=\"ltr\">", page, StringComparison.Ordinal);
        Assert.Contains("Antes de empezar", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Before you start", page, StringComparison.Ordinal);
        Assert.Equal("es", LanguageCookie(response));
    }

    [Fact]
    public async Task An_arabic_browser_gets_a_right_to_left_page_in_arabic()
    {
        using var response = await GetAsync("/s/" + Multilingual, acceptLanguage: "ar-EG");

        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", page, StringComparison.Ordinal);
        Assert.Contains("قبل أن تبدأ", page, StringComparison.Ordinal);
        Assert.Contains("mud-application-layout-rtl", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_study_in_english_only_stays_english_for_a_spanish_browser()
    {
        using var response = await GetAsync("/s/" + EnglishOnly, acceptLanguage: "es");

        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"en\" dir=\"ltr\">", page, StringComparison.Ordinal);
        Assert.Contains("Before you start", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"language-picker\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_choice_in_the_cookie_beats_the_browser_and_the_picker_offers_the_studys_languages()
    {
        using var response = await GetAsync("/s/" + Multilingual, acceptLanguage: "es", cookieLanguage: "ar");

        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"language-picker\"", page, StringComparison.Ordinal);
        Assert.Contains("value=\"es\" lang=\"es\"", page, StringComparison.Ordinal);
        Assert.Contains("value=\"en\" lang=\"en\"", page, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"true\"><span class=\"mg-language-name\">العربية<", page, StringComparison.Ordinal);
        Assert.Null(LanguageCookie(response));
    }

    [Theory]
    [InlineData("es", ">Estudios</h1>", "inicia sesión")]
    [InlineData("ar", ">الدراسات</h1>", "سجّل الدخول")]
    public async Task The_home_page_speaks_the_visitors_language_down_to_the_facilitators_sign_in_line(string language, string heading, string signIn)
    {
        using var response = await GetAsync("/", acceptLanguage: language);

        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(heading, page, StringComparison.Ordinal);
        Assert.Contains(signIn, page, StringComparison.Ordinal);
        Assert.DoesNotContain(">Studies</h1>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("to download a study", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_console_is_in_the_facilitators_chosen_language_mirrored_for_arabic()
    {
        using var response = await GetAsync("/account/login", acceptLanguage: "es", cookieLanguage: "ar");

        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"language-picker\"", page, StringComparison.Ordinal);
        Assert.Null(LanguageCookie(response));
    }

    [Fact]
    public async Task The_console_follows_the_browser_and_keeps_that_language_for_its_live_connection()
    {
        // The page's circuit connects with the cookie alone, so the browser's language is written into it.
        using var response = await GetAsync("/account/login", acceptLanguage: "es-ES,es;q=0.9,en;q=0.5");

        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"es\" dir=\"ltr\">", page, StringComparison.Ordinal);
        Assert.Equal("es", LanguageCookie(response));
    }

    [Fact]
    public async Task The_console_is_english_for_a_browser_asking_for_a_language_it_does_not_speak()
    {
        using var response = await GetAsync("/account/login", acceptLanguage: "de-DE");

        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"en\" dir=\"ltr\">", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_picker_keeps_the_choice_and_goes_back_to_the_page()
    {
        using var response = await GetAsync($"{ParticipantLanguageMiddleware.ChoicePath}?culture=es&returnUrl=%2Fs%2F{Multilingual}%2Fresume");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/s/{Multilingual}/resume", response.Headers.Location?.OriginalString);
        Assert.Equal("es", LanguageCookie(response));
    }

    [Theory]
    [InlineData("//evil.example/s/x")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task The_picker_never_sends_anyone_to_another_site(string returnUrl)
    {
        using var response = await GetAsync($"{ParticipantLanguageMiddleware.ChoicePath}?culture=ar&returnUrl={Uri.EscapeDataString(returnUrl)}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("de")]
    [InlineData("")]
    [InlineData("es-ES\r\nSet-Cookie: x=y")]
    public async Task The_picker_refuses_a_language_the_pages_do_not_speak(string culture)
    {
        using var response = await GetAsync($"{ParticipantLanguageMiddleware.ChoicePath}?culture={Uri.EscapeDataString(culture)}&returnUrl=%2F");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("en, es, ar", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(LanguageCookie(response));
    }

    [Fact]
    public async Task The_participant_api_answers_in_the_language_asked_for_among_the_studys()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/studies/{Multilingual}/participation/join")
        {
            Content = JsonContent.Create(new { consent = false }),
        };
        request.Headers.TryAddWithoutValidation("Accept-Language", "es");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Primero acepta la declaración de consentimiento", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("es", "es-ES")]
    [InlineData("ar", "ar")]
    [InlineData("de", "en")]
    [InlineData(null, "en")]
    public async Task A_participant_takes_part_in_the_language_they_joined_in_when_the_study_offers_it(string? asked, string recorded)
    {
        using var response = await _client.PostAsync(
            $"/api/v1/studies/{Multilingual}/participation/join", JsonContent.Create(new { consent = true, language = asked }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var participantId = (await response.Content.ReadFromJsonAsync<JoinAnswer>())!.ParticipantId;

        var studies = _app.Services.GetRequiredService<StudyStates>();
        Assert.Equal(recorded, await studies.ReadAsync(Multilingual, state => state.Participation.Find(participantId)?.Language));
    }

    private sealed record JoinAnswer(string ParticipantId);

    private async Task<HttpResponseMessage> GetAsync(string path, string? acceptLanguage = null, string? cookieLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        if (cookieLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", $"{ParticipantLanguages.CookieName}={Uri.EscapeDataString(ParticipantLanguages.CookieValue(cookieLanguage))}");
        }

        return await _client.SendAsync(request);
    }

    private static string? LanguageCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Where(c => c.StartsWith(ParticipantLanguages.CookieName + "=", StringComparison.Ordinal))
                .Select(c => ParticipantLanguages.FromCookie(Uri.UnescapeDataString(c.Split(';')[0][(ParticipantLanguages.CookieName.Length + 1)..])))
                .FirstOrDefault()
            : null;
}
