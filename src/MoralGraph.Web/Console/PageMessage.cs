using Microsoft.Extensions.Localization;

namespace MoralGraph.Web.Console;

/// <summary>
/// Something a console page's state decided to say (a problem, an outcome): a <see cref="ConsoleText"/> key and its
/// arguments, which the page reads in the facilitator's language, or text written elsewhere (a Core exception's message),
/// shown as it is. The state stays free of the localizer, and testable without one.
/// </summary>
public sealed record PageMessage
{
    private PageMessage(string? key, IReadOnlyList<object?> arguments, string? text) => (Key, Arguments, Text) = (key, arguments, text);

    /// <summary>The resource key, or null for <see cref="Verbatim"/> text.</summary>
    public string? Key { get; }

    /// <summary>The key's arguments (counts for its plurals included).</summary>
    public IReadOnlyList<object?> Arguments { get; }

    /// <summary>The text shown as it is, for a message not written by the page.</summary>
    public string? Text { get; }

    /// <summary>The string at <paramref name="key"/>, filled with <paramref name="arguments"/>.</summary>
    public static PageMessage Of(string key, params object?[] arguments) => new(key, arguments, null);

    // A refusal the page shows in the console's language when its code has a wording, else in its own English.
    private Exception? _refusal;

    /// <summary>A refused action (<see cref="ConsoleAccessDeniedException"/> and the like), worded by its code.</summary>
    public static PageMessage Refused(Exception refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new(null, [], refusal.Message) { _refusal = refusal };
    }

    /// <summary>Text written elsewhere, shown as it is.</summary>
    public static PageMessage Verbatim(string text) => new(null, [], text);

    /// <summary>What the page shows, in the language of <paramref name="consoleText"/>'s current culture.</summary>
    /// <remarks>Named for its resource: the journey's resource scan takes any lookup through a "localizer" for a JourneyText one.</remarks>
    public string In(IStringLocalizer consoleText) =>
        _refusal is not null ? ProblemText.For(consoleText, _refusal) : Key is null ? Text ?? string.Empty : consoleText.Message(Key, [.. Arguments]).Value;
}

/// <summary>An argument of <c>InlineText</c> shown as code (a field name, a command, a hash) and never translated.</summary>
/// <param name="Text">The code.</param>
public sealed record InlineCode(string Text)
{
    /// <inheritdoc />
    public override string ToString() => Text;
}
