using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using MoralGraph.Core.Access;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Tests.Access;

/// <summary>The one-time setup page of a fresh install.</summary>
public sealed class SetupTests : IDisposable
{
    private readonly MoralGraphAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Setup_creates_the_owner_signs_them_in_and_then_disappears()
    {
        using var client = NewClient();

        using var created = await PostSetupAsync(client, "first-owner", AccessTestClients.Password, AccessTestClients.Password);

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/", created.Headers.Location?.OriginalString);
        var state = await _app.Access().GetStateAsync();
        Assert.Equal(FacilitatorRole.Owner, state.RoleIn("first-owner", "any-study"));
        Assert.Contains(FacilitatorSignIn.CookieName, string.Join(';', created.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);

        using var page = await NewClient().GetAsync(AccountEndpoints.SetupPath);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    [Fact]
    public async Task Once_there_is_an_owner_the_setup_post_cannot_create_another()
    {
        using var client = NewClient();
        // The token of a form fetched while setup was still open, replayed after it closed.
        var token = await client.AntiforgeryTokenAsync(AccountEndpoints.SetupPath);
        await _app.CreateFacilitatorAsync("existing-owner", FacilitatorRole.Owner);

        using var second = await client.PostAsync(AccountEndpoints.SetupPath, Form(token, "intruder", AccessTestClients.Password, AccessTestClients.Password));

        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Null((await _app.Access().GetStateAsync()).Find("intruder"));
    }

    [Theory]
    [InlineData("first owner", AccessTestClients.Password, AccessTestClients.Password, AccountProblems.Username)]
    [InlineData("owner", "eleven char", "eleven char", AccountProblems.PasswordTooShort)]
    [InlineData("owner", AccessTestClients.Password, AccessTestClients.Password + "!", AccountProblems.PasswordsDiffer)]
    public async Task Setup_refuses_a_bad_username_a_short_password_or_two_different_passwords(string username, string password, string again, string problem)
    {
        using var client = NewClient();

        using var refused = await PostSetupAsync(client, username, password, again);

        Assert.Equal($"{AccountEndpoints.SetupPath}?problem={problem}", refused.Headers.Location?.OriginalString);
        Assert.False((await _app.Access().GetStateAsync()).HasOwner);
    }

    private HttpClient NewClient() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> PostSetupAsync(HttpClient client, string username, string password, string again)
    {
        var token = await client.AntiforgeryTokenAsync(AccountEndpoints.SetupPath);
        return await client.PostAsync(AccountEndpoints.SetupPath, Form(token, username, password, again));
    }

    private static FormUrlEncodedContent Form(string token, string username, string password, string again) => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = token,
        ["username"] = username,
        ["password"] = password,
        ["confirmPassword"] = again,
    });
}
