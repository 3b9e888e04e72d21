using System.Diagnostics;
using Microsoft.Playwright;
using MoralGraph.LoadTesting.Harness;
using MoralGraph.LoadTesting.Measurement;
using MoralGraph.LoadTesting.Participants;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.LoadTesting.Browsers;

/// <summary>
/// A participant in a real browser: one page, one Blazor circuit, taking the journey as a person does (consent, a
/// question, the guided interview and the card while the study is interviewing, each item, the survey), with the same
/// think time as the API's participants. Each acknowledgement is timed in the page (<see cref="PageScripts.ClickAndTime"/>);
/// joining, which reloads the page through the session endpoint, is timed from here up to the joined page being interactive.
/// </summary>
internal sealed class BrowserParticipant(IPage page, string participantPath, LoadMeasurements measurements, ThinkTime thinkTime, Random random)
{
    private const int MaxSteps = 60;
    private static readonly string[] VerdictLabels = ["Yes", "No", "Not sure"];

    private readonly CardText _card = InterviewScript.CardFor(random);
    private int _interviewAnswers;

    /// <summary>The page, for the fleet to close.</summary>
    public IPage Page { get; } = page;

    /// <summary>Opens the study's page and waits until its circuit is interactive.</summary>
    public async Task OpenAsync()
    {
        await Page.GotoAsync(participantPath);
        await WaitForInteractiveAsync();
    }

    /// <summary>Takes the journey until done, until a step fails (recorded as that action's error), or until the run ends.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var unknown = 0;
        for (var step = 0; step < MaxSteps && !cancellationToken.IsCancellationRequested; step++)
        {
            var current = await Page.EvaluateAsync<string>(PageScripts.CurrentStep);
            if (current == "done")
            {
                return;
            }

            if (current == "unknown")
            {
                // Between two render batches, or reloading: look again shortly, but not for ever.
                if (++unknown > 50)
                {
                    measurements.Browser("journey").Failed("stuck", $"browser: the page at {Page.Url} showed no journey step for 10 s.");
                    return;
                }

                await Task.Delay(200, CancellationToken.None);
                continue;
            }

            unknown = 0;
            if (current != "tallies")
            {
                await PauseAsync(cancellationToken);
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }

            var action = current switch
            {
                "consent" => "join",
                "question" => "question",
                "interview" => "interview",
                "card" => "confirm",
                "vote" => "vote",
                "tallies" => "next",
                _ => "survey",
            };
            try
            {
                await (current switch
                {
                    "consent" => JoinAsync(),
                    "question" => ChooseQuestionAsync(),
                    "interview" => AnswerInterviewerAsync(),
                    "card" => TimedClickAsync("confirm", "[data-testid=card-confirm]", "voting"),
                    "vote" => VoteAsync(),
                    "tallies" => NextItemAsync(),
                    _ => AnswerSurveyAsync(),
                });
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                measurements.Browser(action).Failed(e is TimeoutException ? "timeout" : "page error", $"browser {action}: {FirstLine(e.Message)}");
                return;
            }
        }
    }

    private async Task JoinAsync()
    {
        var agree = Page.GetByTestId("consent-checkbox");
        await agree.CheckAsync();
        var start = Page.GetByTestId("consent-start");
        await Expect(start).ToBeEnabledAsync();
        var clock = Stopwatch.StartNew();
        await start.ClickAsync();

        // Joining sets the participant's cookie through the session endpoint and reloads the journey.
        await Page.GetByTestId("resume-code").WaitForAsync();
        await WaitForInteractiveAsync();
        measurements.Browser("join").Succeeded(clock.Elapsed);
    }

    private async Task ChooseQuestionAsync()
    {
        var replies = await Page.EvaluateAsync<int>(PageScripts.StoredReplies);
        await TimedClickAsync("question", "[data-testid^=choose-]", "reply", replies);
    }

    /// <summary>Sends the next answer of the script (story, attention, three policies, "that's all", title, description).</summary>
    private async Task AnswerInterviewerAsync()
    {
        var replies = await Page.EvaluateAsync<int>(PageScripts.StoredReplies);
        var answer = _interviewAnswers switch
        {
            0 => InterviewScript.Story,
            1 => InterviewScript.Attention,
            2 or 3 or 4 => _card.Policies[_interviewAnswers - 2],
            5 => null,
            6 => _card.Title,
            _ => _card.Description,
        };
        _interviewAnswers++;
        if (answer is null)
        {
            await TimedClickAsync("interview", "[data-testid=interview-done]", "reply", replies);
            return;
        }

        // The box is bound with a debounce: Send, enabled by any text, says when the circuit has what was typed.
        var input = Page.GetByTestId("interview-input");
        await Expect(input).ToBeEnabledAsync();
        await input.FillAsync(answer);
        await Expect(Page.GetByTestId("interview-send")).ToBeEnabledAsync();
        await TimedClickAsync("interview", "[data-testid=interview-send]", answer == _card.Description ? "card" : "reply", replies);
    }

    private async Task VoteAsync()
    {
        await Page.GetByTestId("vote-item").GetByText(VerdictLabels[random.Next(VerdictLabels.Length)], new() { Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("vote-submit")).ToBeEnabledAsync();
        await TimedClickAsync("vote", "[data-testid=vote-submit]", "tallies");
    }

    private async Task NextItemAsync()
    {
        await Page.GetByTestId("vote-next").ClickAsync();
        await Expect(Page.GetByTestId("vote-submit").Or(Page.GetByTestId("survey-submit"))).ToBeVisibleAsync();
    }

    private async Task AnswerSurveyAsync()
    {
        await Page.GetByTestId("survey-values-expressed").GetByText("5 – very much", new() { Exact = true }).ClickAsync();
        await TimedClickAsync("survey", "[data-testid=survey-submit]", "done");
    }

    private async Task TimedClickAsync(string action, string click, string until, int count = 0)
    {
        var milliseconds = await Page.EvaluateAsync<double>(PageScripts.ClickAndTime, new { click, until, count });
        measurements.Browser(action).Succeeded(TimeSpan.FromMilliseconds(milliseconds));
    }

    private async Task WaitForInteractiveAsync() =>
        await Page.WaitForFunctionAsync(PageScripts.IsInteractive, null, new PageWaitForFunctionOptions { PollingInterval = 20, Timeout = 30_000 });

    private async Task PauseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(thinkTime.Next(random), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0];
}
