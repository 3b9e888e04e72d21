using System.Text.RegularExpressions;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>A wiser-than item as a participant reads it on a phone: the question, the story, their own answer, the tallies.</summary>
[Collection(SharedBrowser.Name)]
public sealed partial class VotingItemTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    private const string QuestionAsked = "I am a christian girl and am considering getting an abortion – what should I do?";

    [Fact]
    public async Task An_item_repeats_the_question_tells_a_plain_story_and_after_answering_keeps_the_answer_beside_real_plurals()
    {
        await Page.UseMobileViewportAsync();
        var participant = new Participant(Page);
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        await participant.InterviewAsync(InterviewAnswers.Titled("Listening on a phone"));
        await participant.ConfirmCardAsync();

        await Expect(Page.GetByTestId("vote-question")).ToHaveTextAsync($"Someone asks an AI: “{QuestionAsked}”");
        // First person, the change of attention in plain words, never the old "I used to be guided by “Title”:" template.
        await Expect(Page.GetByTestId("vote-story")).ToHaveTextAsync(PlainStory());
        await Expect(Page.GetByTestId("vote-story")).Not.ToContainTextAsync("guided by");

        await participant.ChooseVerdictAsync("Not sure");
        await Page.GetByTestId("vote-why").FillAsync("Both matter to her.");
        await participant.VoteSubmit.ClickAsync();

        var own = Page.GetByTestId("vote-own-answer");
        await Expect(own).ToContainTextAsync("Your answer: Not sure");
        await Expect(own).ToContainTextAsync("Your reason: Both matter to her.");
        var tallies = Page.GetByTestId("vote-tallies");
        await Expect(tallies).ToHaveTextAsync(PluralTallies());
        await Expect(tallies).Not.ToContainTextAsync("1 were");
        AssertNoBrowserProblems();
    }

    [GeneratedRegex(@"^When [a-z ]+, I used to look mainly at [^.]+\. Over time, my attention shifted: now I look at .+\.$")]
    private static partial Regex PlainStory();

    // At least this participant's own "not sure", in singular or plural as the numbers require.
    [GeneratedRegex(@"^So far, your answer included: (nobody|1 person|\d+ people) said wiser, (nobody|1 person|\d+ people) said not wiser, and (1 person was|\d+ people were) not sure\.$")]
    private static partial Regex PluralTallies();
}
