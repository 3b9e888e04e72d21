using System.Text;
using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>
/// The example study's whole journey on a 375 px phone by keyboard alone (Tab, Space, Enter, Ctrl+Enter, arrow keys;
/// no click, no fill): after each action the next control the participant needs is at most three Tabs away, and every
/// step is clean under axe-core. The Tabs each step took go to the test output.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class KeyboardJourneyTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    /// <summary>The most Tabs a step may take from the previous action to the control it needs (issue 13).</summary>
    private const int MostTabs = 3;

    private readonly List<(string Step, int Tabs)> _tabs = [];

    [Fact]
    public async Task The_whole_journey_at_375_px_by_keyboard_needs_at_most_three_Tabs_between_actions_and_is_clean_under_axe()
    {
        await Page.UseMobileViewportAsync();
        var participant = new Participant(Page);
        var answers = InterviewAnswers.Titled("Listening by keyboard alone");

        await participant.OpenAsync();
        await CheckAsync("consent");
        var agree = Page.GetByTestId("consent-checkbox");
        await agree.WaitForHandlersAsync();
        await TabToAsync(agree, "consent: the agree box, from the page's top");
        await Page.Keyboard.PressAsync("Space");
        await Expect(agree).ToBeCheckedAsync();
        var start = Page.GetByTestId("consent-start");
        await Expect(start).ToBeEnabledAsync();
        await TabToAsync(start, "consent: Start, from the agree box");
        await Page.Keyboard.PressAsync("Enter");
        await participant.WaitForJoinedPageAsync();

        var choose = Page.GetByTestId($"choose-{ExampleStudy.QuestionId}");
        await choose.WaitForHandlersAsync();
        await CheckAsync("question");
        await TabToAsync(choose, "question: Choose, from the page's top after joining");
        await Page.Keyboard.PressAsync("Enter");
        await participant.WaitForInterviewerAsync(1);
        await ExpectFocusOnAsync("#interview-heading", "the interview's heading, after choosing");

        await CheckAsync("interview");
        await TabToAsync(participant.InterviewInput, "interview: the answer box, after choosing");
        var replies = 1;
        foreach (var answer in (string[])[answers.Story, answers.Attention, .. answers.Policies])
        {
            await SendByKeyboardAsync(participant, answer, ++replies);
        }

        await CheckAsync("interview-policies");
        await TabToAsync(Page.GetByTestId("interview-done"), "interview: That's all my policies, from the answer box");
        await Page.Keyboard.PressAsync("Enter");
        await participant.WaitForInterviewerAsync(++replies);
        await SendByKeyboardAsync(participant, answers.Title, ++replies);

        // The description completes the interview: the card editor comes instead of a reply.
        await TabToAsync(participant.InterviewInput, "interview: the answer box, for the description");
        await Page.Keyboard.TypeAsync(answers.Description);
        await Expect(participant.InterviewSend).ToBeEnabledAsync();
        await Page.Keyboard.PressAsync("Control+Enter");
        await Expect(Page.GetByTestId("card-title")).ToHaveValueAsync(answers.Title);
        await Expect(Page.GetByTestId("card-description")).ToHaveValueAsync(answers.Description);
        await ExpectFocusOnAsync("#card-heading", "the card's heading, after the last answer");
        await CheckAsync("card");
        await TabToAsync(Page.GetByTestId("card-confirm-top"), "card: This is my value, after the last answer");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(participant.VoteSubmit).ToBeVisibleAsync();

        for (var item = 1; item <= ExampleStudy.VoteDrawSize; item++)
        {
            await Expect(participant.ItemProgress).ToHaveTextAsync($"Item {item} of {ExampleStudy.VoteDrawSize}");
            if (item == 1)
            {
                await CheckAsync("voting-item");
            }

            var from = item == 1 ? "after confirming the card" : "after Next";
            await ExpectFocusOnAsync("[data-testid=vote-item] h2", $"item {item}'s heading, {from}");
            // Tab reaches a radio group at its first radio when none is chosen; Space chooses it ("Yes").
            await TabToAsync(Page.Locator("[data-testid=vote-verdict] input[type=radio]").First, $"item {item}: the verdict, {from}");
            await Page.Keyboard.PressAsync("Space");
            await Expect(participant.VoteSubmit).ToBeEnabledAsync();
            await TabToAsync(participant.VoteSubmit, $"item {item}: Submit, from the verdict");
            await Page.Keyboard.PressAsync("Enter");
            await Expect(Page.GetByTestId("vote-tallies")).ToBeVisibleAsync();
            await ExpectFocusOnAsync("[data-testid=vote-tallies]", $"item {item}'s tallies, after submitting");
            if (item == 1)
            {
                await CheckAsync("voting-tallies");
            }

            var next = Page.GetByTestId("vote-next");
            await TabToAsync(next, $"item {item}: Next, after submitting");
            await Page.Keyboard.PressAsync("Enter");
            await Expect(participant.VoteSubmit.Or(Page.GetByTestId("survey-submit"))).ToBeVisibleAsync();
        }

        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Survey");
        await ExpectFocusOnAsync("#survey-heading", "the survey's heading, after the last Next");
        await CheckAsync("survey");
        var question = 0;
        foreach (var group in await Page.Locator("fieldset[data-testid^=survey-]").AllAsync())
        {
            question++;
            await TabToAsync(group.Locator("input[type=radio]").First, $"survey: question {question}, {(question == 1 ? "after the last Next" : "from the one before")}");
            // Space chooses "1", each arrow the next answer up: four, "agree".
            await Page.Keyboard.PressAsync("Space");
            await Page.Keyboard.PressAsync("ArrowRight");
            await Page.Keyboard.PressAsync("ArrowRight");
            await Page.Keyboard.PressAsync("ArrowRight");
            await Expect(group.Locator("input[type=radio]").Nth(3)).ToBeCheckedAsync();
        }

        Assert.True(question > 0, "The survey showed no question.");
        await TabToAsync(Page.GetByTestId("survey-submit"), "survey: Finish, from the last question");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("thank-you")).ToBeVisibleAsync();
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Done");
        await ExpectFocusOnAsync("#done-heading", "the thank-you heading, after Finish");
        await CheckAsync("thank-you");

        var report = new StringBuilder($"Tabs from the previous action, per step, at {Page.ViewportSize?.Width} px:\n");
        foreach (var (step, tabs) in _tabs)
        {
            report.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {tabs,2}  {step}");
        }

        Output.WriteLine(report.ToString());
        var tooFar = _tabs.Where(t => t.Tabs > MostTabs).Select(t => $"{t.Step} ({t.Tabs} Tabs)").ToList();
        Assert.True(tooFar.Count == 0, $"Steps needing more than {MostTabs} Tabs: {string.Join("; ", tooFar)}.");
        AssertNoBrowserProblems();
    }

    // Types an answer where the focus is (the answer box), sends it with Ctrl+Enter and waits for the reply; the focus
    // comes back to the box by itself, so this presses no Tab.
    private async Task SendByKeyboardAsync(Participant participant, string answer, int replies)
    {
        await TabToAsync(participant.InterviewInput, $"interview: the answer box, for reply {replies}");
        await Page.Keyboard.TypeAsync(answer);
        await Expect(participant.InterviewSend).ToBeEnabledAsync();
        await Page.Keyboard.PressAsync("Control+Enter");
        await participant.WaitForInterviewerAsync(replies);
    }

    /// <summary>
    /// Presses Tab until <paramref name="target"/> has the focus and records how many presses it took for
    /// <paramref name="step"/>; fails at once when a dozen presses never reach it.
    /// </summary>
    private async Task TabToAsync(ILocator target, string step)
    {
        const int mostPresses = 12;
        for (var presses = 0; presses <= mostPresses; presses++)
        {
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                _tabs.Add((step, presses));
                return;
            }

            await Page.Keyboard.PressAsync("Tab");
        }

        var focused = await Page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'");
        Assert.Fail($"{step}: {mostPresses} Tabs never reached {target}; the focus is on {focused}. So far: "
            + string.Join("; ", _tabs.Select(t => $"{t.Step} {t.Tabs}")));
    }

    // The control just used left with its step; the focus goes to what came instead, so that a screen reader announces
    // it and the next Tab starts from there rather than from the page's body.
    private async Task ExpectFocusOnAsync(string selector, string what)
    {
        var target = Page.Locator(selector);
        try
        {
            await Expect(target).ToBeFocusedAsync();
        }
        catch (PlaywrightException)
        {
            var focused = await Page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'");
            Assert.Fail($"The focus should be on {what}; it is on {focused}.");
        }
    }

    private async Task CheckAsync(string step)
    {
        await Page.SaveAsync($"keyboard-journey-{_tabs.Count:00}-{step}");
        await Page.AssertNoSeriousViolationsAsync($"the {step} step by keyboard at {Page.ViewportSize?.Width} px", Output);
    }
}
