using System.Globalization;
using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Journey;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Console;

/// <summary>
/// The live dashboard on a 375 px phone, with a moral graph drawn (issue 13): the page is no wider than the screen,
/// every scrolling table can be reached with the keyboard (axe, including <c>scrollable-region-focusable</c>), and the
/// graph's value labels are drawn at a readable size; "online now" counts only people past the consent page.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class DashboardOnAPhoneTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    private const string DashboardPath = "/console/" + ExampleStudy.Slug;

    // The widest elements, for the failure message: what makes the page wider than the screen.
    private const string WidestElements = """
        () => [...document.querySelectorAll('body *')]
          .map(e => ({ e, right: e.getBoundingClientRect().right }))
          .filter(x => x.right > document.documentElement.clientWidth + 1)
          .sort((a, b) => b.right - a.right)
          .slice(0, 8)
          .map(x => `${x.e.tagName.toLowerCase()}.${[...x.e.classList].join('.')} right=${Math.round(x.right)}`)
          .join('\n')
        """;

    [Fact]
    public async Task On_a_375_px_phone_the_dashboard_with_its_graph_fits_the_screen_passes_axe_and_labels_the_graph_readably()
    {
        var participant = new Participant(await OpenAnotherDeviceAsync());
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        await participant.InterviewAsync(InterviewAnswers.Titled("Read on a small screen"));
        await participant.ConfirmCardAsync();
        await participant.AnswerEveryItemAsync();

        await Page.UseMobileViewportAsync();
        await Page.SignInAsOwnerAsync(Server);
        await OpenAsync(DashboardPath);
        await Expect(Page.GetByTestId("dashboard-title")).ToHaveTextAsync(ExampleStudy.Title);
        var canvas = Page.GetByTestId("graph-canvas");
        await Expect(canvas).ToHaveAttributeAsync("data-label-px", new System.Text.RegularExpressions.Regex(@"^\d"), new() { Timeout = 30_000 });
        await Page.SaveAsync("dashboard-mobile");

        var scrollWidth = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Output.WriteLine($"Page width at 375 px: {scrollWidth} px.");
        Assert.True(scrollWidth <= 375, $"The dashboard is {scrollWidth} px wide on a 375 px screen:\n{await Page.EvaluateAsync<string>(WidestElements)}");

        await Page.AssertNoSeriousViolationsAsync("the dashboard on a phone", Output);

        // Labels as drawn on the screen (the font size times the zoom the layout fitted the graph at).
        var labelPixels = double.Parse((await canvas.GetAttributeAsync("data-label-px"))!, CultureInfo.InvariantCulture);
        Output.WriteLine($"Graph labels are drawn at {labelPixels} px.");
        Assert.True(labelPixels >= 12, $"Graph labels are drawn at {labelPixels} px.");

        // "Online now" counts participants: a visitor who opens the consent page is shown apart until they join.
        await Expect(Page.GetByTestId("participants-online")).ToHaveTextAsync("1");
        var visitor = new Participant(await OpenAnotherDeviceAsync());
        await visitor.OpenAsync();
        await Expect(Page.GetByTestId("on-consent-page")).ToHaveTextAsync("+1 reading the consent page");
        await Expect(Page.GetByTestId("participants-online")).ToHaveTextAsync("1");
    }
}
