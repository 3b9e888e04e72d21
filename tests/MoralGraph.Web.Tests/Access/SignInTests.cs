using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MoralGraph.Core.Access;
using MoralGraph.Web.Access;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Access;

/// <summary>Signing in and out through the real form and endpoint.</summary>
public sealed class SignInTests(AccessAppFixture app) : IClassFixture<AccessAppFixture>
{
    [Fact]
    public async Task The_right_password_signs_in_and_the_cookie_opens_the_export()
    {
        await app.Factory.CreateFacilitatorAsync("sign-in-ok", FacilitatorRole.Observer, AccessAppFixture.StudySlug);
        using var client = NewClient();

        using var signIn = await client.PostSignInAsync("SIGN-IN-OK", AccessTestClients.Password, returnUrl: "/s/" + AccessAppFixture.StudySlug);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/s/" + AccessAppFixture.StudySlug, signIn.Headers.Location?.OriginalString);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(FacilitatorSignIn.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        using var export = await client.GetAsync($"/api/studies/{AccessAppFixture.StudySlug}/export?format=md");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_username_get_the_same_answer()
    {
        await app.Factory.CreateFacilitatorAsync("sign-in-wrong", FacilitatorRole.Observer, AccessAppFixture.StudySlug);
        using var client = NewClient();

        using var wrongPassword = await client.PostSignInAsync("sign-in-wrong", "not the password at all");
        using var unknownUser = await client.PostSignInAsync("nobody-by-this-name", "not the password at all");

        Assert.Equal(HttpStatusCode.Redirect, wrongPassword.StatusCode);
        Assert.Equal(wrongPassword.Headers.Location, unknownUser.Headers.Location);
        Assert.Equal("/account/login?problem=failed&returnUrl=%2F", wrongPassword.Headers.Location?.OriginalString);
        Assert.False(wrongPassword.Headers.Contains("Set-Cookie") && wrongPassword.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(FacilitatorSignIn.CookieName, StringComparison.Ordinal)));
        var page = await client.GetStringAsync(wrongPassword.Headers.Location);
        Assert.Contains(AccountProblems.Message(EnglishConsoleText.Localizer, AccountProblems.Failed)!, page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example/phish")]
    [InlineData("javascript:alert(1)")]
    public async Task Sign_in_never_redirects_off_the_site(string returnUrl)
    {
        await app.Factory.CreateFacilitatorAsync("sign-in-redirect", FacilitatorRole.Observer, AccessAppFixture.StudySlug);
        using var client = NewClient();

        using var signIn = await client.PostSignInAsync("sign-in-redirect", AccessTestClients.Password, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_sign_in_post_needs_the_forms_antiforgery_token()
    {
        await app.Factory.CreateFacilitatorAsync("sign-in-csrf", FacilitatorRole.Observer, AccessAppFixture.StudySlug);
        using var client = NewClient();

        using var response = await client.PostAsync(FacilitatorSignIn.LoginPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "sign-in-csrf",
            ["password"] = AccessTestClients.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(FacilitatorSignIn.CookieName, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Signing_out_ends_the_sign_in()
    {
        await app.Factory.CreateFacilitatorAsync("sign-out", FacilitatorRole.Observer, AccessAppFixture.StudySlug);
        using var client = await app.Factory.SignedInClientAsync("sign-out", AccessTestClients.Password);
        var token = await client.AntiforgeryTokenAsync("/account/denied");

        using var signOut = await client.PostAsync(FacilitatorSignIn.LogoutPath, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var export = await client.GetAsync($"/api/studies/{AccessAppFixture.StudySlug}/export");
        Assert.Equal(HttpStatusCode.Unauthorized, export.StatusCode);
    }

    [Fact]
    public async Task The_home_page_shows_downloads_only_to_a_facilitator_of_the_study()
    {
        var anonymous = await app.Anonymous.GetStringAsync("/");
        var owner = await app.Owner.GetStringAsync("/");
        var observerOfOther = await app.ObserverOfOther.GetStringAsync("/");

        var export = $"/api/studies/{AccessAppFixture.StudySlug}/export";
        Assert.Contains("/s/" + AccessAppFixture.StudySlug, anonymous, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/studies/", anonymous, StringComparison.Ordinal);
        Assert.Contains(export, owner, StringComparison.Ordinal);
        Assert.DoesNotContain(export, observerOfOther, StringComparison.Ordinal);
        Assert.Contains($"/api/studies/{AccessAppFixture.OtherSlug}/export", observerOfOther, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_five_failures_a_username_is_refused_for_fifteen_minutes_even_with_the_right_password()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var throttled = new MoralGraphAppFactory().WithServices(services => services.AddSingleton<TimeProvider>(clock));
        await throttled.CreateFacilitatorAsync("ana", FacilitatorRole.Owner);
        using var client = throttled.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        for (var attempt = 0; attempt < LoginThrottle.MaxFailuresPerUsername; attempt++)
        {
            using var failed = await client.PostSignInAsync("ana", "a wrong password");
            Assert.Contains("problem=failed", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        using var refused = await client.PostSignInAsync("ana", AccessTestClients.Password);
        Assert.Contains("problem=throttled", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var page = await client.GetStringAsync(refused.Headers.Location);
        Assert.Contains("Too many failed sign-ins. Try again in 15 minutes.", page, StringComparison.Ordinal);

        clock.Advance(LoginThrottle.LockDuration - TimeSpan.FromSeconds(1));
        using var stillRefused = await client.PostSignInAsync("ana", AccessTestClients.Password);
        Assert.Contains("problem=throttled", stillRefused.Headers.Location!.OriginalString, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromSeconds(1));
        using var signedIn = await client.PostSignInAsync("ana", AccessTestClients.Password);
        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
    }

    private HttpClient NewClient() => app.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
}
