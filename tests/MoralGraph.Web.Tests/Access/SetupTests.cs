using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MoralGraph.Core.Access;
using MoralGraph.Web.Access;
using MoralGraph.Web.Tests.Console;

namespace MoralGraph.Web.Tests.Access;

/// <summary>The one-time setup page of a fresh install, and the token the app prints for it.</summary>
public sealed class SetupTests : IDisposable
{
    private readonly MoralGraphAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Setup_with_the_printed_token_creates_the_owner_signs_them_in_and_then_disappears()
    {
        using var client = NewClient();

        using var created = await PostSetupAsync(client, _app.SetupTokenFromLog(), "first-owner", AccessTestClients.Password, AccessTestClients.Password);

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/console", created.Headers.Location?.OriginalString);
        var state = await _app.Access().GetStateAsync();
        Assert.Equal(FacilitatorRole.Owner, state.RoleIn("first-owner", "any-study"));
        Assert.Contains(FacilitatorSignIn.CookieName, string.Join(';', created.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);

        using var page = await NewClient().GetAsync(_app.SetupLinkFromLog());
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Null(_app.Services.GetRequiredService<FirstOwnerSetup>().Token);
    }

    [Fact]
    public void The_start_log_prints_the_setup_link_with_its_token_as_a_warning()
    {
        var link = _app.SetupLinkFromLog();

        Assert.StartsWith(AccountEndpoints.SetupPath + "?token=", link, StringComparison.Ordinal);
        Assert.Equal(_app.Services.GetRequiredService<FirstOwnerSetup>().Token, _app.SetupTokenFromLog());
        Assert.Contains(_app.Logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains(link, StringComparison.Ordinal)
            && entry.Message.Contains("moralgraph facilitator add", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_setup_page_carries_the_token_of_its_link_into_the_form_and_asks_for_it_without_one()
    {
        using var client = NewClient();

        var withLink = await client.GetStringAsync(_app.SetupLinkFromLog());
        var withoutLink = await client.GetStringAsync(AccountEndpoints.SetupPath);

        Assert.Contains($"type=\"hidden\" name=\"token\" value=\"{_app.SetupTokenFromLog()}\"", withLink, StringComparison.Ordinal);
        Assert.Contains("<label for=\"token\">Setup token</label>", withoutLink, StringComparison.Ordinal);
        Assert.DoesNotContain(_app.SetupTokenFromLog(), withoutLink, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-the-token")]
    public async Task A_missing_or_wrong_token_is_refused_with_a_message_and_creates_nobody(string? token)
    {
        using var client = NewClient();

        using var refused = await PostSetupAsync(client, token, "intruder", AccessTestClients.Password, AccessTestClients.Password);

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal($"{AccountEndpoints.SetupPath}?problem={AccountProblems.SetupToken}", refused.Headers.Location?.OriginalString);
        Assert.False((await _app.Access().GetStateAsync()).HasOwner);
        var page = await client.GetStringAsync(refused.Headers.Location!.OriginalString);
        Assert.Contains("setup link&#x27;s token is missing or not the current one", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_with_one_character_changed_or_cut_short_is_refused()
    {
        var token = _app.SetupTokenFromLog();
        var changed = (token[0] == 'A' ? 'B' : 'A') + token[1..];

        var otherCase = string.Concat(token.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));

        foreach (var guess in new[] { changed, token[..^1], token + "A", otherCase })
        {
            using var client = NewClient();
            using var refused = await PostSetupAsync(client, guess, "intruder", AccessTestClients.Password, AccessTestClients.Password);
            Assert.Equal($"{AccountEndpoints.SetupPath}?problem={AccountProblems.SetupToken}", refused.Headers.Location?.OriginalString);
        }

        Assert.False((await _app.Access().GetStateAsync()).HasOwner);
    }

    [Fact]
    public async Task After_too_many_wrong_tokens_from_one_address_even_the_right_one_waits()
    {
        using var client = NewClient();
        for (var guess = 0; guess < LoginThrottle.MaxFailuresPerAddress; guess++)
        {
            using var refused = await PostSetupAsync(client, $"guess-{guess}", "intruder", AccessTestClients.Password, AccessTestClients.Password);
            Assert.Equal($"{AccountEndpoints.SetupPath}?problem={AccountProblems.SetupToken}", refused.Headers.Location?.OriginalString);
        }

        using var throttled = await PostSetupAsync(client, _app.SetupTokenFromLog(), "owner", AccessTestClients.Password, AccessTestClients.Password);

        Assert.Equal(HttpStatusCode.Redirect, throttled.StatusCode);
        Assert.StartsWith($"{AccountEndpoints.SetupPath}?problem={AccountProblems.SetupThrottled}&minutes=", throttled.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False((await _app.Access().GetStateAsync()).HasOwner);
        var page = await client.GetStringAsync(throttled.Headers.Location!.OriginalString);
        Assert.Contains("Too many wrong setup tokens from this address. Try again in 15 minutes.", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_there_is_an_owner_the_setup_post_cannot_create_another_even_with_the_token()
    {
        using var client = NewClient();
        // The form of a link fetched while setup was still open, replayed after it closed.
        var token = _app.SetupTokenFromLog();
        var antiforgery = await client.AntiforgeryTokenAsync(_app.SetupLinkFromLog());
        await _app.CreateFacilitatorAsync("existing-owner", FacilitatorRole.Owner);

        using var second = await client.PostAsync(AccountEndpoints.SetupPath, Form(antiforgery, token, "intruder", AccessTestClients.Password, AccessTestClients.Password));

        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Null((await _app.Access().GetStateAsync()).Find("intruder"));
    }

    [Theory]
    [InlineData("first owner", AccessTestClients.Password, AccessTestClients.Password, AccountProblems.Username)]
    [InlineData("owner", "eleven char", "eleven char", AccountProblems.PasswordTooShort)]
    [InlineData("owner", AccessTestClients.Password, AccessTestClients.Password + "!", AccountProblems.PasswordsDiffer)]
    public async Task Setup_refuses_a_bad_username_a_short_password_or_two_different_passwords_and_keeps_the_token(string username, string password, string again, string problem)
    {
        using var client = NewClient();
        var token = _app.SetupTokenFromLog();

        using var refused = await PostSetupAsync(client, token, username, password, again);

        Assert.Equal($"{AccountEndpoints.SetupPath}?token={Uri.EscapeDataString(token)}&problem={problem}", refused.Headers.Location?.OriginalString);
        Assert.False((await _app.Access().GetStateAsync()).HasOwner);
    }

    [Theory]
    [InlineData("es", "Configurar MoralGraph", "Al menos 12 caracteres.", "Demasiados tokens de configuración incorrectos desde esta dirección. Vuelve a intentarlo dentro de 1 minuto.")]
    [InlineData("ar", "إعداد MoralGraph", "12 حرفًا على الأقل.", "رموز إعداد خاطئة كثيرة جدًا من هذا العنوان. حاول مرة أخرى بعد دقيقة واحدة.")]
    public async Task The_setup_page_speaks_the_browsers_language(string language, string heading, string passwordHint, string throttled)
    {
        using var client = NewClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        var document = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync(AccountEndpoints.SetupPath + "?problem=setup-throttled&minutes=1"));

        Assert.Equal(heading, document.QuerySelector("h1")!.TextContent);
        Assert.Equal(passwordHint, document.QuerySelector("#password-hint")!.TextContent);
        Assert.Equal(throttled, document.QuerySelector("[data-testid=setup-problem]")!.TextContent);
        Assert.Contains("<code>moralgraph facilitator add NAME --role owner</code>", document.Body!.InnerHtml, StringComparison.Ordinal);
        Assert.Empty(UntranslatedConsoleText.In(document.DocumentElement, language));
    }

    private HttpClient NewClient() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> PostSetupAsync(HttpClient client, string? token, string username, string password, string again)
    {
        var antiforgery = await client.AntiforgeryTokenAsync(AccountEndpoints.SetupPath);
        return await client.PostAsync(AccountEndpoints.SetupPath, Form(antiforgery, token, username, password, again));
    }

    private static FormUrlEncodedContent Form(string antiforgery, string? token, string username, string password, string again)
    {
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["username"] = username,
            ["password"] = password,
            ["confirmPassword"] = again,
        };
        if (token is not null)
        {
            fields["token"] = token;
        }

        return new FormUrlEncodedContent(fields);
    }
}
