using System.Diagnostics;
using MoralGraph.Browser.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Server;

/// <summary>A crash and restart of the app, on the same store, as seen from the browser.</summary>
[Collection(SharedBrowser.Name)]
public sealed class ServerRestartTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    [Fact]
    public async Task After_a_restart_the_store_still_holds_the_study_once_and_is_not_seeded_again()
    {
        await OpenAsync("/");
        await Expect(StudyCards()).ToHaveCountAsync(1);
        // Leave first, so the old circuit's reconnection attempts do not count as problems of the page after the restart.
        await Page.GotoAsync("about:blank");

        var mark = Server.Log.Count;
        await Server.RestartAsync();
        await OpenAsync("/");

        await Expect(StudyCards()).ToHaveCountAsync(1);
        await Expect(StudyCards().GetByRole(AriaRole.Heading, new() { Name = ExampleStudy.Title })).ToHaveCountAsync(1);
        var restartLog = Server.Log.Since(mark);
        Assert.DoesNotContain("Seeded study", restartLog, StringComparison.Ordinal);
        Assert.Contains("Now listening on", restartLog, StringComparison.Ordinal);
        AssertNoBrowserProblems();
    }

    [Fact]
    public async Task A_page_left_open_across_a_restart_comes_back_by_itself()
    {
        await OpenAsync("/");
        await Page.EvaluateAsync("() => window.openedBeforeRestart = true");

        await Server.RestartAsync();
        var clock = Stopwatch.StartNew();

        // The old circuit died with the process; Blazor reconnects, is refused, and reloads the page.
        await Page.WaitForFunctionAsync("() => window.openedBeforeRestart === undefined", null, new() { Timeout = 60_000 });
        await Page.WaitForInteractiveAsync();
        Output.WriteLine($"The open page was interactive again {clock.ElapsedMilliseconds} ms after the restarted server answered.");
        await Expect(StudyCards()).ToHaveCountAsync(1);
        await Page.SaveAsync("home-after-restart");
    }

    // A visitor sees a card per open study.
    private ILocator StudyCards() => Page.GetByTestId("study-card");
}
