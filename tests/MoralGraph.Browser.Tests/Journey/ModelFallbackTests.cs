using System.Text.Json.Nodes;
using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>
/// What a participant sees when the model is slow, quotes its instructions, does not start at all, or drafts a card
/// that is rejected (issue 13): the real app talks HTTP to <see cref="FakeOpenAIServer"/>, whose script plays the
/// model's failure modes in order, one participant after another.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class ModelFallbackTests(ModelFallbackTests.FallbackServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<ModelFallbackTests.FallbackServer>
{
    private const string HandOver = "The assistant has switched to the guided questions; your answers so far are kept.";
    private const string AskAttention = "When the choice was made well, what did you (or they) pay attention to?";
    private const string AskStory = "Let's start with you.";
    private const string Opening = "Thank you for taking part. Could you tell me about a time you faced a choice like this one?";
    private const string Story = "My sister faced this at nineteen and did not know who to ask.";

    // Nine words in a row of the interviewer's system prompt; the tenth ("two") makes it a quote the app must withdraw.
    private const string NineWordsOfThePrompt = "Ask one question at a time, in a sentence";

    private const string CardTitle = "Room to decide freely";

    private FallbackServer Model => (FallbackServer)Server;

    [Fact]
    public async Task A_slow_model_shows_writing_a_quote_of_its_prompt_never_shows_a_model_that_does_not_start_is_replaced_and_a_rejected_card_is_handed_over_prefilled()
    {
        // 1. Waiting: the model has started but sent only part of a word. The bubble says "Writing…", not nothing.
        var first = new Participant(Page);
        await first.OpenAsync();
        await first.AgreeAndStartAsync();
        var choose = Page.GetByTestId($"choose-{ExampleStudy.QuestionId}");
        await choose.WaitForHandlersAsync();
        await choose.ClickAsync();
        var streaming = Page.GetByTestId("streaming");
        await Expect(streaming.GetByTestId("interview-writing")).ToHaveTextAsync("Writing…");
        await Expect(streaming).Not.ToContainTextAsync("Thank");
        await Page.AssertNoSeriousViolationsAsync("the interview while the model is writing", Output);
        Model.OpeningHold.TrySetResult();
        await first.WaitForInterviewerAsync(1);
        await Expect(first.InterviewerTexts).ToHaveTextAsync([Opening]);

        // 2. A reply that quotes nine words of the prompt and stalls before the tenth: none of the nine is on screen.
        await first.TypeAnswerAsync(Story);
        await first.InterviewSend.ClickAsync();
        await Expect(streaming).ToContainTextAsync("Thank you.");
        await Expect(streaming).Not.ToContainTextAsync("Ask one question");
        await Page.SaveAsync("model-fallback-held-back");
        Model.QuoteHold.TrySetResult();

        // The quote completes, the reply is withdrawn, and the guided script goes on from the story with one line saying so.
        await first.WaitForInterviewerAsync(2);
        await Expect(first.InterviewerTexts.Nth(1)).ToContainTextAsync(HandOver);
        await Expect(first.InterviewerTexts.Nth(1)).ToContainTextAsync(AskAttention);
        await Expect(first.Transcript).Not.ToContainTextAsync("Ask one question");

        // 3. A model that never sends a first token: the guided opening comes after the first-token timeout (3 s), not 60 s.
        var secondPage = await OpenAnotherDeviceAsync();
        var second = new Participant(secondPage);
        await second.OpenAsync();
        await second.AgreeAndStartAsync();
        var chooseAgain = secondPage.GetByTestId($"choose-{ExampleStudy.QuestionId}");
        await chooseAgain.WaitForHandlersAsync();
        await chooseAgain.ClickAsync();
        await Expect(secondPage.GetByTestId("interview-writing")).ToBeVisibleAsync();
        await Expect(second.InterviewerTexts.First).ToContainTextAsync(AskStory, new() { Timeout = 30_000 });
        await Expect(second.InterviewerTexts.First).Not.ToContainTextAsync(HandOver);

        // 4. A card the model drafts that fails validation (MaxCardAttempts is 1 here): the participant reviews that
        //    draft, prefilled, with the line that says what happened — not the guided questions from the start.
        var thirdPage = await OpenAnotherDeviceAsync();
        var third = new Participant(thirdPage);
        await third.OpenAsync();
        await third.AgreeAndStartAsync();
        await third.ChooseQuestionAsync();
        await third.TypeAnswerAsync(Story);
        await third.InterviewSend.ClickAsync();
        await Expect(thirdPage.GetByTestId("card-title")).ToHaveValueAsync(CardTitle);
        await Expect(third.CurrentStep).ToHaveAttributeAsync("data-step", "Card");
        await Expect(thirdPage.GetByTestId("interview-handed-over")).ToHaveTextAsync(HandOver);
        await Expect(thirdPage.GetByTestId("card-policy-0")).ToHaveValueAsync("care for her");
        await thirdPage.AssertNoSeriousViolationsAsync("the card handed over from the model", Output);

        Output.WriteLine($"Requests the fake model received:\n{Model.Fake}");
        Assert.Equal(0, Model.Fake.TurnsLeft);
    }

    /// <summary>The app on a fake model whose script plays each failure mode once, with a 3 s first-token timeout and one card attempt.</summary>
    public sealed class FallbackServer : MoralGraphServer
    {
        public FallbackServer()
        {
            var rejected = new JsonObject
            {
                ["title"] = CardTitle,
                ["description"] = "Helps.",
                ["policies"] = new JsonArray("care for her"),
            }.ToJsonString();
            Fake = new FakeOpenAIServer(
            [
                // "Thank" is an unfinished word: the app holds it back until the rest arrives.
                ScriptedTurn.Say("Thank", " you for taking part. Could you tell me about a time you faced a choice like this one?") with { HoldAfterFirstPiece = OpeningHold },
                ScriptedTurn.Say("Thank you. " + NineWordsOfThePrompt, " or two. What happened next?") with { HoldAfterFirstPiece = QuoteHold },
                ScriptedTurn.Say("never sent") with { HoldBeforeFirstChunk = NeverStarts },
                ScriptedTurn.Say(Opening),
                ScriptedTurn.Call("submit_values_card", ["Here is a draft."], rejected),
            ]);
        }

        /// <summary>The model the app talks to.</summary>
        public FakeOpenAIServer Fake { get; }

        public TaskCompletionSource OpeningHold { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource QuoteHold { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private TaskCompletionSource NeverStarts { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task InitializeAsync()
        {
            await Fake.StartAsync();
            await base.InitializeAsync();
        }

        public override async Task DisposeAsync()
        {
            foreach (var hold in new[] { OpeningHold, QuoteHold, NeverStarts })
            {
                hold.TrySetResult();
            }

            try
            {
                await base.DisposeAsync();
            }
            finally
            {
                await Fake.DisposeAsync();
            }
        }

        protected override void ConfigureEnvironment(IDictionary<string, string?> environment)
        {
            environment["LanguageModel__Provider"] = "OpenAI";
            environment["LanguageModel__Endpoint"] = Fake.Endpoint.ToString();
            environment["LanguageModel__ApiKey"] = "test-key";
            environment["LanguageModel__ChatModel"] = "fake-model";
            environment["LanguageModel__MaxRetries"] = "0";
            environment["LanguageModel__FirstTokenTimeoutSeconds"] = "3";
            environment["LanguageModel__MaxCardAttempts"] = "1";
        }
    }
}
