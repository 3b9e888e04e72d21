using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>What a participant's clicks leave in the study's export: one vote per answer, and nothing once they withdraw.</summary>
[Collection(SharedBrowser.Name)]
public sealed class ContributionsInExportTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    [Fact]
    public async Task A_double_click_on_submit_records_one_vote()
    {
        var exports = await OwnerExportsAsync();
        var participant = await ReachVotingAsync(InterviewAnswers.Titled("Listening with one vote"));
        var before = await StudyExport.FetchAsync(exports);

        await participant.ChooseVerdictAsync();
        await participant.VoteSubmit.DblClickAsync();
        await Expect(Page.GetByTestId("vote-tallies")).ToBeVisibleAsync();

        var after = await StudyExport.FetchAsync(exports);
        Assert.Equal(before.Votes + 1, after.Votes);
        await participant.NextItemAsync();
        await Expect(participant.ItemProgress).ToHaveTextAsync($"Item 2 of {ExampleStudy.VoteDrawSize}");
        AssertNoBrowserProblems();
    }

    [Fact]
    public async Task A_withdrawn_participants_card_and_votes_leave_the_export()
    {
        var exports = await OwnerExportsAsync();
        var answers = InterviewAnswers.Titled("Listening then withdrawing");
        var participant = await ReachVotingAsync(answers);
        var votes = await participant.AnswerEveryItemAsync();
        Assert.Equal(ExampleStudy.VoteDrawSize, votes);

        var taking = await StudyExport.FetchAsync(exports);
        Assert.Contains(answers.Title, taking.ValueTitles);
        Assert.True(taking.Votes >= votes, $"The export counts {taking.Votes} vote(s) though this participant alone cast {votes}.");

        await participant.WithdrawAsync();
        await Page.SaveAsync("journey-withdrawn");
        await Page.AssertNoSeriousViolationsAsync("the withdrawn page", Output);

        var withdrawn = await StudyExport.FetchAsync(exports);
        Assert.DoesNotContain(answers.Title, withdrawn.ValueTitles);
        Assert.Equal(taking.Votes - votes, withdrawn.Votes);

        // The cookie is gone too: the withdrawn page leads back to the study's page, which asks for consent again.
        await Expect(participant.Page.GetByTestId("withdrawn-home")).ToHaveAttributeAsync("href", "/");
        await participant.Page.GetByTestId("withdrawn-back").ClickAsync();
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Consent");
        await Expect(participant.ResumeCode).ToHaveCountAsync(0);
        AssertNoBrowserProblems();
    }

    /// <summary>The export API needs a facilitator: the owner signs in on another device, whose cookies read the exports.</summary>
    private async Task<IAPIRequestContext> OwnerExportsAsync()
    {
        var owner = await OpenAnotherDeviceAsync();
        await owner.SignInAsOwnerAsync(Server);
        return owner.APIRequest;
    }

    private async Task<Participant> ReachVotingAsync(InterviewAnswers answers)
    {
        var participant = new Participant(Page);
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        await participant.InterviewAsync(answers);
        await participant.ConfirmCardAsync();
        return participant;
    }
}
