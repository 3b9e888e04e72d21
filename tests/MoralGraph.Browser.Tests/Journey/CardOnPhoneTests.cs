using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>Writing the values card on a 375 px phone: the title checked where it is written, every field read whole.</summary>
[Collection(SharedBrowser.Name)]
public sealed class CardOnPhoneTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    private const string LongPolicy = "MOMENTS when she feels torn between her faith, her family's hopes and the future she has quietly imagined for herself";

    [Fact]
    public async Task A_too_long_title_is_asked_for_again_in_the_interview_and_the_card_shows_long_policies_and_its_counter_whole()
    {
        await Page.UseMobileViewportAsync();
        var participant = new Participant(Page);
        var answers = InterviewAnswers.Titled("Listening before advising") with
        {
            Policies = [LongPolicy, .. InterviewAnswers.Titled("x").Policies.Skip(1)],
        };
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        await participant.SayAsync(answers.Story);
        await participant.SayAsync(answers.Attention);
        foreach (var written in answers.Policies)
        {
            await participant.SayAsync(written);
        }

        await participant.FinishPoliciesAsync();

        // Eleven words: the card would refuse it, so the interviewer says so now and asks again.
        await participant.SayAsync("The AI should listen first and help her find her way");
        await Expect(participant.InterviewerTexts.Last).ToContainTextAsync("The title has 11 words; use 2 to 6.");
        await Expect(participant.InterviewInput).ToHaveAccessibleNameAsync("A short title");
        await participant.SayAsync(answers.Title);
        await participant.DescribeAsync(answers);

        var policy = Page.GetByTestId("card-policy-0");
        await Expect(policy).ToHaveValueAsync(LongPolicy);
        var cutOff = await policy.EvaluateAsync<bool>("field => field.scrollWidth > field.clientWidth || field.scrollHeight > field.clientHeight");
        Assert.False(cutOff, "The long policy does not fit its field: part of it is hidden.");

        var helper = await HelperBoxesAsync("card-description");
        Assert.True(helper.Count == 2, $"Expected the description's help and its counter, found {helper.Count} helper texts.");
        // Apart: the counter on a line of its own, or a clear gap between the help's text and it.
        var (help, counter) = (helper[0], helper[1]);
        var apart = counter.Top >= help.Bottom || counter.Left - help.Right >= 8;
        Assert.True(apart, $"The description's help ({Describe(help)}) runs into its counter ({Describe(counter)}).");
        await Page.SaveAsync("card-on-phone");
        AssertNoBrowserProblems();
    }

    // The help and the counter under a field, each measured by its text's own extent (a box may be wider than its words).
    private async Task<IReadOnlyList<Box>> HelperBoxesAsync(string testId) =>
        await Page.GetByTestId(testId).EvaluateAsync<Box[]>("""
            field => [...field.closest('.mud-input-control').querySelectorAll('.mud-input-helper-text > *')].map(p => {
                const range = document.createRange();
                range.selectNodeContents(p);
                const r = range.getBoundingClientRect();
                return { Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom };
            })
            """);

    private static string Describe(Box b) => $"{b.Left:F0}–{b.Right:F0} × {b.Top:F0}–{b.Bottom:F0}";

    private sealed class Box
    {
        public double Left { get; set; }

        public double Top { get; set; }

        public double Right { get; set; }

        public double Bottom { get; set; }
    }
}
