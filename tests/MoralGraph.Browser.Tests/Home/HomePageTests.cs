using System.Diagnostics;
using System.Text.RegularExpressions;
using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Home;

/// <summary>The home page of a fresh server, whose store the app seeded with the example study.</summary>
[Collection(SharedBrowser.Name)]
public sealed partial class HomePageTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    [Fact]
    public async Task A_fresh_server_lists_the_seeded_example_study_styled_and_without_errors()
    {
        var response = await Page.GotoAsync("/");

        Assert.Equal(200, response?.Status);
        await Expect(Page).ToHaveTitleAsync("Studies – MoralGraph");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Studies", Level = 1 })).ToBeVisibleAsync();
        var row = Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Rowheader, new() { Name = ExampleStudy.Title }) });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("code")).ToHaveTextAsync(ExampleStudy.Slug);
        // MudBlazor's stylesheet loaded: without it the app bar is not fixed to the top.
        await Expect(Page.Locator("header.mud-appbar")).ToHaveCSSAsync("position", "fixed");
        await Page.WaitForInteractiveAsync();
        AssertNoBrowserProblems();
    }

    [Fact]
    public async Task The_page_becomes_interactive_and_the_profile_choice_reaches_the_server()
    {
        // The profile and the downloads are shown to facilitators only.
        await Page.SignInAsOwnerAsync(Server);
        var clock = Stopwatch.StartNew();
        await Page.GotoAsync("/");
        var loaded = clock.Elapsed;
        await Page.WaitForInteractiveAsync();
        var interactive = clock.Elapsed;

        var profile = Page.GetByRole(AriaRole.Combobox, new() { Name = "Reconciliation profile" });
        await profile.WaitForHandlersAsync();
        await profile.ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "mai-2023" }).ClickAsync();
        var graphMl = Page.GetByRole(AriaRole.Link, new() { Name = $"Download {ExampleStudy.Title} as GraphML" });
        await Expect(graphMl).ToHaveAttributeAsync("href", Mai2023Export());
        var answered = clock.Elapsed - interactive;

        Output.WriteLine($"Home page: load event after {loaded.TotalMilliseconds:F0} ms, interactive (circuit rendered) after {interactive.TotalMilliseconds:F0} ms; first interaction (open the select, pick a profile, links re-rendered) took {answered.TotalMilliseconds:F0} ms.");
        AssertNoBrowserProblems();
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("mobile")]
    public async Task Has_no_serious_accessibility_violations(string screen)
    {
        if (screen == "mobile")
        {
            await Page.UseMobileViewportAsync();
        }

        await OpenAsync("/");
        await Page.SaveAsync($"home-{screen}");

        await Page.AssertNoSeriousViolationsAsync($"the home page at {Page.ViewportSize?.Width} px", Output);
        AssertNoBrowserProblems();
    }

    [Fact]
    public async Task Each_study_links_to_its_participant_page()
    {
        await OpenAsync("/");

        var takePart = Page.GetByRole(AriaRole.Link, new() { Name = $"Take part in {ExampleStudy.Title}" });
        // The resolved address, whether the markup says "/s/…" or "s/…" against <base href="/">.
        Assert.Equal(Server.Url(ExampleStudy.ParticipantPath), await takePart.EvaluateAsync<string>("link => link.href"));
        await takePart.ClickAsync();
        await Expect(Page).ToHaveURLAsync(Server.Url(ExampleStudy.ParticipantPath));
        await Page.WaitForInteractiveAsync();
        AssertNoBrowserProblems();
    }

    [GeneratedRegex(@"profile=mai-2023")]
    private static partial Regex Mai2023Export();
}
