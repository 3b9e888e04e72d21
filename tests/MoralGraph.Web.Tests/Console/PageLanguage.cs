using System.Globalization;

namespace MoralGraph.Web.Tests.Console;

/// <summary>
/// A test's page language, as the language middleware sets it for a circuit (culture and UI culture), put back on
/// dispose so the next test on the thread reads English.
/// </summary>
internal sealed class PageLanguage : IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    private PageLanguage(string language) =>
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);

    public static PageLanguage Use(string language) => new(language);

    public void Dispose() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture, _uiCulture);
}
