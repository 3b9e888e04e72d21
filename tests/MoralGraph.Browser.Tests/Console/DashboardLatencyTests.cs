using System.Globalization;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Journey;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Console;

/// <summary>
/// How long a participant's vote takes to show on an open dashboard, over 100 votes, measured in the browser.
/// <para>
/// Method: two participants (each in a browser context of their own) answer 50 wiser-than items each in a study that
/// opens in the voting phase. For each vote the participant's page reads <c>performance.timeOrigin + performance.now()</c>
/// and clicks Submit in the same script; on the facilitator's dashboard a <c>MutationObserver</c> stamps, with the same
/// clock expression, the first moment the "votes" figure shows each new total. The difference covers the participant's
/// circuit round trip, the append to LiteDB, the broadcast, the dashboard rebuild (at most one every
/// <c>LiveSessionOptions.DashboardRefreshInterval</c>, 250 ms) and the render batch applied to the dashboard's DOM; it
/// stops before paint. Both pages run in one Chromium on one machine, so the two clocks are the same wall clock at
/// sub-millisecond resolution; the test also brackets a dashboard reading between two participant readings and
/// reports the bracket. The next vote is cast only once the dashboard has shown the last one, so each update is
/// attributed to one vote.
/// </para>
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class DashboardLatencyTests(DashboardLatencyTests.VotingStudyServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<DashboardLatencyTests.VotingStudyServer>
{
    private const int Participants = 2;

    private const string Stamp = "() => performance.timeOrigin + performance.now()";

    // Records when each new total of the votes figure first appears (the figure is re-rendered in place, so the
    // observer watches the whole dashboard, as a render batch may replace the text node or its element).
    private const string WatchVotes = """
        () => {
          window.mgSeen = {};
          const read = () => {
            const figure = document.querySelector('[data-testid=votes-total]');
            const total = figure ? parseInt(figure.textContent.trim(), 10) : NaN;
            if (!Number.isNaN(total) && window.mgSeen[total] === undefined) {
              window.mgSeen[total] = performance.timeOrigin + performance.now();
            }
          };
          new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
          read();
        }
        """;

    private const string SubmitAndStamp = """
        () => {
          const at = performance.timeOrigin + performance.now();
          document.querySelector('[data-testid=vote-submit]').click();
          return at;
        }
        """;

    [Fact]
    public async Task A_vote_reaches_an_open_dashboard_quickly_over_100_votes()
    {
        await Page.SignInAsOwnerAsync(Server);
        await OpenAsync("/console/" + VotingStudyServer.Slug);
        await Expect(Page.GetByTestId("votes-total")).ToHaveTextAsync("0");
        await Page.EvaluateAsync(WatchVotes);

        var cast = new List<double>();
        string? bracket = null;
        for (var p = 0; p < Participants; p++)
        {
            var participant = new Participant(await OpenAnotherDeviceAsync());
            await participant.OpenAsync(VotingStudyServer.ParticipantPath);
            var agree = participant.Page.GetByTestId("consent-checkbox");
            await agree.WaitForHandlersAsync();
            await agree.CheckAsync();
            await participant.Page.GetByTestId("consent-start").ClickAsync();
            await participant.Page.WaitForURLAsync(url => url.EndsWith(VotingStudyServer.ParticipantPath, StringComparison.Ordinal));
            await participant.Page.WaitForInteractiveAsync();
            await Expect(participant.VoteSubmit).ToBeVisibleAsync();
            bracket ??= await BracketClocksAsync(participant.Page);

            while (await participant.VoteSubmit.IsVisibleAsync())
            {
                await participant.ChooseVerdictAsync(cast.Count % 3 == 0 ? "No" : "Yes");
                cast.Add(await participant.Page.EvaluateAsync<double>(SubmitAndStamp));
                await Page.WaitForFunctionAsync("n => window.mgSeen[n] !== undefined", cast.Count, new() { PollingInterval = 5, Timeout = 10_000 });
                await Expect(participant.Page.GetByTestId("vote-tallies")).ToBeVisibleAsync();
                await participant.NextItemAsync();
            }
        }

        var seen = await Page.EvaluateAsync<Dictionary<string, double>>("() => window.mgSeen");
        var latencies = cast.Select((at, i) => seen[(i + 1).ToString(CultureInfo.InvariantCulture)] - at).Order().ToList();
        var median = Percentile(latencies, 0.5);
        var p95 = Percentile(latencies, 0.95);
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Vote → dashboard DOM over {latencies.Count} votes: median {median:0.0} ms, p95 {p95:0.0} ms, min {latencies[0]:0.0} ms, max {latencies[^1]:0.0} ms."));
        Output.WriteLine($"Clock check: {bracket}");
        Output.WriteLine("Every latency (ms, sorted): " + string.Join(' ', latencies.Select(l => l.ToString("0", CultureInfo.InvariantCulture))));
        await Page.SaveAsync("console-dashboard-after-100-votes");
        Assert.Equal(Participants * VotingStudyServer.DrawSize, latencies.Count);

        // The bound for a card; a vote takes the same path.
        Assert.True(p95 < 2000, $"p95 {p95:0} ms: votes take more than 2 s to reach the dashboard.");
        Assert.True(latencies[0] > 0, "A dashboard update was stamped before its vote: the clocks of the two pages disagree.");
    }

    /// <summary>Reads the participant's clock, the dashboard's, and the participant's again; the dashboard's reading must lie between.</summary>
    private async Task<string> BracketClocksAsync(IPage participant)
    {
        var before = await participant.EvaluateAsync<double>(Stamp);
        var dashboard = await Page.EvaluateAsync<double>(Stamp);
        var after = await participant.EvaluateAsync<double>(Stamp);
        Assert.InRange(dashboard, before - 1, after + 1);
        return string.Create(CultureInfo.InvariantCulture, $"a dashboard reading fell {dashboard - before:0.00} ms after and {after - dashboard:0.00} ms before two participant readings.");
    }

    private static double Percentile(List<double> sorted, double p)
    {
        // Nearest rank: the smallest value with at least p of the values at or below it.
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>
    /// A server whose only study opens in the voting phase with 50 items per participant over eleven seed values (a
    /// draw takes each pair of values once, so 50 items need at least 50 pairs: 11 values make 55).
    /// </summary>
    public sealed class VotingStudyServer : MoralGraphServer
    {
        public const string Slug = "latency-check";
        public const string ParticipantPath = "/s/" + Slug;
        public const int DrawSize = 50;

        private static readonly string[] Titles =
        [
            "Presence over advice", "Practical help", "Honest comfort", "Shared memories", "Quiet company", "Room to grieve", "Gentle questions", "Steady routine",
            "Plain words", "Patient listening", "Small kindnesses",
        ];

        public VotingStudyServer()
            : this(new Dictionary<string, string>())
        {
        }

        private VotingStudyServer(Dictionary<string, string> settings)
            : base(settings)
        {
            // The settings are read when the app starts, after this: the seed folder can live in the fixture's own folder.
            var seeds = Directory.CreateDirectory(Path.Combine(Folder, "studies")).FullName;
            File.WriteAllText(Path.Combine(seeds, Slug + ".yaml"), Yaml());
            settings["StudySeedOptions__Directory"] = seeds;
        }

        private static string Yaml() => $$"""
            slug: {{Slug}}
            title: Latency check
            description: A study that opens in voting, for timing the dashboard.
            phase: voting
            voteDrawSize: {{DrawSize}}
            questions:
              - id: grief
                title: Grief
                prompt: My friend just lost her father. What should I say?
                contexts:
                  - { id: comforting, text: When comforting someone }
                  - { id: deciding, text: When helping someone decide }
            seedValues:
            {{string.Join('\n', Titles.Select(title => $"  - {{ question: grief, title: {title}, description: The AI offers {title.ToLowerInvariant()}., policies: [MOMENTS when {title.ToLowerInvariant()} matters, FEELINGS she has not named yet, SIGNS that she wants company] }}"))}}
            """;
    }
}
