using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Endpoints;

namespace MoralGraph.Web.Access;

/// <summary>
/// The facilitator cookie's checks and answers: a cookie whose account was disabled or whose password changed is
/// rejected on its next request; pages redirect to sign-in (or to the denied page), while everything else (the
/// API, hubs) answers 401 or 403 with a problem document, since a script cannot follow a login redirect.
/// </summary>
internal sealed class FacilitatorCookieEvents(AccessDirectory directory) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var state = await directory.GetStateAsync(context.HttpContext.RequestAborted);
        if (FacilitatorSignIn.CurrentAccount(state, context.Principal) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(FacilitatorSignIn.Scheme);
        }
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) =>
        IsPage(context.HttpContext) ? base.RedirectToLogin(context) : AccessProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized);

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        IsPage(context.HttpContext) ? base.RedirectToAccessDenied(context) : AccessProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden);

    /// <summary>True when the request is for a Razor component page, which a browser shows.</summary>
    private static bool IsPage(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;
}

/// <summary>The 401 and 403 answers of the API: a problem document saying how to authenticate.</summary>
internal static class AccessProblems
{
    public static async Task WriteAsync(HttpContext context, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        if (statusCode == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"MoralGraph\"";
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = statusCode,
                Title = statusCode == StatusCodes.Status401Unauthorized ? "Authentication required" : "Not allowed",
                Detail = statusCode == StatusCodes.Status401Unauthorized
                    ? $"Send an API key for this study (Authorization: Bearer mgk_…, or X-Api-Key), or sign in as a facilitator at {FacilitatorSignIn.LoginPath}."
                    : "Your key or account has no access to this study.",
            },
        });
    }
}
