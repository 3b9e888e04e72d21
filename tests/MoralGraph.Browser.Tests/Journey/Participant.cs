using System.Text.RegularExpressions;
using MoralGraph.Browser.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>
/// A participant taking the example study's journey in one page, through the hooks its pages expose (<c>data-testid</c>
/// on the controls, <c>aria-current</c> on the progress list). Each step ends by waiting for what the participant
/// would wait for — the next step on screen, the interviewer's reply stored — so that a test reads as the journey does
/// and never sleeps.
/// </summary>
public sealed partial class Participant(IPage page)
{
    /// <summary>The page the participant uses.</summary>
    public IPage Page { get; } = page;

    /// <summary>The step the progress list marks as current; its <c>data-step</c> is the step's name (e.g. <c>Interview</c>).</summary>
    public ILocator CurrentStep => Page.Locator("nav li[aria-current=step]");

    /// <summary>The resume code shown at the top once the participant has joined.</summary>
    public ILocator ResumeCode => Page.GetByTestId("resume-code");

    /// <summary>The interview's chat log.</summary>
    public ILocator Transcript => Page.GetByTestId("transcript");

    /// <summary>The interviewer's messages, the one still streaming in (if any) included.</summary>
    public ILocator InterviewerMessages => Transcript.Locator("[data-role=Interviewer]");

    /// <summary>The participant's own messages, one being sent included.</summary>
    public ILocator OwnMessages => Transcript.Locator("[data-role=Participant]");

    /// <summary>The text of each of the interviewer's messages (without the screen-reader prefix naming who speaks).</summary>
    public ILocator InterviewerTexts => InterviewerMessages.Locator(".mg-text");

    /// <summary>The text of each of the participant's messages (without the screen-reader prefix).</summary>
    public ILocator OwnTexts => OwnMessages.Locator(".mg-text");

    /// <summary>The interview's answer box (a textarea).</summary>
    public ILocator InterviewInput => Page.GetByTestId("interview-input");

    /// <summary>The interview's send button.</summary>
    public ILocator InterviewSend => Page.GetByTestId("interview-send");

    /// <summary>The wiser-than item on screen.</summary>
    public ILocator VoteItem => Page.GetByTestId("vote-item");

    /// <summary>"Item n of m" above the item on screen.</summary>
    public ILocator ItemProgress => VoteItem.GetByText(ItemProgressText());

    /// <summary>The vote's submit button.</summary>
    public ILocator VoteSubmit => Page.GetByTestId("vote-submit");

    // Stored replies only: the bubble a reply streams into carries data-testid="streaming" until it is stored.
    private ILocator StoredInterviewerMessages => Transcript.Locator("[data-role=Interviewer]:not([data-testid=streaming])");

    /// <summary>Opens <paramref name="path"/> (by default the study's page) and waits until its circuit is interactive.</summary>
    public async Task OpenAsync(string path = ExampleStudy.ParticipantPath)
    {
        await Page.GotoAsync(path);
        await Page.WaitForInteractiveAsync();
    }

    /// <summary>Reloads the page, as a participant pressing F5 does, and waits until its new circuit is interactive.</summary>
    public async Task ReloadAsync()
    {
        await Page.ReloadAsync();
        await Page.WaitForInteractiveAsync();
    }

    /// <summary>
    /// On the consent page: ticks the box and presses Start. Joining reloads the page (the session endpoint sets the
    /// participant's cookie); this returns once the reloaded page shows the resume code and is interactive.
    /// </summary>
    public async Task AgreeAndStartAsync()
    {
        var agree = Page.GetByTestId("consent-checkbox");
        await agree.WaitForHandlersAsync();
        await agree.CheckAsync();
        var start = Page.GetByTestId("consent-start");
        await Expect(start).ToBeEnabledAsync();
        await start.ClickAsync();
        await WaitForJoinedPageAsync();
    }

    /// <summary>After Start (or a resume code) sent the browser through the session endpoint: the journey's page, interactive.</summary>
    public async Task WaitForJoinedPageAsync()
    {
        await Page.WaitForURLAsync(url => url.EndsWith(ExampleStudy.ParticipantPath, StringComparison.Ordinal));
        await ResumeCode.WaitForAsync();
        await Page.WaitForInteractiveAsync();
    }

    /// <summary>The resume code shown, e.g. <c>9YDTF-07V8K</c>.</summary>
    public async Task<string> ReadResumeCodeAsync() => (await ResumeCode.InnerTextAsync()).Trim();

    /// <summary>On the question step: chooses <paramref name="questionId"/> and waits for the interviewer's opening message.</summary>
    public async Task ChooseQuestionAsync(string questionId = ExampleStudy.QuestionId)
    {
        var choose = Page.GetByTestId($"choose-{questionId}");
        await choose.WaitForHandlersAsync();
        await choose.ClickAsync();
        await WaitForInterviewerAsync(1);
    }

    /// <summary>
    /// Types <paramref name="text"/> into the answer box and waits until the circuit has it. The box is bound with a
    /// debounce, so the text reaches the circuit a moment after it is typed, and Send, enabled by any text, says when.
    /// Text already in the box is cleared first, waiting for Send to go off: otherwise an enabled Send would not tell
    /// the new text from the old (a click in that moment sends the old text).
    /// </summary>
    public async Task TypeAnswerAsync(string text)
    {
        await Expect(InterviewInput).ToBeEnabledAsync();
        await InterviewInput.WaitForHandlersAsync();
        if (await InterviewSend.IsEnabledAsync())
        {
            await InterviewInput.ClearAsync();
            await Expect(InterviewSend).ToBeDisabledAsync();
        }

        await InterviewInput.FillAsync(text);
        await Expect(InterviewSend).ToBeEnabledAsync();
    }

    /// <summary>Sends <paramref name="text"/> as an interview answer and waits for the interviewer's reply to be stored.</summary>
    public async Task SayAsync(string text)
    {
        var replies = await StoredInterviewerMessages.CountAsync();
        await TypeAnswerAsync(text);
        await InterviewSend.ClickAsync();
        await WaitForInterviewerAsync(replies + 1);
    }

    /// <summary>In the policies stage: presses "That's all my policies" and waits for the interviewer to ask for a title.</summary>
    public async Task FinishPoliciesAsync()
    {
        var replies = await StoredInterviewerMessages.CountAsync();
        await Page.GetByTestId("interview-done").ClickAsync();
        await WaitForInterviewerAsync(replies + 1);
    }

    /// <summary>
    /// Waits until the transcript holds <paramref name="count"/> stored interviewer messages, none is streaming and the
    /// answer box takes input again (the page has reloaded the participant's state).
    /// </summary>
    public async Task WaitForInterviewerAsync(int count)
    {
        await Expect(StoredInterviewerMessages).ToHaveCountAsync(count);
        await Expect(Page.GetByTestId("streaming")).ToHaveCountAsync(0);
        await Expect(InterviewInput).ToBeEnabledAsync();
    }

    /// <summary>Answers every stage of the interview after the opening, from the story to the description.</summary>
    public async Task InterviewAsync(InterviewAnswers answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        await SayAsync(answers.Story);
        await SayAsync(answers.Attention);
        await WritePoliciesAsync(answers);
    }

    /// <summary>From the policies stage on: each policy, "That's all", the title and the description; returns once the card editor shows.</summary>
    public async Task WritePoliciesAsync(InterviewAnswers answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        foreach (var policy in answers.Policies)
        {
            await SayAsync(policy);
        }

        await FinishPoliciesAsync();
        await SayAsync(answers.Title);
        await DescribeAsync(answers);
    }

    /// <summary>
    /// Asked for the description: sends it, which completes the interview, and waits for the card editor drafted from
    /// <paramref name="answers"/> instead of a reply.
    /// </summary>
    public async Task DescribeAsync(InterviewAnswers answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        await TypeAnswerAsync(answers.Description);
        await InterviewSend.ClickAsync();
        await Expect(Page.GetByTestId("card-title")).ToHaveValueAsync(answers.Title);
    }

    /// <summary>On the card step: confirms the card as it stands and waits for the first wiser-than item.</summary>
    public async Task ConfirmCardAsync()
    {
        await Page.GetByTestId("card-confirm").ClickAsync();
        await Expect(VoteSubmit).ToBeVisibleAsync();
    }

    /// <summary>On an item: picks <paramref name="verdict"/> ("Yes", "No" or "Not sure"), submits, and waits for the tallies.</summary>
    public async Task AnswerItemAsync(string verdict = "Yes")
    {
        await ChooseVerdictAsync(verdict);
        await VoteSubmit.ClickAsync();
        await Expect(Page.GetByTestId("vote-tallies")).ToBeVisibleAsync();
    }

    /// <summary>On an item: picks <paramref name="verdict"/> and waits until the answer can be submitted.</summary>
    public async Task ChooseVerdictAsync(string verdict = "Yes")
    {
        await VoteItem.GetByText(verdict, new() { Exact = true }).ClickAsync();
        await Expect(VoteSubmit).ToBeEnabledAsync();
    }

    /// <summary>After the tallies: presses Next and waits for the next item or, after the last one, the survey.</summary>
    public async Task NextItemAsync()
    {
        await Page.GetByTestId("vote-next").ClickAsync();
        await Expect(VoteSubmit.Or(Page.GetByTestId("survey-submit"))).ToBeVisibleAsync();
    }

    /// <summary>Answers "Yes" to every item left and moves on to the survey; returns how many items were answered.</summary>
    public async Task<int> AnswerEveryItemAsync()
    {
        var answered = 0;
        while (await VoteSubmit.IsVisibleAsync())
        {
            await AnswerItemAsync();
            answered++;
            await NextItemAsync();
        }

        await Expect(Page.GetByTestId("survey-submit")).ToBeVisibleAsync();
        return answered;
    }

    /// <summary>On the survey: answers its first question and presses Finish; returns once the thank-you shows.</summary>
    public async Task FinishSurveyAsync()
    {
        await Page.GetByTestId("survey-values-expressed").GetByText("5 – very much", new() { Exact = true }).ClickAsync();
        await Page.GetByTestId("survey-submit").ClickAsync();
        await Expect(Page.GetByTestId("thank-you")).ToBeVisibleAsync();
    }

    /// <summary>Deletes the participant's contributions (button, then confirmation) and waits for the "deleted" page.</summary>
    public async Task WithdrawAsync()
    {
        await Page.GetByTestId("withdraw").ClickAsync();
        await Page.GetByTestId("withdraw-confirm").ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith(ExampleStudy.ParticipantPath + "/withdrawn", StringComparison.Ordinal));
        await Expect(Page.GetByTestId("withdrawn")).ToBeVisibleAsync();
    }

    [GeneratedRegex(@"^Item \d+ of \d+$")]
    private static partial Regex ItemProgressText();
}
