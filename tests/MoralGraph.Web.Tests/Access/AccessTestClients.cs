using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Access;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Tests.Access;

/// <summary>
/// Authenticated clients for tests of a running app: accounts and keys are made through the app's own
/// <see cref="AccessDirectory"/>, and facilitators sign in through the real form (antiforgery token and all).
/// </summary>
public static partial class AccessTestClients
{
    /// <summary>The password every test account gets (long enough for the rule).</summary>
    public const string Password = "correct horse battery staple";

    /// <summary>The owner of every study that <see cref="OwnerClientAsync"/> signs in as.</summary>
    public const string OwnerName = "test-owner";

    public static AccessDirectory Access(this MoralGraphAppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<AccessDirectory>();
    }

    /// <summary>Creates an account (if it does not exist) with <paramref name="role"/> in <paramref name="scope"/>.</summary>
    public static async Task CreateFacilitatorAsync(this MoralGraphAppFactory app, string username, FacilitatorRole role, string scope = AccessLog.AllStudies)
    {
        var access = app.Access();
        if ((await access.GetStateAsync()).Find(username) is null)
        {
            await access.CreateAccountAsync(username, Password, scope, role, "test");
        }
    }

    /// <summary>A client signed in as the owner of every study.</summary>
    public static async Task<HttpClient> OwnerClientAsync(this MoralGraphAppFactory app)
    {
        await app.CreateFacilitatorAsync(OwnerName, FacilitatorRole.Owner);
        return await app.SignedInClientAsync(OwnerName, Password);
    }

    /// <summary>A client (keeping cookies, not following redirects) signed in through the form; fails the test if sign-in fails.</summary>
    public static async Task<HttpClient> SignedInClientAsync(this MoralGraphAppFactory app, string username, string password)
    {
        ArgumentNullException.ThrowIfNull(app);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using var response = await client.PostSignInAsync(username, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString == "/",
            $"Signing in as {username} answered {(int)response.StatusCode} to {response.Headers.Location}.");
        return client;
    }

    /// <summary>Opens the sign-in page (for its antiforgery token and cookie) and posts the form.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(this HttpClient client, string username, string password, string? returnUrl = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var token = await client.AntiforgeryTokenAsync(FacilitatorSignIn.LoginPath);
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["username"] = username,
            ["password"] = password,
        };
        if (returnUrl is not null)
        {
            form["returnUrl"] = returnUrl;
        }

        return await client.PostAsync(FacilitatorSignIn.LoginPath, new FormUrlEncodedContent(form));
    }

    /// <summary>The antiforgery token of the form on <paramref name="page"/> (the client keeps the matching cookie).</summary>
    public static async Task<string> AntiforgeryTokenAsync(this HttpClient client, string page)
    {
        ArgumentNullException.ThrowIfNull(client);
        var html = await client.GetStringAsync(page);
        return TokenInput().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"{page} has no antiforgery token:\n{html}");
    }

    /// <summary>A new API key for <paramref name="slug"/>, and a client sending it as a bearer token.</summary>
    public static async Task<(string Key, HttpClient Client)> ApiKeyClientAsync(this MoralGraphAppFactory app, string slug)
    {
        var key = await app.Access().IssueApiKeyAsync(slug, "test", "test");
        return (key, app.ClientWithKey(key));
    }

    /// <summary>A client sending <paramref name="key"/> as a bearer token.</summary>
    public static HttpClient ClientWithKey(this MoralGraphAppFactory app, string key)
    {
        ArgumentNullException.ThrowIfNull(app);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>
    /// The setup link the app printed at start, as an operator reads it in the log (a path: the test server listens on
    /// no address); fails the test when it printed none.
    /// </summary>
    public static string SetupLinkFromLog(this MoralGraphAppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = app.Server; // starts the app, if no client did yet
        // The link is printed from the host's "started" notification; on a loaded machine (CI, two cores, tests in
        // parallel) that line has once not been there yet when the test read the log, so the log is read again for a while.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<System.Text.RegularExpressions.Match> links;
        while ((links = [.. app.Logs.Entries.Select(entry => SetupLink().Match(entry.Message)).Where(match => match.Success)]).Count == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.True(links.Count > 0, "The app printed no setup link at start.");
        return links[^1].Value;
    }

    /// <summary>The token of <see cref="SetupLinkFromLog"/>.</summary>
    public static string SetupTokenFromLog(this MoralGraphAppFactory app)
    {
        var link = app.SetupLinkFromLog();
        return Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..]);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.None, 1000)]
    private static partial Regex TokenInput();

    [GeneratedRegex(@"\S*/setup\?token=[A-Za-z0-9_%-]+", RegexOptions.None, 1000)]
    private static partial Regex SetupLink();
}
