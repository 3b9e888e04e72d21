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
        var card = Page.GetByTestId("study-card").Filter(new() { Has = Page.GetByRole(AriaRole.Heading, new() { Name = ExampleStudy.Title, Level = 2 }) });
        await Expect(card).ToHaveCountAsync(1);
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
    public async Task On_a_phone_a_participant_reads_to_them_first_and_each_open_study_has_a_big_take_part_within_the_screen()
    {
        await Page.UseMobileViewportAsync();
        await OpenAsync("/");

        await Expect(Page.GetByTestId("home-intro")).Not.ToContainTextAsync("acilitator");
        var takePart = Page.GetByRole(AriaRole.Link, new() { Name = $"Take part in {ExampleStudy.Title}" });
        var box = await takePart.BoundingBoxAsync();
        Assert.NotNull(box);
        var width = Page.ViewportSize!.Width;
        Assert.True(box.X >= 0 && box.X + box.Width <= width, $"Take part spans {box.X:F0}–{box.X + box.Width:F0} px on a {width} px screen.");
        // A target a thumb hits (WCAG 2.5.5 asks 44 × 44 CSS px).
        Assert.True(box.Height >= 44 && box.Width >= 200, $"Take part is {box.Width:F0} × {box.Height:F0} px.");
        var pageWidth = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(pageWidth <= width, $"The page is {pageWidth} px wide on a {width} px screen: it scrolls sideways.");
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
