using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace MoralGraph.Web.Localization;

/// <summary>
/// Puts a participant page in the participant's language, and a console page in the facilitator's (any language the
/// pages speak: the cookie's choice, then the browser's) (<see cref="ParticipantLanguages"/>) and keeps that choice in
/// the culture cookie, which the page's circuit reads when it connects: the connection's path names no study, so the
/// cookie is how the interactive page learns the language the prerendered one was in.
/// </summary>
internal static class ParticipantLanguageMiddleware
{
    /// <summary>Where the language picker sends its choice.</summary>
    public const string ChoicePath = "/language";

    public static IApplicationBuilder UseParticipantLanguage(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (ParticipantPages.ApiStudySlug(context.Request.Path) is { } apiSlug)
            {
                // The participant API answers (refusals, the guided interviewer's questions) in the language the caller
                // asks for with Accept-Language, among the study's; it sets no cookie.
                Apply(context, Choose(context, await OfferedAsync(context, apiSlug).ConfigureAwait(false)));
            }
            else if (HttpMethods.IsGet(context.Request.Method) && ParticipantPages.StudySlug(context.Request.Path) is { } slug)
            {
                var language = Choose(context, await OfferedAsync(context, slug).ConfigureAwait(false));
                Apply(context, language);
                if (ChosenBefore(context) != language)
                {
                    Remember(context, language);
                }
            }
            else if (HttpMethods.IsGet(context.Request.Method) && ParticipantPages.IsStudyless(context.Request.Path))
            {
                // No study yet (the home page, joining with a code): any language the pages speak.
                Apply(context, Choose(context, ParticipantLanguages.Supported));
            }
            else if (HttpMethods.IsGet(context.Request.Method) && ParticipantPages.IsConsolePage(context.Request.Path))
            {
                // The facilitator's pages speak every language; a choice made from the browser's Accept-Language is kept
                // in the cookie too, since the page's circuit connects with the cookie alone.
                var language = Choose(context, ParticipantLanguages.Supported);
                Apply(context, language);
                if (ChosenBefore(context) != language)
                {
                    Remember(context, language);
                }
            }

            await next(context).ConfigureAwait(false);
        });

    private static async Task<IReadOnlyList<string>> OfferedAsync(HttpContext context, string slug) =>
        ParticipantLanguages.Offered(await context.RequestServices.GetRequiredService<StudyLanguageCache>()
            .LanguagesOfAsync(slug, context.RequestAborted).ConfigureAwait(false));

    private static string? ChosenBefore(HttpContext context) =>
        ParticipantLanguages.FromCookie(context.Request.Cookies[ParticipantLanguages.CookieName]);

    private static string Choose(HttpContext context, IReadOnlyList<string> offered) =>
        ParticipantLanguages.Choose(offered, ChosenBefore(context), context.Request.GetTypedHeaders().AcceptLanguage);

    /// <summary>
    /// <c>GET /language?culture=es&amp;returnUrl=/s/study</c>: the picker's choice, kept in the cookie, then back to the page.
    /// A plain GET so the picker works before the page is interactive; it changes nothing but the visitor's own cookie.
    /// </summary>
    public static IEndpointRouteBuilder MapLanguageChoice(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ChoicePath, (string? culture, string? returnUrl, HttpContext context) =>
        {
            if (ParticipantLanguages.Spoken(culture) is not { } language || language != culture?.Trim().ToLowerInvariant())
            {
                return Results.Problem(
                    $"'{culture}' is not a language these pages speak; use one of {string.Join(", ", ParticipantLanguages.Supported)}.",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            Remember(context, language);
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static void Apply(HttpContext context, string language)
    {
        var culture = ParticipantLanguages.Culture(language);
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        context.Features.Set<IRequestCultureFeature>(new RequestCultureFeature(new RequestCulture(culture), provider: null));
    }

    private static void Remember(HttpContext context, string language) =>
        context.Response.Cookies.Append(
            ParticipantLanguages.CookieName,
            ParticipantLanguages.CookieValue(language),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps, IsEssential = true, Path = "/", MaxAge = TimeSpan.FromDays(365) });

    // Only a path on this site: "//host" and "/\host" are other sites to a browser.
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}

/// <summary>Which pages are the participants' (translated, and mirrored in a right-to-left language) and which are the console's.</summary>
public static class ParticipantPages
{
    // The pages under /s/{slug}; the session and leave endpoints there only set or clear a cookie and redirect.
    private static readonly string[] StudyPages = ["", "resume", "my-value", "withdrawn"];

    /// <summary>The study a participant page belongs to (<c>/s/{slug}</c>, <c>/s/{slug}/resume</c>, …), or null for any other path.</summary>
    public static string? StudySlug(PathString path)
    {
        var value = path.Value;
        if (value is null || !value.StartsWith("/s/", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = value[3..].TrimEnd('/').Split('/');
        return parts.Length <= 2 && StudyPages.Contains(parts.Length == 2 ? parts[1] : "")
            && MoralGraph.Web.Participation.ParticipantCookies.IsCookieSafe(parts[0]) ? parts[0] : null;
    }

    /// <summary>The study of a participant API call (<c>/api/v1/studies/{slug}/participation…</c>), or null.</summary>
    public static string? ApiStudySlug(PathString path)
    {
        const string prefix = "/api/v1/studies/";
        var value = path.Value;
        if (value is null || !value.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = value[prefix.Length..].Split('/');
        return parts.Length > 1 && parts[1] == "participation" && MoralGraph.Web.Participation.ParticipantCookies.IsCookieSafe(parts[0]) ? parts[0] : null;
    }

    /// <summary>True for the participant pages that belong to no study yet: the home page's open studies, joining with an invite code.</summary>
    public static bool IsStudyless(PathString path) =>
        path == "/" || path.StartsWithSegments("/join", StringComparison.Ordinal);

    /// <summary>True for the facilitator's pages: the console, signing in, the first owner's setup, and the error pages they may land on.</summary>
    public static bool IsConsolePage(PathString path) =>
        ConsolePrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] ConsolePrefixes = ["/console", "/account", "/setup", "/not-found", "/Error"];

    /// <summary>True for every page a participant sees.</summary>
    public static bool IsParticipantPage(PathString path) => StudySlug(path) is not null || IsStudyless(path);
}
