using System.Globalization;

namespace MoralGraph.LoadTesting.Harness;

/// <summary>
/// How long a simulated person pauses before each action: uniformly between <see cref="Min"/> and <see cref="Max"/>,
/// so that a thousand participants do not act in lockstep.
/// </summary>
/// <param name="Min">The shortest pause.</param>
/// <param name="Max">The longest pause.</param>
public sealed record ThinkTime(TimeSpan Min, TimeSpan Max)
{
    /// <summary>People reading an item and deciding: 2 to 8 seconds.</summary>
    public static ThinkTime Human { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8));

    /// <summary>A pause drawn from <paramref name="random"/>.</summary>
    public TimeSpan Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Min + (Max - Min) * random.NextDouble();
    }

    /// <summary>Reads <c>2s..8s</c>, <c>500ms..1.5s</c> or one duration (<c>3s</c>: no jitter).</summary>
    /// <exception cref="FormatException">Not a duration or a range of two, or the range runs backwards.</exception>
    public static ThinkTime Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split("..", StringSplitOptions.TrimEntries);
        var (min, max) = parts switch
        {
            [var one] => (Durations.Parse(one), Durations.Parse(one)),
            [var from, var to] => (Durations.Parse(from), Durations.Parse(to)),
            _ => throw new FormatException($"'{text}' is not a think time: give a duration (3s) or a range (2s..8s)."),
        };
        return max >= min ? new ThinkTime(min, max) : throw new FormatException($"'{text}' runs backwards: the range is shortest..longest.");
    }

    /// <inheritdoc />
    public override string ToString() => Min == Max ? Durations.Format(Min) : $"{Durations.Format(Min)}..{Durations.Format(Max)}";
}

/// <summary>Durations as the command line writes them: <c>60s</c>, <c>500ms</c>, <c>2m</c>, <c>1.5s</c>.</summary>
public static class Durations
{
    /// <summary>Reads a number followed by ms, s, m or h.</summary>
    /// <exception cref="FormatException">Anything else, or a negative duration.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var (number, unit) = trimmed.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (trimmed[..^2], 1.0)
            : trimmed.EndsWith('s') || trimmed.EndsWith('S') ? (trimmed[..^1], 1_000.0)
            : trimmed.EndsWith('m') || trimmed.EndsWith('M') ? (trimmed[..^1], 60_000.0)
            : trimmed.EndsWith('h') || trimmed.EndsWith('H') ? (trimmed[..^1], 3_600_000.0)
            : throw new FormatException($"'{text}' is not a duration: write it with a unit, e.g. 60s, 500ms, 2m.");
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || double.IsInfinity(value))
        {
            throw new FormatException($"'{text}' is not a duration: write it with a unit, e.g. 60s, 500ms, 2m.");
        }

        return TimeSpan.FromMilliseconds(value * unit);
    }

    /// <summary>The shortest form <see cref="Parse"/> reads back.</summary>
    public static string Format(TimeSpan duration) =>
        duration.TotalMilliseconds % 1000 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0}s")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.#}ms");
}
