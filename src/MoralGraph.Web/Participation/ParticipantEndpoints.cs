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
                // "true", not "1": the resume page binds the flag as a bool, and "1" does not parse as one (the page failed).
                return Results.Redirect(StudyLinks.Participant(slug) + "/resume?expired=true");
            }

            context.Response.Cookies.Append(ParticipantCookies.CookieName(slug), cookies.Protect(session), ParticipantCookies.CookieOptionsFor(context.Request));
            return Results.Redirect(StudyLinks.Participant(slug));
        }).AllowAnonymous().ExcludeFromDescription();

        endpoints.MapGet("/s/{slug}/leave", (string slug, HttpContext context) =>
        {
            context.Response.Cookies.Delete(ParticipantCookies.CookieName(slug), new CookieOptions { Path = "/" });
            return Results.Redirect(StudyLinks.Participant(slug) + "/withdrawn");
        }).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }
}
