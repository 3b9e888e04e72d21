using MoralGraph.Browser.Tests.Browser;
using MoralGraph.Browser.Tests.Server;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>The journey by keyboard: the focus stays where the participant put it and can always be seen.</summary>
[Collection(SharedBrowser.Name)]
public sealed class KeyboardFocusTests(MoralGraphServer server, ChromiumBrowser chromium, ITestOutputHelper output)
    : BrowserTest(server, chromium, output), IClassFixture<MoralGraphServer>
{
    [Fact]
    public async Task A_full_page_load_leaves_the_focus_alone_and_the_consent_box_and_the_verdict_radios_show_a_clear_ring()
    {
        var participant = new Participant(Page);
        await participant.OpenAsync();

        // Once the circuit is up, the focus is not pulled to the heading (where it would swallow the next Enter).
        Assert.NotEqual("H1", await Page.EvaluateAsync<string>("() => document.activeElement?.tagName ?? ''"));

        var tabs = await TabUntilAsync("[data-testid=consent-checkbox]");
        Output.WriteLine($"The consent box took {tabs} Tab(s) from the top of the page.");
        await AssertRingAsync("[data-testid=consent-checkbox]", ".mud-checkbox", "the consent box");
        await Page.Keyboard.PressAsync("Space");
        await Expect(Page.GetByTestId("consent-checkbox")).ToBeCheckedAsync();

        await participant.AgreeAndStartAsync();
        await participant.ChooseQuestionAsync();
        await participant.InterviewAsync(InterviewAnswers.Titled("Listening by keyboard"));
        await participant.ConfirmCardAsync();

        await TabUntilAsync("[data-testid=vote-verdict] input[type=radio]");
        await AssertRingAsync("[data-testid=vote-verdict] input[type=radio]", ".mud-radio", "the first verdict radio");
        AssertNoBrowserProblems();
    }

    // Presses Tab until the focus is on an element matching `selector`; returns how many presses it took.
    private async Task<int> TabUntilAsync(string selector)
    {
        for (var tabs = 1; tabs <= 40; tabs++)
        {
            await Page.Keyboard.PressAsync("Tab");
            if (await Page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return tabs;
            }
        }

        var focused = await Page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'");
        Assert.Fail($"40 Tabs never reached {selector}; the focus is on {focused}.");
        return -1;
    }

    // The focused input is hidden by the component library: the control drawn for it must carry a ring of 2 px or more.
    private async Task AssertRingAsync(string selector, string control, string what)
    {
        var ring = await Page.EvaluateAsync<string>(
            """
            ([s, c]) => {
                const input = document.activeElement;
                if (!input?.matches(s)) return 'not focused';
                const drawn = input.closest(c)?.querySelector('.mud-button-root') ?? input;
                const style = getComputedStyle(drawn);
                return `${style.outlineStyle} ${parseFloat(style.outlineWidth)}`;
            }
            """, new[] { selector, control });
        var parts = ring.Split(' ');
        Assert.True(parts.Length == 2 && parts[0] != "none" && double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) >= 2,
            $"The keyboard focus on {what} shows no clear ring (outline: {ring}).");
    }
}
