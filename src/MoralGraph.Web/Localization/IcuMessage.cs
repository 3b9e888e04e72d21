using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ICU4N.Globalization;
using ICU4N.Text;
using Microsoft.Extensions.Localization;

namespace MoralGraph.Web;

/// <summary>
/// Formats the journey's strings written in ICU MessageFormat's plural syntax, e.g.
/// <c>{0, plural, one {# vote} other {# votes}}</c>, with the CLDR plural categories of the participant's language
/// (English has one/other; Arabic zero/one/two/few/many/other). Plain <c>{0}</c> holes format as
/// <see cref="string.Format(IFormatProvider, string, object[])"/> does.
/// </summary>
/// <remarks>
/// Written here because the maintained ICU MessageFormat packages for .NET are not served to this project and ICU4N
/// keeps its MessageFormat internal: this reads only the subset the resources use (simple and plural arguments,
/// <c>=N</c> and category keywords, <c>#</c>, ICU's apostrophe quoting) and takes the category from ICU4N's CLDR data.
/// </remarks>
public static class IcuMessage
{
    private static readonly ConcurrentDictionary<string, PluralRules> Rules = new(StringComparer.Ordinal);

    /// <summary>The string at <paramref name="key"/>, its plural and simple arguments filled from <paramref name="arguments"/>.</summary>
    /// <exception cref="FormatException">The string is not a well-formed message.</exception>
    public static LocalizedString Message(this IStringLocalizer localizer, string key, params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        var pattern = localizer[key];
        return pattern.ResourceNotFound
            ? pattern
            : new LocalizedString(key, Format(pattern.Value, CultureInfo.CurrentUICulture, arguments), false, pattern.SearchedLocation);
    }

    /// <summary>Formats <paramref name="pattern"/> in <paramref name="culture"/>.</summary>
    /// <exception cref="FormatException">The pattern is not a well-formed message, or names an argument not given.</exception>
    public static string Format(string pattern, CultureInfo culture, params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(culture);
        var output = new StringBuilder(pattern.Length);
        var position = 0;
        Append(pattern, ref position, output, culture, arguments, pluralNumber: null, nested: false);
        return output.ToString();
    }

    // Appends the message text from `position` up to the end (or, nested, up to the `}` that closes it).
    private static void Append(string pattern, ref int position, StringBuilder output, CultureInfo culture, object?[] arguments, double? pluralNumber, bool nested)
    {
        while (position < pattern.Length)
        {
            var c = pattern[position];
            if (c == '\'')
            {
                AppendQuoted(pattern, ref position, output, pluralNumber is not null);
            }
            else if (c == '{')
            {
                AppendArgument(pattern, ref position, output, culture, arguments);
            }
            else if (c == '}')
            {
                if (!nested)
                {
                    throw new FormatException($"Unmatched '}}' at {position} in \"{pattern}\".");
                }

                return;
            }
            else if (c == '#' && pluralNumber is { } number)
            {
                output.Append(number.ToString("#,##0.###", culture));
                position++;
            }
            else
            {
                output.Append(c);
                position++;
            }
        }

        if (nested)
        {
            throw new FormatException($"Unclosed '{{' in \"{pattern}\".");
        }
    }

    // ICU's apostrophe: '' is one apostrophe; an apostrophe before { } (or # in a plural) quotes up to the next one.
    private static void AppendQuoted(string pattern, ref int position, StringBuilder output, bool inPlural)
    {
        var next = position + 1 < pattern.Length ? pattern[position + 1] : '\0';
        if (next == '\'')
        {
            output.Append('\'');
            position += 2;
        }
        else if (next is '{' or '}' || (inPlural && next == '#'))
        {
            var end = pattern.IndexOf('\'', position + 1);
            end = end < 0 ? pattern.Length : end;
            output.Append(pattern, position + 1, end - position - 1);
            position = Math.Min(end + 1, pattern.Length);
        }
        else
        {
            output.Append('\'');
            position++;
        }
    }

    private static void AppendArgument(string pattern, ref int position, StringBuilder output, CultureInfo culture, object?[] arguments)
    {
        var start = position + 1;
        var comma = pattern.IndexOfAny([',', '}'], start);
        if (comma < 0)
        {
            throw new FormatException($"Unclosed '{{' at {position} in \"{pattern}\".");
        }

        var nameEnd = pattern.IndexOfAny([',', ':', '}'], start);
        var name = pattern[start..nameEnd].Trim();
        if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= arguments.Length)
        {
            throw new FormatException($"The argument {{{name}}} in \"{pattern}\" is not one of the {arguments.Length} given.");
        }

        var close = pattern.IndexOf('}', start);
        var type = pattern[comma] == ',' ? pattern[(comma + 1)..].TrimStart() : string.Empty;
        if (!type.StartsWith("plural", StringComparison.Ordinal))
        {
            // A simple argument, with .NET's own alignment or format if any ({0:P1}).
            output.Append(string.Format(culture, "{0" + pattern[nameEnd..close] + "}", arguments[index]));
            position = close + 1;
            return;
        }

        var number = Convert.ToDouble(arguments[index], CultureInfo.InvariantCulture);
        position = pattern.IndexOf(',', comma + 1) + 1;
        string? chosen = null;
        var category = RulesFor(culture).Select(number);
        var chosenExactly = false;
        var hasOther = false;
        while (true)
        {
            SkipSpaces(pattern, ref position);
            if (position >= pattern.Length)
            {
                throw new FormatException($"Unclosed plural argument in \"{pattern}\".");
            }

            if (pattern[position] == '}')
            {
                position++;
                break;
            }

            var selectorEnd = pattern.IndexOf('{', position);
            if (selectorEnd < 0)
            {
                throw new FormatException($"A plural selector without a message in \"{pattern}\".");
            }

            var selector = pattern[position..selectorEnd].Trim();
            position = selectorEnd + 1;
            var messageStart = position;
            SkipMessage(pattern, ref position);
            var message = pattern[messageStart..position];
            position++;
            hasOther |= selector == "other";
            var exact = selector.StartsWith('=') && double.TryParse(selector[1..], NumberStyles.Float, CultureInfo.InvariantCulture, out var exactValue) && exactValue == number;
            if (exact && !chosenExactly)
            {
                (chosen, chosenExactly) = (message, true);
            }
            else if (!chosenExactly && (selector == category || (selector == "other" && chosen is null)))
            {
                chosen = message;
            }
        }

        if (chosen is null || !hasOther)
        {
            throw new FormatException($"The plural argument in \"{pattern}\" has no 'other' message.");
        }

        var inner = 0;
        Append(chosen + "}", ref inner, output, culture, arguments, number, nested: true);
    }

    // Moves `position` to the `}` closing the message that starts there, over nested arguments and quoted text.
    private static void SkipMessage(string pattern, ref int position)
    {
        var depth = 0;
        for (; position < pattern.Length; position++)
        {
            var c = pattern[position];
            if (c == '\'' && position + 1 < pattern.Length && pattern[position + 1] is '{' or '}')
            {
                var end = pattern.IndexOf('\'', position + 1);
                position = end < 0 ? pattern.Length : end;
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                if (depth == 0)
                {
                    return;
                }

                depth--;
            }
        }

        throw new FormatException($"Unclosed plural message in \"{pattern}\".");
    }

    private static void SkipSpaces(string pattern, ref int position)
    {
        while (position < pattern.Length && char.IsWhiteSpace(pattern[position]))
        {
            position++;
        }
    }

    // The invariant culture has no plural rules of its own: it reads as the app's default language, English.
    private static PluralRules RulesFor(CultureInfo culture) =>
        Rules.GetOrAdd(string.IsNullOrEmpty(culture.Name) ? "en" : culture.Name, name => PluralRules.GetInstance(new UCultureInfo(name)));
}
