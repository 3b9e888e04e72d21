using MoralGraph.Web.Studies;

namespace MoralGraph.Web.Participation;

/// <summary>The two plain HTTP steps of the journey: setting the participant cookie and clearing it after withdrawal.</summary>
internal static class ParticipantEndpoints
{
    public static IEndpointRouteBuilder MapParticipantEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/s/{slug}/session", (string slug, string? token, HttpContext context, ParticipantCookies cookies) =>
        {
            if (cookies.ReadToken(slug, token) is not { } session)
            {
                return Results.Redirect(StudyLinks.Participant(slug) + "/resume?expired=true");
            }

            context.Response.Cookies.Append(ParticipantCookies.CookieName(slug), cookies.Protect(session), ParticipantCookies.CookieOptionsFor(context.Request));
            return Results.Redirect(StudyLinks.Participant(slug));
        }).AllowAnonymous().ExcludeFromDescription();

        endpoints.MapGet("/s/{slug}/leave", (string slug, HttpContext context) =>
        {
            if (!ParticipantCookies.IsCookieSafe(slug))
            {
                // No study has such a slug, so there is no cookie to clear; naming one failed with 500.
                return Results.NotFound();
            }

            context.Response.Cookies.Delete(ParticipantCookies.CookieName(slug), new CookieOptions { Path = "/" });
            return Results.Redirect(StudyLinks.Participant(slug) + "/withdrawn");
        }).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }
}
