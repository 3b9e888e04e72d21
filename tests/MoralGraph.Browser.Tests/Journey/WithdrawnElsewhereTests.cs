using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>Withdrawing on one device, then asking "where did my value go?" on the other.</summary>
[Collection(SharedBrowser.Name)]
public sealed class WithdrawnElsewhereTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    [Fact]
    public async Task After_withdrawing_on_another_device_the_first_device_says_the_contributions_were_deleted()
    {
        var participant = new Participant(Page);
        await participant.OpenAsync();
        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        var code = await participant.ReadResumeCodeAsync();

        var phone = new Participant(await OpenAnotherDeviceAsync());
        await phone.OpenAsync(ExampleStudy.ResumePath);
        var codeInput = phone.Page.GetByTestId("resume-input");
        await codeInput.WaitForHandlersAsync();
        await codeInput.FillAsync(code);
        await Expect(phone.Page.GetByTestId("resume-submit")).ToBeEnabledAsync();
        await phone.Page.GetByTestId("resume-submit").ClickAsync();
        await phone.WaitForJoinedPageAsync();
        await phone.WithdrawAsync();

        await participant.OpenAsync(ExampleStudy.MyValuePath);

        await Expect(Page.GetByTestId("my-value-withdrawn")).ToContainTextAsync("You withdrew from this study");
        await Expect(Page.GetByTestId("my-value-none")).ToHaveCountAsync(0);
        AssertNoBrowserProblems();
    }
}
