using MoralGraph.Browser.Tests.Accessibility;
using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Console;

/// <summary>
/// The console's exports, releases, evaluate and audit pages in Arabic, right to left, on a desktop and a phone: the
/// owner picks العربية, and each page is mirrored, says what it is in Arabic, passes axe and is saved as a screenshot.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class TranslatedStudyRecordsTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    private const string StudyPath = "/console/" + ExampleStudy.Slug;

    [Theory]
    [InlineData("desktop")]
    [InlineData("mobile")]
    public async Task The_study_records_read_right_to_left_in_arabic(string screen)
    {
        if (screen == "mobile")
        {
            await Page.UseMobileViewportAsync();
        }

        await Page.SignInAsOwnerAsync(Server);
        await OpenAsync(StudyPath + "/audit");
        await Page.GetByTestId("language-picker").GetByRole(AriaRole.Button, new() { Name = "العربية" }).ClickAsync();
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");

        foreach (var (path, heading, ready) in new[]
        {
            ("/audit", "التدقيق", "audit-count"),
            ("/exports", "التصديرات", "content-hash"),
            ("/releases", "الإصدارات", "no-release"),
            ("/evaluate", "تقييم نموذج", "evaluate"),
        })
        {
            await OpenAsync(StudyPath + path);
            await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "ar");
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await Expect(Page.GetByTestId(ready)).ToBeVisibleAsync(new() { Timeout = 30_000 });
            Assert.Equal("rtl", await Page.EvaluateAsync<string>("getComputedStyle(document.querySelector('h1')).direction"));
            if (path == "/audit")
            {
                await Page.GetByTestId("verify").ClickAsync();
                await Expect(Page.GetByTestId("verification")).ToContainTextAsync("سليم");
            }

            await Page.SaveAsync($"console-{path.TrimStart('/')}-ar-{screen}");
            await Page.AssertNoSeriousViolationsAsync($"the {path.TrimStart('/')} page in Arabic at {Page.ViewportSize?.Width} px", Output);
        }

        AssertNoBrowserProblems();
    }
}
