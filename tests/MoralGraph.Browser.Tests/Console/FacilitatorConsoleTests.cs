using System.Diagnostics;
using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Journey;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Console;

/// <summary>
/// The facilitator's console against the real server: the owner watches the live dashboard while participants on
/// other devices take part, hides a card on the moderation page, and the card leaves the voting draw and the export.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class FacilitatorConsoleTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    private const string DashboardPath = "/console/" + ExampleStudy.Slug;
    private const string ModerationPath = DashboardPath + "/moderation";

    [Fact]
    public async Task A_participants_card_reaches_the_dashboard_live_and_once_hidden_leaves_the_draw_and_the_export()
    {
        await Page.SignInAsOwnerAsync(Server);
        await OpenAsync(DashboardPath);
        await Expect(Page.GetByTestId("dashboard-title")).ToHaveTextAsync(ExampleStudy.Title);
        // A reload would lose this mark: the card must arrive through the open circuit.
        await Page.EvaluateAsync("() => window.mgNoReload = true");

        var answers = InterviewAnswers.Titled("Seen live on the dashboard");
        var participant = new Participant(await OpenAnotherDeviceAsync());
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        await participant.InterviewAsync(answers);

        var dashboardCard = Page.GetByTestId("dashboard-card").Filter(new() { HasText = answers.Title });
        await Expect(dashboardCard).ToHaveCountAsync(0);
        var clock = Stopwatch.StartNew();
        await participant.Page.GetByTestId("card-confirm").ClickAsync();
        await Expect(dashboardCard).ToBeVisibleAsync(new() { Timeout = 2000 });
        Output.WriteLine($"The confirmed card was on the dashboard {clock.ElapsedMilliseconds} ms after the click on confirm.");
        Assert.True(await Page.EvaluateAsync<bool>("() => window.mgNoReload === true"), "The dashboard reloaded to show the card.");
        await Expect(Page.GetByTestId("dashboard-card").First).ToContainTextAsync(answers.Title);
        await Page.SaveAsync("console-dashboard");
        await Page.AssertNoSeriousViolationsAsync("the dashboard", Output);

        var exported = await StudyExport.FetchAsync(Page.APIRequest);
        Assert.Contains(answers.Title, exported.ValueTitles);

        await OpenAsync(ModerationPath);
        var card = Page.GetByTestId("moderation-card").Filter(new() { Has = Page.GetByTestId("moderation-card-title").GetByText(answers.Title, new() { Exact = true }) });
        await Expect(card).ToHaveCountAsync(1);
        await Page.AssertNoSeriousViolationsAsync("the moderation page", Output);
        await card.GetByTestId("card-reason").FillAsync("Names a real person");
        await card.GetByTestId("hide-card").ClickAsync();
        await Expect(Page.GetByTestId("moderation-message")).ToContainTextAsync("hidden");
        await Expect(card.GetByTestId("card-hidden")).ToContainTextAsync("Names a real person");
        await Page.GetByTestId("filter-hidden").ClickAsync();
        await Expect(card).ToBeVisibleAsync();
        await Page.SaveAsync("console-moderation-hidden");
        // A hidden card is marked without fading its text below the contrast people need to read it.
        await Page.AssertNoSeriousViolationsAsync("the moderation page with a hidden card", Output);
        await OpenAsync(DashboardPath);
        await Expect(Page.GetByTestId("dashboard-card").Filter(new() { HasText = answers.Title })).ToBeVisibleAsync();
        await Page.AssertNoSeriousViolationsAsync("the dashboard with a hidden card", Output);

        var withoutIt = await StudyExport.FetchAsync(Page.APIRequest);
        Assert.DoesNotContain(answers.Title, withoutIt.ValueTitles);

        // Another participant's draw never offers it.
        var other = new Participant(await OpenAnotherDeviceAsync());
        await other.OpenAsync();
        await other.AgreeAndStartAsync();
        await other.ChooseQuestionAsync();
        await other.InterviewAsync(InterviewAnswers.Titled("Drawn after the hiding"));
        await other.ConfirmCardAsync();
        var shown = new List<string>();
        while (await other.VoteSubmit.IsVisibleAsync())
        {
            shown.Add(await other.Page.GetByTestId("value-a").InnerTextAsync());
            shown.Add(await other.Page.GetByTestId("value-b").InnerTextAsync());
            await other.AnswerItemAsync();
            await other.NextItemAsync();
        }

        Assert.Equal(2 * ExampleStudy.VoteDrawSize, shown.Count);
        Assert.DoesNotContain(shown, text => text.Contains(answers.Title, StringComparison.Ordinal));
        AssertNoBrowserProblems();
    }

    [Fact]
    public async Task An_announcement_from_the_moderation_page_shows_on_an_open_participant_page()
    {
        var participant = new Participant(await OpenAnotherDeviceAsync());
        await participant.OpenAsync();

        await Page.SignInAsOwnerAsync(Server);
        await OpenAsync(ModerationPath);
        await Page.GetByTestId("moderation-announcement").FillAsync("Voting opens in five minutes");
        await Page.GetByTestId("moderation-announce").ClickAsync();
        await Expect(Page.GetByTestId("moderation-message")).ToContainTextAsync("announcement is sent");

        var banner = participant.Page.GetByTestId("announcement-banner");
        await Expect(banner).ToContainTextAsync("Voting opens in five minutes");
        await Expect(banner).ToHaveAttributeAsync("role", "status");
        await participant.Page.SaveAsync("console-announcement-participant");
        AssertNoBrowserProblems();
    }

    [Theory]
    [InlineData(DashboardPath)]
    [InlineData(ModerationPath)]
    public async Task Anonymous_visitors_are_sent_to_sign_in_and_the_export_api_answers_401(string path)
    {
        await Page.GotoAsync(path);
        await Page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
        Assert.Contains("ReturnUrl=", Page.Url, StringComparison.OrdinalIgnoreCase);
        await Expect(Page.GetByTestId("dashboard-card")).ToHaveCountAsync(0);

        var export = await Page.APIRequest.GetAsync(ExampleStudy.ExportPath);
        Assert.Equal(401, export.Status);
    }
}
