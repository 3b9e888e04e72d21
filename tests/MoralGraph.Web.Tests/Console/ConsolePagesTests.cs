using System.Net;
using MoralGraph.Core.Access;
using MoralGraph.Web.Studies;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.Console;

/// <summary>The console's pages over HTTP, signed in through the real form: they render for a role that opens them and refuse the others.</summary>
public sealed class ConsolePagesTests(ConsoleApp app) : IClassFixture<ConsoleApp>
{
    private const string Slug = "pages-check";

    public static TheoryData<string, string> Pages => new()
    {
        { StudyLinks.ConsoleHome, "Studies" },
        { StudyLinks.Settings(Slug), "Settings" },
        { StudyLinks.Audit(Slug), "Audit" },
        { StudyLinks.Exports(Slug), "Exports" },
        { StudyLinks.Releases(Slug), "Releases" },
        { StudyLinks.Evaluate(Slug), "Evaluate a model" },
        { StudyLinks.ConsoleAccess, "Access" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Each_console_page_renders_for_an_owner_with_the_console_navigation(string path, string heading)
    {
        await EnsureStudyAsync();
        using var owner = await app.Factory.OwnerClientAsync();

        using var response = await owner.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($">{heading}</h1>", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{StudyLinks.ConsoleAccess}\"", html, StringComparison.Ordinal);
        if (path != StudyLinks.ConsoleHome && path != StudyLinks.ConsoleAccess)
        {
            Assert.Contains($"href=\"{StudyLinks.Moderation(Slug)}\"", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/console/pages-check/settings")]
    [InlineData("/console/pages-check/audit")]
    [InlineData("/console/pages-check/exports")]
    [InlineData("/console/pages-check/releases")]
    [InlineData("/console/pages-check/evaluate")]
    [InlineData("/console/access")]
    public async Task A_facilitator_without_a_role_there_is_sent_to_the_denied_page(string path)
    {
        await EnsureStudyAsync();
        await app.Factory.CreateFacilitatorAsync("elsewhere-observer", FacilitatorRole.Observer, "another-study");
        using var stranger = await app.Factory.SignedInClientAsync("elsewhere-observer", AccessTestClients.Password);

        using var response = await stranger.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/denied", response.Headers.Location!.OriginalString.Replace("http://localhost", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private async Task EnsureStudyAsync()
    {
        if ((await app.Log.ReadStudyAsync(Slug)).Count == 0)
        {
            await app.StudyAsync(Slug);
        }
    }
}
