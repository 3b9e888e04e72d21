using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Net.Http.Headers;

namespace MoralGraph.Web.Localization;

/// <summary>
/// The languages the participant pages speak and which one a participant sees: the study decides which of them it
/// offers (its <c>languages</c>), the participant's own choice comes first among those, then their browser's
/// <c>Accept-Language</c>, then the study's first language.
/// </summary>
public static class ParticipantLanguages
{
    /// <summary>English first: the resources' neutral language and the fallback for any missing key.</summary>
    public const string Default = "en";

    /// <summary>Every language with a <c>JourneyText.{language}.resx</c>.</summary>
    public static IReadOnlyList<string> Supported { get; } = [Default, "es", "ar"];

    /// <summary>The cookie that remembers the language (ASP.NET Core's own culture cookie, so the circuit's connection reads it too).</summary>
    public static string CookieName => CookieRequestCultureProvider.DefaultCookieName;

    /// <summary>
    /// The languages of <paramref name="studyLanguages"/> (BCP-47 tags such as <c>es-ES</c>) the pages speak, in the study's
    /// order; English alone when the study names none of them, since the pages must speak something.
    /// </summary>
    public static IReadOnlyList<string> Offered(IEnumerable<string>? studyLanguages)
    {
        var offered = (studyLanguages ?? []).Select(Spoken).OfType<string>().Distinct().ToList();
        return offered.Count == 0 ? [Default] : offered;
    }

    /// <summary>The supported language <paramref name="tag"/> is written in (<c>es-MX</c> → <c>es</c>), or null.</summary>
    public static string? Spoken(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        var language = MoralGraph.Core.Text.LanguageTags.Primary(tag);
        return Supported.Contains(language) ? language : null;
    }

    /// <summary>
    /// The language to show: <paramref name="chosen"/> when the study offers it, else the first of the browser's
    /// <paramref name="acceptLanguage"/> (by quality) the study offers, else the study's first language.
    /// </summary>
    public static string Choose(IReadOnlyList<string> offered, string? chosen, IEnumerable<StringWithQualityHeaderValue> acceptLanguage)
    {
        ArgumentNullException.ThrowIfNull(offered);
        if (Spoken(chosen) is { } mine && offered.Contains(mine))
        {
            return mine;
        }

        var browser = acceptLanguage
            .Where(l => l.Quality is not <= 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => Spoken(l.Value.Value))
            .FirstOrDefault(l => l is not null && offered.Contains(l));
        return browser ?? offered[0];
    }

    /// <summary>The language the culture cookie holds, or null.</summary>
    public static string? FromCookie(string? cookieValue) =>
        cookieValue is null ? null : Spoken(CookieRequestCultureProvider.ParseCookieValue(cookieValue)?.UICultures.FirstOrDefault().Value);

    /// <summary>The culture cookie's value for <paramref name="language"/>.</summary>
    public static string CookieValue(string language) => CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language));

    /// <summary>The culture pages in <paramref name="language"/> format dates and numbers with.</summary>
    public static CultureInfo Culture(string language) => CultureInfo.GetCultureInfo(language);

    /// <summary>The language's own name, as its speakers write it ("español", "العربية").</summary>
    public static string NativeName(string language)
    {
        var name = Culture(language).NativeName;
        return name.Length == 0 ? language : char.ToUpper(name[0], Culture(language)) + name[1..];
    }
}
