using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Journey;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Console;

/// <summary>
/// A phase change reaches participants' open pages at once. On a server of its own (the study it closes is no use to
/// other tests afterwards).
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class PhaseChangeTests(DashboardLatencyTests.VotingStudyServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<DashboardLatencyTests.VotingStudyServer>
{
    [Fact]
    public async Task A_participant_voting_when_the_study_closes_sees_the_closing_page_without_a_reload()
    {
        var participant = new Participant(await OpenAnotherDeviceAsync());
        await participant.OpenAsync(DashboardLatencyTests.VotingStudyServer.ParticipantPath);
        var agree = participant.Page.GetByTestId("consent-checkbox");
        await agree.WaitForHandlersAsync();
        await agree.CheckAsync();
        await participant.Page.GetByTestId("consent-start").ClickAsync();
        await participant.Page.WaitForURLAsync(url => url.EndsWith(DashboardLatencyTests.VotingStudyServer.ParticipantPath, StringComparison.Ordinal));
        await participant.Page.WaitForInteractiveAsync();
        await Expect(participant.VoteSubmit).ToBeVisibleAsync();
        await participant.Page.EvaluateAsync("() => window.mgNoReload = true");

        await Page.SignInAsOwnerAsync(Server);
        await OpenAsync($"/console/{DashboardLatencyTests.VotingStudyServer.Slug}/settings");
        var close = Page.GetByTestId("phase-closed");
        await close.WaitForHandlersAsync();
        await close.ClickAsync();
        var confirm = Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Move to closed" });
        await confirm.WaitForHandlersAsync();
        await confirm.ClickAsync();
        await Expect(Page.GetByTestId("phase")).ToHaveTextAsync("closed");

        await Expect(participant.Page.GetByTestId("thank-you")).ToContainTextAsync("This study has closed");
        await Expect(participant.VoteSubmit).ToHaveCountAsync(0);
        Assert.True(await participant.Page.EvaluateAsync<bool>("() => window.mgNoReload === true"), "The participant's page reloaded to show the closing.");
        await participant.Page.SaveAsync("console-phase-closed-participant");
        AssertNoBrowserProblems();
    }
}
