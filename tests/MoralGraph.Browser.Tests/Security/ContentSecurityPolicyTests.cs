using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Journey;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Security;

/// <summary>
/// The app under its own Content-Security-Policy in a real Chromium: every page a participant and a facilitator use
/// works, and the browser reports no violation (neither a <c>securitypolicyviolation</c> event nor a console message).
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class ContentSecurityPolicyTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    private const string DashboardPath = "/console/" + ExampleStudy.Slug;

    private readonly List<string> _violations = [];
    private readonly Lock _lock = new();

    [Fact]
    public async Task The_participant_journey_runs_under_the_policy_without_a_violation_and_an_injected_inline_script_is_blocked()
    {
        await WatchForViolationsAsync(Page);
        var participant = new Participant(Page);

        await TakeTheJourneyAsync(participant, "Kept to its own server");
        await participant.OpenAsync(ExampleStudy.MyValuePath);
        await Expect(Page.GetByTestId("my-card")).ToContainTextAsync("Kept to its own server");
        await participant.OpenAsync(ExampleStudy.ResumePath);
        await Expect(Page.GetByTestId("resume-input")).ToBeVisibleAsync();

        AssertNoViolations();
        AssertNoBrowserProblems();

        // The watch sees what it is there for: a script injected into the page is refused, and reported.
        await Page.EvaluateAsync("""
            () => {
              const injected = document.createElement('script');
              injected.textContent = 'window.mgInjectedRan = true';
              document.body.appendChild(injected);
            }
            """);
        for (var waited = 0; Violations().Count == 0 && waited < 50; waited++)
        {
            await Task.Delay(100);
        }

        Assert.False(await Page.EvaluateAsync<bool>("() => window.mgInjectedRan === true"), "An injected inline script ran.");
        Assert.Contains(Violations(), v => v.StartsWith("script-src", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_console_and_the_live_dashboard_with_its_graph_run_under_the_policy_without_a_violation()
    {
        // Votes first, so the dashboard has a graph for Cytoscape to draw.
        var participantPage = await OpenAnotherDeviceAsync();
        await WatchForViolationsAsync(participantPage);
        await TakeTheJourneyAsync(new Participant(participantPage), "Drawn on the dashboard");

        await WatchForViolationsAsync(Page);
        await Page.SignInAsOwnerAsync(Server);
        await OpenAsync("/console");
        await Expect(Page.GetByText(ExampleStudy.Title).First).ToBeVisibleAsync();

        await OpenAsync(DashboardPath);
        await Expect(Page.GetByTestId("dashboard-title")).ToHaveTextAsync(ExampleStudy.Title);
        // Drawn by the vendored Cytoscape, loaded as a script by moral-graph-view.js: both must pass the policy.
        await Expect(Page.GetByTestId("graph-canvas").Locator("canvas").First).ToBeAttachedAsync(new() { Timeout = 30_000 });

        foreach (var (path, heading) in new[]
        {
            ($"{DashboardPath}/moderation", "Moderation"), ($"{DashboardPath}/settings", "Settings"), ($"{DashboardPath}/audit", "Audit"),
            ($"{DashboardPath}/exports", "Exports"), ("/console/access", "Access"),
        })
        {
            await OpenAsync(path);
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1, Exact = true })).ToBeVisibleAsync();
        }

        AssertNoViolations();
        AssertNoBrowserProblems();
    }

    private static async Task TakeTheJourneyAsync(Participant participant, string title)
    {
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        await participant.InterviewAsync(InterviewAnswers.Titled(title));
        await participant.ConfirmCardAsync();
        await participant.AnswerEveryItemAsync();
        await participant.FinishSurveyAsync();
        await Expect(participant.CurrentStep).ToHaveAttributeAsync("data-step", "Done");
    }

    /// <summary>Reports every policy violation in <paramref name="page"/>'s context, from the page's own event and from the console.</summary>
    private async Task WatchForViolationsAsync(IPage page)
    {
        await page.Context.ExposeFunctionAsync("mgReportPolicyViolation", (string violation) => Add(violation));
        await page.Context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
              window.mgReportPolicyViolation(`${e.effectiveDirective} refused ${e.blockedURI || 'inline'} in ${e.sourceFile}:${e.lineNumber} (${e.sample})`));
            """);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                Add($"console {message.Type}: {message.Text}");
            }
        };
    }

    private void Add(string violation)
    {
        lock (_lock)
        {
            _violations.Add(violation);
        }
    }

    private List<string> Violations()
    {
        lock (_lock)
        {
            return [.. _violations];
        }
    }

    private void AssertNoViolations()
    {
        var violations = Violations();
        Assert.True(violations.Count == 0, $"The browser reported {violations.Count} Content-Security-Policy violation(s):\n{string.Join('\n', violations)}");
    }
}
