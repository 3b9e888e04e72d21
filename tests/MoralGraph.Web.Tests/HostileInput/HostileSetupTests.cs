using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Tests.HostileInput;
using MoralGraph.Web.Access;
using MoralGraph.Web.Hosting;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.HostileInput;

/// <summary>The one-time setup form of a fresh install (no owner yet), given every hostile string in each field.</summary>
public sealed class HostileSetupTests : IAsyncLifetime
{
    private readonly MoralGraphAppFactory _app = new MoralGraphAppFactory().WithSetting("environment", "Production");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string> FieldsWithEveryString() => HostileStrings.ForEachField("token", "username", "password", "confirmPassword");

    [Theory]
    [MemberData(nameof(FieldsWithEveryString))]
    public async Task A_hostile_setup_field_is_refused_with_its_problem_and_no_owner_is_made(string field, string name)
    {
        var hostile = HostileStrings.Get(name);
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = await client.AntiforgeryTokenAsync(AccountEndpoints.SetupPath);
        var setupToken = _app.Services.GetRequiredService<FirstOwnerSetup>().Token!;
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["token"] = field == "token" ? hostile : setupToken,
            ["username"] = field == "username" ? hostile : "first-owner",
            ["password"] = field == "password" ? hostile : AccessTestClients.Password,
            // Only the confirmation differs when the password is the hostile one, so the two never match by accident.
            ["confirmPassword"] = field == "confirmPassword" ? hostile : AccessTestClients.Password,
        };

        using var response = await client.PostAsync(AccountEndpoints.SetupPath, new FormUrlEncodedContent(form));

        await HostileAssert.NoServerErrorAsync(response, "setup");
        if (await HostileAssert.IsTooLargeRefusalAsync(response))
        {
            // A flood past the form's body limit is refused whole, before any field is read.
        }
        else if (name == "nul-byte")
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(MalformedRequests.UnreadableMessage, await response.Content.ReadAsStringAsync());
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var location = response.Headers.Location?.OriginalString ?? string.Empty;
            Assert.StartsWith($"{AccountEndpoints.SetupPath}?", location, StringComparison.Ordinal);
            // A hostile token is the wrong token; with the right one, the hostile field is the problem named.
            Assert.Contains(field == "token" ? $"problem={AccountProblems.SetupToken}" : "problem=", location, StringComparison.Ordinal);
            if (field != "token")
            {
                Assert.DoesNotContain($"problem={AccountProblems.SetupToken}", location, StringComparison.Ordinal);
            }
        }

        Assert.False((await _app.Access().GetStateAsync()).HasOwner);
    }
}
