using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>The interview as a participant meets it: across a reload, with markup typed in, double clicks, and the keyboard alone.</summary>
[Collection(SharedBrowser.Name)]
public sealed class InterviewTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    private static readonly InterviewAnswers Answers = InterviewAnswers.Titled("Listening before advising");

    [Fact]
    public async Task A_reload_mid_interview_keeps_the_transcript_and_continues_from_the_same_stage()
    {
        var participant = await StartInterviewAsync();
        await participant.SayAsync(Answers.Story);
        await participant.SayAsync(Answers.Attention);
        var interviewerSaid = await participant.InterviewerTexts.AllInnerTextsAsync();
        Assert.Equal(3, interviewerSaid.Count);

        await participant.ReloadAsync();

        await Expect(participant.OwnTexts).ToHaveTextAsync([Answers.Story, Answers.Attention]);
        await Expect(participant.InterviewerTexts).ToHaveTextAsync([.. interviewerSaid]);
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Interview");
        // The policies stage: its own prompt on the answer box, and the button to finish the list.
        await Expect(Page.GetByLabel("One thing a wise person attends to")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("interview-done")).ToBeVisibleAsync();

        await participant.SayAsync(Answers.Policies[0]);
        await Expect(participant.InterviewerTexts.Last).ToContainTextAsync("Noted.");
        await Expect(participant.OwnTexts).ToHaveCountAsync(3);
        AssertNoBrowserProblems();
    }

    [Fact]
    public async Task Markup_typed_as_an_answer_is_shown_as_text_and_never_run()
    {
        const string markup = "<script>window.__pwned=1</script><b>bold</b>";
        var participant = await StartInterviewAsync();

        await participant.SayAsync(markup);

        await Expect(participant.OwnTexts).ToHaveTextAsync([markup]);
        await Expect(participant.Transcript.Locator("b, script")).ToHaveCountAsync(0);
        Assert.True(await Page.EvaluateAsync<bool>("() => window.__pwned === undefined"), "The answer's script ran.");

        // Prerendered from the store after a reload, it is still text.
        await participant.ReloadAsync();
        await Expect(participant.OwnTexts).ToHaveTextAsync([markup]);
        await Expect(participant.Transcript.Locator("b, script")).ToHaveCountAsync(0);
        Assert.True(await Page.EvaluateAsync<bool>("() => window.__pwned === undefined"), "The answer's script ran after a reload.");
        AssertNoBrowserProblems();
    }

    [Fact]
    public async Task A_double_click_on_send_posts_the_answer_once()
    {
        var participant = await StartInterviewAsync();

        await participant.TypeAnswerAsync(Answers.Story);
        await participant.InterviewSend.DblClickAsync();
        await participant.WaitForInterviewerAsync(2);

        await Expect(participant.OwnTexts).ToHaveTextAsync([Answers.Story]);
        await Expect(Page.GetByTestId("interview-error")).ToHaveCountAsync(0);
        // And still once after a reload, which shows what was stored rather than what was rendered.
        await participant.ReloadAsync();
        await Expect(participant.OwnTexts).ToHaveTextAsync([Answers.Story]);
        await Expect(participant.InterviewerTexts).ToHaveCountAsync(2);
        AssertNoBrowserProblems();
    }

    [Fact]
    public async Task Consent_and_an_interview_answer_work_with_the_keyboard_alone_and_focus_is_visible_on_controls()
    {
        var participant = new Participant(Page);
        await participant.OpenAsync();
        // A full page load leaves the focus where the browser put it (screen readers announce the new page's title):
        // focusing the heading once the circuit came up would pull the focus from a control and swallow an Enter.
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).Not.ToBeFocusedAsync();

        var agree = Page.GetByTestId("consent-checkbox");
        await agree.WaitForHandlersAsync();
        await TabToAsync(agree);
        await Page.Keyboard.PressAsync("Space");
        await Expect(agree).ToBeCheckedAsync();

        var start = Page.GetByTestId("consent-start");
        // Start is disabled until the tick reaches the circuit, and Tab passes over disabled buttons.
        await Expect(start).ToBeEnabledAsync();
        await TabToAsync(start);
        await AssertFocusIsVisibleAsync(start, "Start");
        await Page.SaveAsync("journey-keyboard-start-focused");
        await Page.Keyboard.PressAsync("Enter");
        await participant.WaitForJoinedPageAsync();

        var choose = Page.GetByTestId($"choose-{ExampleStudy.QuestionId}");
        await choose.WaitForHandlersAsync();
        await TabToAsync(choose);
        await AssertFocusIsVisibleAsync(choose, "Choose this question");
        await Page.Keyboard.PressAsync("Enter");
        await participant.WaitForInterviewerAsync(1);

        await participant.InterviewInput.WaitForHandlersAsync();
        // The answer box shows its focus on its outlined frame (the component's border thickens), not on the textarea.
        var frame = Page.Locator(".mud-input:has([data-testid=interview-input]) .mud-input-outlined-border");
        var unfocusedFrame = await frame.EvaluateAsync<string>("frame => getComputedStyle(frame).borderTopWidth");
        await TabToAsync(participant.InterviewInput);
        await Expect(frame).Not.ToHaveCSSAsync("border-top-width", unfocusedFrame);
        Output.WriteLine($"Focus on the answer box: its frame's border went from {unfocusedFrame} to {await frame.EvaluateAsync<string>("frame => getComputedStyle(frame).borderTopWidth")}.");
        await Page.Keyboard.TypeAsync(Answers.Story);
        await Expect(participant.InterviewSend).ToBeEnabledAsync();
        await TabToAsync(participant.InterviewSend);
        await AssertFocusIsVisibleAsync(participant.InterviewSend, "Send");
        await Page.Keyboard.PressAsync("Enter");
        await participant.WaitForInterviewerAsync(2);

        await Expect(participant.OwnTexts).ToHaveTextAsync([Answers.Story]);
        await Expect(Page.GetByLabel("What you paid attention to")).ToBeVisibleAsync();
        AssertNoBrowserProblems();
    }

    [Fact]
    public async Task On_a_phone_the_interviewers_latest_message_is_in_view_in_the_log_after_every_answer()
    {
        await Page.UseMobileViewportAsync();
        var participant = await StartInterviewAsync();

        foreach (var answer in (string[])[Answers.Story, Answers.Attention, .. Answers.Policies])
        {
            await participant.SayAsync(answer);
            await AssertLatestInterviewerMessageIsInViewAsync(participant);
        }

        AssertNoBrowserProblems();
    }

    [Fact]
    public async Task Ctrl_Enter_sends_an_answer_and_the_focus_returns_to_the_answer_box_for_the_next()
    {
        var participant = await StartInterviewAsync();
        await participant.InterviewInput.WaitForHandlersAsync();
        await participant.InterviewInput.FocusAsync();

        await Page.Keyboard.TypeAsync(Answers.Story);
        await Expect(participant.InterviewSend).ToBeEnabledAsync();
        await Page.Keyboard.PressAsync("Control+Enter");
        await participant.WaitForInterviewerAsync(2);

        await Expect(participant.OwnTexts).ToHaveTextAsync([Answers.Story]);
        await Expect(participant.InterviewInput).ToBeFocusedAsync();
        await Expect(participant.InterviewInput).ToHaveValueAsync(string.Empty);

        // The next answer straight away, without reaching for the mouse or Tab.
        await Page.Keyboard.TypeAsync(Answers.Attention);
        await Expect(participant.InterviewSend).ToBeEnabledAsync();
        await Page.Keyboard.PressAsync("Control+Enter");
        await participant.WaitForInterviewerAsync(3);

        await Expect(participant.OwnTexts).ToHaveTextAsync([Answers.Story, Answers.Attention]);
        await Expect(participant.InterviewInput).ToBeFocusedAsync();
        AssertNoBrowserProblems();
    }

    /// <summary>The last of the interviewer's messages lies within the log's visible area (the log scrolls inside a capped box).</summary>
    private async Task AssertLatestInterviewerMessageIsInViewAsync(Participant participant)
    {
        const string inView = """
            () => {
              const log = document.querySelector('[data-testid=transcript]');
              const latest = [...log.querySelectorAll('[data-role=Interviewer]')].at(-1);
              const box = log.getBoundingClientRect();
              const message = latest.getBoundingClientRect();
              return message.top >= box.top - 1 && message.bottom <= box.bottom + 1;
            }
            """;
        try
        {
            // The log scrolls just after the reply is rendered, so this waits for it rather than looking once.
            await Page.WaitForFunctionAsync(inView, null, new() { Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
            var box = await participant.Transcript.BoundingBoxAsync();
            var latest = await participant.InterviewerMessages.Last.BoundingBoxAsync();
            Assert.Fail($"The interviewer's latest message (top {latest?.Y}, bottom {latest?.Y + latest?.Height}) is outside the log's "
                + $"visible area (top {box?.Y}, bottom {box?.Y + box?.Height}).");
        }
    }

    private async Task<Participant> StartInterviewAsync()
    {
        var participant = new Participant(Page);
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        return participant;
    }

    /// <summary>Presses Tab until <paramref name="target"/> has the focus; fails after as many presses as a page could need.</summary>
    private async Task TabToAsync(ILocator target)
    {
        const int mostPresses = 40;
        for (var presses = 0; presses < mostPresses; presses++)
        {
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                return;
            }

            await Page.Keyboard.PressAsync("Tab");
        }

        var focused = await Page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'");
        Assert.Fail($"{mostPresses} presses of Tab never reached {target}; the focus is on {focused}.");
    }

    /// <summary>The focused <paramref name="element"/> matches :focus-visible and draws an outline or a shadow.</summary>
    private async Task AssertFocusIsVisibleAsync(ILocator element, string name)
    {
        var style = await element.EvaluateAsync<string[]>("""
            element => {
                const style = getComputedStyle(element);
                return [String(element.matches(':focus-visible')), style.outlineStyle, style.outlineWidth, style.boxShadow];
            }
            """);
        Output.WriteLine($"Focus on {name}: focus-visible {style[0]}, outline {style[1]} {style[2]}, box-shadow {style[3]}.");
        Assert.True(style[0] == "true", $"{name} has the focus but does not match :focus-visible.");
        var outlined = style[1] != "none" && style[2] != "0px";
        var shadowed = style[3] != "none";
        Assert.True(outlined || shadowed, $"{name} has the focus but shows no outline or shadow (outline {style[1]} {style[2]}, box-shadow {style[3]}).");
    }
}
