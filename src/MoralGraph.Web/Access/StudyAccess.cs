using Microsoft.AspNetCore.Authorization;
using MoralGraph.Core.Access;

namespace MoralGraph.Web.Access;

/// <summary>
/// The authorization policies. A study policy is checked against the study of the request: the route's <c>{id}</c>
/// or <c>{slug}</c> (endpoints and pages), or an explicit slug as the resource
/// (<c>IAuthorizationService.AuthorizeAsync(user, slug, StudyAccess.Observer)</c>, for hubs and per-row checks).
/// With no study at all (a list), it asks for that role in at least one study. A facilitator passes with a role at
/// least the one required, in the study or in every study; an API key passes <see cref="ApiReader"/> for its own
/// study only, and nothing else: keys are for the HTTP API, never the console's pages, hub or actions. Everything else
/// falls back to <see cref="SignedIn"/>: nothing is public unless marked <c>AllowAnonymous</c>.
/// </summary>
public static class StudyAccess
{
    /// <summary>Reads the study in the console: its pages, audit, exports and live hub. A signed-in facilitator only, never an API key.</summary>
    public const string Observer = "study:observer";

    /// <summary>Reads the study over the HTTP API (the list and its exports): an observer of it, or an API key of that study.</summary>
    public const string ApiReader = "study:api-reader";

    /// <summary>Moderates and runs the study's phases.</summary>
    public const string Facilitator = "study:facilitator";

    /// <summary>Manages the study and its facilitators.</summary>
    public const string Owner = "study:owner";

    /// <summary>Owner of every study: manages the install's facilitators.</summary>
    public const string Administrator = "administrator";

    /// <summary>Any enabled facilitator account (the fallback of every endpoint not marked otherwise).</summary>
    public const string SignedIn = "signed-in";

    /// <summary>Adds the policies.</summary>
    public static AuthorizationBuilder AddStudyAccessPolicies(this AuthorizationBuilder authorization)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var signedIn = new AuthorizationPolicyBuilder().AddRequirements(new SignedInRequirement()).Build();
        return authorization
            .AddPolicy(Observer, policy => policy.AddRequirements(new StudyRoleRequirement(FacilitatorRole.Observer, AllStudies: false)))
            .AddPolicy(ApiReader, policy => policy.AddRequirements(new StudyRoleRequirement(FacilitatorRole.Observer, AllStudies: false, AdmitsApiKey: true)))
            .AddPolicy(Facilitator, policy => policy.AddRequirements(new StudyRoleRequirement(FacilitatorRole.Facilitator, AllStudies: false)))
            .AddPolicy(Owner, policy => policy.AddRequirements(new StudyRoleRequirement(FacilitatorRole.Owner, AllStudies: false)))
            .AddPolicy(Administrator, policy => policy.AddRequirements(new StudyRoleRequirement(FacilitatorRole.Owner, AllStudies: true)))
            .AddPolicy(SignedIn, signedIn)
            .SetDefaultPolicy(signedIn)
            .SetFallbackPolicy(signedIn);
    }

    /// <summary>The study slug a check is about: an explicit slug, or the route's <c>id</c>/<c>slug</c> value; null when none.</summary>
    public static string? StudyOf(object? resource) => resource switch
    {
        string slug => slug,
        HttpContext http => RouteValue(http.Request.RouteValues),
        Microsoft.AspNetCore.Components.RouteData route => RouteValue(route.RouteValues),
        _ => null,
    };

    private static string? RouteValue(IEnumerable<KeyValuePair<string, object?>> values) =>
        values.FirstOrDefault(v => v.Key.Equals("id", StringComparison.OrdinalIgnoreCase) || v.Key.Equals("slug", StringComparison.OrdinalIgnoreCase)).Value as string;
}

/// <summary>
/// Needs <paramref name="Minimum"/> in the study of the check, or in every study when <paramref name="AllStudies"/>; an API key
/// of the study meets it only when <paramref name="AdmitsApiKey"/> (the HTTP API's read endpoints).
/// </summary>
public sealed record StudyRoleRequirement(FacilitatorRole Minimum, bool AllStudies, bool AdmitsApiKey = false) : IAuthorizationRequirement;

/// <summary>Needs an enabled facilitator account.</summary>
public sealed record SignedInRequirement : IAuthorizationRequirement;

/// <summary>Decides <see cref="StudyRoleRequirement"/> and <see cref="SignedInRequirement"/> from <see cref="AccessDirectory"/>.</summary>
internal sealed class StudyAccessHandler(AccessDirectory directory) : IAuthorizationHandler
{
    public async Task HandleAsync(AuthorizationHandlerContext context)
    {
        var state = await directory.GetStateAsync();
        var account = FacilitatorSignIn.CurrentAccount(state, context.User);
        var keyStudy = ApiKeyAuthenticationHandler.StudyOf(context.User);
        foreach (var requirement in context.PendingRequirements.ToList())
        {
            var met = requirement switch
            {
                // A request no endpoint answers is a 404, not a sign-in: the fallback has nothing to protect there.
                SignedInRequirement => account is not null || context.Resource is HttpContext { } http && http.GetEndpoint() is null,
                StudyRoleRequirement study => Meets(state, account, keyStudy, study, StudyAccess.StudyOf(context.Resource)),
                _ => false,
            };
            if (met)
            {
                context.Succeed(requirement);
            }
        }
    }

    private static bool Meets(AccessState state, FacilitatorAccount? account, string? keyStudy, StudyRoleRequirement requirement, string? study)
    {
        if (requirement.AllStudies)
        {
            return account is not null && state.RoleIn(account.Username, AccessLog.AllStudies) >= requirement.Minimum;
        }

        if (keyStudy is not null)
        {
            // An API key reads its own study over the API; with no study named (the list), it sees its one study. Pages
            // would render a study's whole console for it (cards, flags, the definition), so they never admit one.
            return requirement.AdmitsApiKey && requirement.Minimum == FacilitatorRole.Observer && (study is null || study == keyStudy);
        }

        if (account is null)
        {
            return false;
        }

        var role = study is null ? account.Roles.Values.DefaultIfEmpty().Max() : state.RoleIn(account.Username, study);
        return role >= requirement.Minimum;
    }
}
