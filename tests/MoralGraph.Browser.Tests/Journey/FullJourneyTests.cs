using System.Text.RegularExpressions;
using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>
/// A new participant's whole journey through the example study, every page of it checked with axe-core and saved as
/// a screenshot, with how long each page took to become usable written to the test output.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed partial class FullJourneyTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    private int _pagesChecked;

    [Theory]
    [InlineData("desktop")]
    [InlineData("mobile")]
    public async Task A_new_participant_goes_from_the_study_link_to_the_thank_you_page_on_accessible_pages(string screen)
    {
        if (screen == "mobile")
        {
            await Page.UseMobileViewportAsync();
        }

        var participant = new Participant(Page);
        var answers = InterviewAnswers.Titled($"Listening first on {screen}");
        var timings = new PageTimings();

        await timings.MeasureAsync("consent", "navigation → circuit interactive", () => participant.OpenAsync());
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Consent");
        await CheckAsync(screen, "consent");

        var choose = Page.GetByTestId($"choose-{ExampleStudy.QuestionId}");
        await timings.MeasureAsync("question", "tick + Start → joined page interactive, choice live", async () =>
        {
            await participant.AgreeAndStartAsync();
            await choose.WaitForHandlersAsync();
        });
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Question");
        await Expect(participant.ResumeCode).ToHaveTextAsync(ResumeCodeFormat());
        await CheckAsync(screen, "question");

        await timings.MeasureAsync("interview", "choose → opening message stored", () => participant.ChooseQuestionAsync());
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Interview");
        await CheckAsync(screen, "interview");

        await participant.SayAsync(answers.Story);
        await timings.MeasureAsync("interview: policies", "send → reply stored", () => participant.SayAsync(answers.Attention));
        await Expect(Page.GetByTestId("interview-done")).ToBeVisibleAsync();
        // A goal rather than something attended to: the live hints say so while the participant types.
        await timings.MeasureAsync("interview: hints", "type → hints shown", async () =>
        {
            await participant.TypeAnswerAsync("to make sure she is ok");
            await Expect(Page.GetByTestId("policy-hints")).ToContainTextAsync("goal");
        });
        await CheckAsync(screen, "interview-policies-with-hints");

        foreach (var policy in answers.Policies)
        {
            await participant.SayAsync(policy);
        }

        await participant.FinishPoliciesAsync();
        await participant.SayAsync(answers.Title);
        await timings.MeasureAsync("card", "send description → card editor", () => participant.DescribeAsync(answers));
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Card");
        await Expect(Page.GetByTestId("card-description")).ToHaveValueAsync(answers.Description);
        for (var i = 0; i < answers.Policies.Count; i++)
        {
            await Expect(Page.GetByTestId($"card-policy-{i}")).ToHaveValueAsync(answers.Policies[i]);
        }

        await CheckAsync(screen, "card");

        await timings.MeasureAsync("voting item", "confirm → first item", participant.ConfirmCardAsync);
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Voting");
        await Expect(participant.ItemProgress).ToHaveTextAsync($"Item 1 of {ExampleStudy.VoteDrawSize}");
        await Expect(Page.GetByTestId("value-a")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("value-b")).ToBeVisibleAsync();
        await CheckAsync(screen, "voting-item");

        await timings.MeasureAsync("tallies", "submit → tallies", () => participant.AnswerItemAsync());
        await CheckAsync(screen, "voting-tallies");

        for (var item = 2; item <= ExampleStudy.VoteDrawSize; item++)
        {
            await participant.NextItemAsync();
            await Expect(participant.ItemProgress).ToHaveTextAsync($"Item {item} of {ExampleStudy.VoteDrawSize}");
            await participant.AnswerItemAsync();
        }

        await timings.MeasureAsync("survey", "next after the last item → survey", participant.NextItemAsync);
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Survey");
        await CheckAsync(screen, "survey");

        await timings.MeasureAsync("thank-you", "answer one + Finish → thank-you", participant.FinishSurveyAsync);
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Done");
        await CheckAsync(screen, "thank-you");

        await timings.MeasureAsync("my-value", "navigation → circuit interactive", () => participant.OpenAsync(ExampleStudy.MyValuePath));
        await Expect(Page.GetByTestId("my-card")).ToContainTextAsync(answers.Title);
        await Expect(Page.GetByTestId("my-value-context")).Not.ToHaveCountAsync(0);
        await CheckAsync(screen, "my-value");

        await timings.MeasureAsync("resume", "navigation → circuit interactive", () => participant.OpenAsync(ExampleStudy.ResumePath));
        await Expect(Page.GetByTestId("resume-input")).ToBeVisibleAsync();
        await CheckAsync(screen, "resume");

        await timings.MeasureAsync("unknown study", "navigation → circuit interactive", () => participant.OpenAsync("/s/no-such-study"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "We can't find this study", Level = 1 })).ToBeVisibleAsync();
        await CheckAsync(screen, "unknown-study");

        Output.WriteLine($"Time to usable, per page, at {Page.ViewportSize?.Width} px:\n{timings}");
        AssertNoBrowserProblems();
    }

    /// <summary>Saves the page as it is now and fails on any serious or critical axe-core violation.</summary>
    private async Task CheckAsync(string screen, string name)
    {
        _pagesChecked++;
        await Page.SaveAsync($"journey-{screen}-{_pagesChecked:00}-{name}");
        await Page.AssertNoSeriousViolationsAsync($"the {name} page at {Page.ViewportSize?.Width} px", Output);
    }

    [GeneratedRegex("^[0-9A-Z]{5}-[0-9A-Z]{5}$")]
    private static partial Regex ResumeCodeFormat();
}
