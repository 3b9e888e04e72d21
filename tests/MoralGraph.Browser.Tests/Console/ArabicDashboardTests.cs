using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Journey;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Console;

/// <summary>
/// The live dashboard for a facilitator who chose Arabic (issue 16): mirrored, in Arabic with its dual and plural
/// forms, no wider than a 375 px phone, axe-clean, and saved as a screenshot at 1280 px and 375 px to be looked at.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class ArabicDashboardTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    private const string DashboardPath = "/console/" + ExampleStudy.Slug;

    [Theory]
    [InlineData("desktop")]
    [InlineData("mobile")]
    public async Task A_facilitator_who_chose_arabic_reads_the_live_dashboard_right_to_left(string screen)
    {
        var participant = new Participant(await OpenAnotherDeviceAsync());
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        await participant.InterviewAsync(InterviewAnswers.Titled($"Mirrored on a {screen}"));
        await participant.ConfirmCardAsync();
        await participant.AnswerEveryItemAsync();

        if (screen == "mobile")
        {
            await Page.UseMobileViewportAsync();
        }

        await Page.SignInAsOwnerAsync(Server);
        await OpenAsync($"/language?culture=ar&returnUrl={Uri.EscapeDataString(DashboardPath)}");
        await Expect(Page.GetByTestId("dashboard-title")).ToHaveTextAsync(ExampleStudy.Title);
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Expect(Page.Locator("h1")).ToHaveTextAsync("لوحة المتابعة");
        await Expect(Page.GetByTestId("graph-canvas")).ToHaveAttributeAsync("data-label-px", new System.Text.RegularExpressions.Regex(@"^\d"), new() { Timeout = 30_000 });
        await Expect(Page.GetByTestId("phase")).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("[A-Za-z]"));
        await Page.SaveAsync($"dashboard-ar-{screen}");

        if (screen == "mobile")
        {
            var scrollWidth = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= 375, $"The Arabic dashboard is {scrollWidth} px wide on a 375 px screen.");
        }

        await Page.AssertNoSeriousViolationsAsync($"the Arabic dashboard ({screen})", Output);

        // A visitor on the consent page is counted apart, in Arabic (one, two or more, by Arabic's own forms).
        var visitor = new Participant(await OpenAnotherDeviceAsync());
        await visitor.OpenAsync();
        await Expect(Page.GetByTestId("on-consent-page")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^و.+ صفحة الموافقة$"));
    }
}
