using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>Coming back to the journey: after the server restarted under the participant, and on another device with the resume code.</summary>
[Collection(SharedBrowser.Name)]
public sealed class ResumeTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    [Fact]
    public async Task After_a_server_restart_mid_voting_a_reload_shows_the_same_item_and_code_and_the_journey_finishes()
    {
        var participant = new Participant(Page);
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        await participant.InterviewAsync(InterviewAnswers.Titled("Listening through a restart"));
        await participant.ConfirmCardAsync();
        await participant.AnswerItemAsync();
        await participant.NextItemAsync();
        var code = await participant.ReadResumeCodeAsync();
        var progress = await participant.ItemProgress.InnerTextAsync();
        var context = await Page.GetByTestId("vote-context").InnerTextAsync();
        var story = await Page.GetByTestId("vote-story").InnerTextAsync();
        Assert.Equal($"Item 2 of {ExampleStudy.VoteDrawSize}", progress);

        await Page.EvaluateAsync("() => window.openedBeforeRestart = true");
        await Server.RestartAsync();
        // The circuit died with the process. The participant presses reload; Blazor may be reloading the page itself
        // at the same moment (it does once a reconnection attempt is refused), so either reload will do.
        try
        {
            await Page.ReloadAsync();
        }
        catch (PlaywrightException e) when (e.Message.Contains("ERR_ABORTED", StringComparison.Ordinal) || e.Message.Contains("interrupted", StringComparison.Ordinal))
        {
            Output.WriteLine($"The reload met Blazor's own: {e.Message}");
        }

        await Page.WaitForFunctionAsync("() => window.openedBeforeRestart === undefined");
        await Page.WaitForInteractiveAsync();
        // What the dead circuit's reconnection attempts reported until then belongs to the outage, not to the page after it.
        var problemsBeforeReload = BrowserProblems.Count;

        await Expect(participant.ResumeCode).ToHaveTextAsync(code);
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Voting");
        await Expect(participant.ItemProgress).ToHaveTextAsync(progress);
        await Expect(Page.GetByTestId("vote-context")).ToHaveTextAsync(context);
        await Expect(Page.GetByTestId("vote-story")).ToHaveTextAsync(story);
        await Page.SaveAsync("journey-after-restart-voting");

        Assert.Equal(ExampleStudy.VoteDrawSize - 1, await participant.AnswerEveryItemAsync());
        await participant.FinishSurveyAsync();
        await Expect(participant.ResumeCode).ToHaveTextAsync(code);
        var problems = BrowserProblems.Skip(problemsBeforeReload).ToList();
        Assert.True(problems.Count == 0, $"The browser reported {problems.Count} problem(s) after the reload:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public async Task On_another_device_the_resume_code_continues_the_interview_where_it_stopped()
    {
        var answers = InterviewAnswers.Titled("Listening across devices");
        var participant = new Participant(Page);
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        await participant.SayAsync(answers.Story);
        var code = await participant.ReadResumeCodeAsync();

        var phone = new Participant(await OpenAnotherDeviceAsync());
        await phone.OpenAsync(ExampleStudy.ResumePath);
        var codeInput = phone.Page.GetByTestId("resume-input");
        await codeInput.WaitForHandlersAsync();
        await codeInput.FillAsync(code);
        var resume = phone.Page.GetByTestId("resume-submit");
        await Expect(resume).ToBeEnabledAsync();
        await resume.ClickAsync();
        await phone.WaitForJoinedPageAsync();

        await Expect(phone.ResumeCode).ToHaveTextAsync(code);
        await Expect(phone.CurrentStep).ToHaveAttributeAsync("data-step", "Interview");
        await Expect(phone.OwnTexts).ToHaveTextAsync([answers.Story]);
        await Expect(phone.InterviewerTexts).ToHaveCountAsync(2);
        await Expect(phone.Page.GetByLabel("What you paid attention to")).ToBeVisibleAsync();
        await phone.SayAsync(answers.Attention);
        await Expect(phone.Page.GetByTestId("interview-done")).ToBeVisibleAsync();
        AssertNoBrowserProblems();
    }
}
