using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Console;

/// <summary>A console action the signed-in facilitator's role does not allow. Nothing was done.</summary>
/// <param name="message">What is missing, for the facilitator, in English (logs and the API).</param>
public sealed class ConsoleAccessDeniedException(string message) : Exception(message)
{
    /// <summary>A stable name for the refusal (e.g. <c>NoStudy</c>), so a console page words it from <see cref="Arguments"/>; null where only the English exists.</summary>
    public string? Code { get; init; }

    /// <summary>The values the message is built from, in the order a localized wording takes them.</summary>
    public IReadOnlyList<object> Arguments { get; init; } = [];
}

/// <summary>What a facilitator may do in one study, for showing or hiding the console's buttons.</summary>
/// <param name="CanRead">Observer or more: the console, audit and exports.</param>
/// <param name="CanModerate">Facilitator or more: moderation, phases, announcements.</param>
/// <param name="CanManage">Owner: the study's definition, its facilitators and API keys.</param>
public sealed record StudyPermissions(bool CanRead, bool CanModerate, bool CanManage)
{
    /// <summary>No permission at all.</summary>
    public static StudyPermissions None { get; } = new(false, false, false);
}

/// <summary>
/// The console services' own role checks, against <see cref="StudyAccess"/>'s policies with the study slug as the
/// resource. Pages hide what a role cannot do; the services check again through here, because a circuit can send any
/// event a page once rendered, and a role can be revoked while the page is open.
/// </summary>
public sealed class ConsoleAuthorization(IAuthorizationService authorization)
{
    /// <summary>The policies a denial names, by the name its refusal code takes (<c>DeniedOwner</c>, <c>DeniedOwnerHere</c>).</summary>
    internal static readonly IReadOnlyDictionary<string, string> RoleNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [StudyAccess.Observer] = "Observer",
        [StudyAccess.Facilitator] = "Facilitator",
        [StudyAccess.Owner] = "Owner",
        [StudyAccess.Administrator] = "Administrator",
    };

    /// <summary>True when <paramref name="user"/> passes <paramref name="policy"/> for <paramref name="slug"/> (null: any study).</summary>
    public async Task<bool> AllowsAsync(ClaimsPrincipal user, string? slug, string policy)
    {
        ArgumentNullException.ThrowIfNull(user);
        return (await authorization.AuthorizeAsync(user, slug, policy)).Succeeded;
    }

    /// <summary>What <paramref name="user"/> may do in <paramref name="slug"/>.</summary>
    public async Task<StudyPermissions> PermissionsAsync(ClaimsPrincipal user, string slug) => new(
        await AllowsAsync(user, slug, StudyAccess.Observer),
        await AllowsAsync(user, slug, StudyAccess.Facilitator),
        await AllowsAsync(user, slug, StudyAccess.Owner));

    /// <summary>
    /// The username to record as the actor when <paramref name="user"/> passes <paramref name="policy"/> for
    /// <paramref name="slug"/>; otherwise throws <see cref="ConsoleAccessDeniedException"/>.
    /// </summary>
    public async Task<string> RequireAsync(ClaimsPrincipal user, string? slug, string policy)
    {
        ArgumentNullException.ThrowIfNull(user);
        var actor = ActorOf(user);
        if (!await AllowsAsync(user, slug, policy))
        {
            throw new ConsoleAccessDeniedException($"{actor} may not do this {(slug is null ? "here" : $"in '{slug}'")}: it needs {Describe(policy)}.")
            {
                // One wording per role and place: the role's name is part of the sentence in every language.
                Code = RoleNames.TryGetValue(policy, out var role) ? $"Denied{role}{(slug is null ? "Here" : string.Empty)}" : null,
                Arguments = [actor, slug ?? string.Empty],
            };
        }

        return actor;
    }

    /// <summary>The signed-in facilitator's username: what every console event records as its actor.</summary>
    public static string ActorOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        // An API key signs requests in too, but it only reads: it is never the author of a console action.
        return user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } && ApiKeyAuthenticationHandler.StudyOf(user) is null
            ? name
            : throw new ConsoleAccessDeniedException("Sign in as a facilitator first.") { Code = "SignInFirst" };
    }

    private static string Describe(string policy) => policy switch
    {
        StudyAccess.Observer => "the observer role",
        StudyAccess.Facilitator => "the facilitator role",
        StudyAccess.Owner => "the owner role",
        StudyAccess.Administrator => "ownership of every study",
        _ => $"'{policy}'",
    };
}
