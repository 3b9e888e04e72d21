using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Console;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>Joining a study that is already voting: no interview is promised, and none is ticked as done.</summary>
[Collection(SharedBrowser.Name)]
public sealed class VotingPhaseJoinTests(DashboardLatencyTests.VotingStudyServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<DashboardLatencyTests.VotingStudyServer>
{
    [Fact]
    public async Task A_participant_joining_in_the_voting_phase_is_promised_no_interview_and_the_stepper_lists_only_their_steps()
    {
        var participant = new Participant(Page);
        await participant.OpenAsync(DashboardLatencyTests.VotingStudyServer.ParticipantPath);

        await Expect(Page.GetByText("your answers in the interview")).ToHaveCountAsync(0);
        await Expect(Page.GetByText("your votes, the reasons you give for them and your survey answers")).ToBeVisibleAsync();
        await Expect(Page.Locator("nav li[data-step]")).ToHaveCountAsync(4);

        var agree = Page.GetByTestId("consent-checkbox");
        await agree.WaitForHandlersAsync();
        await agree.CheckAsync();
        await Page.GetByTestId("consent-start").ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith(DashboardLatencyTests.VotingStudyServer.ParticipantPath, StringComparison.Ordinal));
        await Page.WaitForInteractiveAsync();
        await Expect(participant.VoteSubmit).ToBeVisibleAsync();

        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Voting");
        var steps = await Page.Locator("nav li[data-step]").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.step)");
        Assert.Equal(["Consent", "Voting", "Survey", "Done"], steps);
        await Expect(Page.Locator("nav li.mg-step-done")).ToHaveCountAsync(1);
        await Expect(Page.GetByTestId("stepper-count")).ToHaveTextAsync("Step 2 of 4: Wiser?");
        AssertNoBrowserProblems();
    }
}
