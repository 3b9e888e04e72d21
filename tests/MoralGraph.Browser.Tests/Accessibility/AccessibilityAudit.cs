using System.Globalization;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Xunit.Abstractions;

namespace MoralGraph.Browser.Tests.Accessibility;

/// <summary>
/// axe-core over a page as it is now. Serious and critical violations fail the test (they stop some people from
/// using the page); moderate and minor ones are written to the test output to look at, not enforced.
/// </summary>
public static class AccessibilityAudit
{
    private static readonly string[] FailingImpacts = ["serious", "critical"];

    /// <summary>
    /// Runs axe on <paramref name="page"/> and fails, listing each rule, its impact, its help text and the selectors
    /// of the elements at fault, if any violation is serious or critical. <paramref name="what"/> names the page and
    /// state in the message (e.g. "home page at 375 px").
    /// </summary>
    public static async Task<AxeResult> AssertNoSeriousViolationsAsync(this IPage page, string what, ITestOutputHelper? output = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        // Colours caught halfway through a transition (a text field's label moving up as the field takes the focus)
        // fail colour contrast at random: wait until every finite animation has finished (endless ones, a progress
        // bar, are left running).
        await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)");
        var result = await page.RunAxe();
        output?.WriteLine($"axe on {what}: {result.Violations.Length} violation(s), {result.Passes.Length} rule(s) passed, {result.Incomplete.Length} to review by hand ({string.Join(", ", result.Incomplete.Select(i => i.Id))}).");
        if (result.Violations.Length > 0)
        {
            output?.WriteLine(Describe(result.Violations));
        }

        var failing = result.Violations.Where(v => FailingImpacts.Contains(v.Impact, StringComparer.OrdinalIgnoreCase)).ToArray();
        Assert.True(failing.Length == 0, $"axe found {failing.Length} serious or critical violation(s) on {what} ({page.Url}):\n{Describe(failing)}");
        return result;
    }

    /// <summary>One paragraph per violation: id, impact, help text and link, then each element's selector.</summary>
    public static string Describe(IEnumerable<AxeResultItem> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var text = new StringBuilder();
        foreach (var violation in violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {violation.Id} ({violation.Impact}): {violation.Help} [{violation.HelpUrl}]");
            foreach (var node in violation.Nodes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    at {node.Target}");
            }
        }

        return text.ToString();
    }
}
