using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>
/// How long each page of the journey took to become usable, for the test output: from the action that leads to it
/// (a navigation, or a click inside the circuit) until what the participant needs next is on screen with its
/// handlers attached. Written down, never asserted: timings belong in benchmarks, not in pass/fail.
/// </summary>
public sealed class PageTimings
{
    private readonly List<(string Page, string Reached, TimeSpan Time)> _pages = [];

    /// <summary>Runs <paramref name="reach"/> and records how long it took to get to <paramref name="page"/>.</summary>
    public async Task MeasureAsync(string page, string reached, Func<Task> reach)
    {
        ArgumentNullException.ThrowIfNull(reach);
        var clock = Stopwatch.StartNew();
        await reach();
        _pages.Add((page, reached, clock.Elapsed));
    }

    /// <summary>One line per page, in the order they were reached.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (page, reached, time) in _pages)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{page,-22} {time.TotalMilliseconds,6:F0} ms  ({reached})");
        }

        return text.ToString();
    }
}
