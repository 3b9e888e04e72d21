using System.Security.Claims;
using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Console;

/// <summary>A facilitator account as the access page shows it: only its roles in scopes the viewer manages.</summary>
/// <param name="Username">Login name.</param>
/// <param name="Disabled">True once disabled.</param>
/// <param name="Roles">Role per scope (study slug or <see cref="AccessLog.AllStudies"/>) the viewer manages.</param>
public sealed record AccountView(string Username, bool Disabled, IReadOnlyDictionary<string, FacilitatorRole> Roles);

/// <summary>What the access page shows to one facilitator.</summary>
/// <param name="IsAdministrator">True for an owner of every study: every account, every key, roles in every scope.</param>
/// <param name="Scopes">The scopes the viewer may grant roles in and issue keys for (<see cref="AccessLog.AllStudies"/> first for an administrator).</param>
/// <param name="Accounts">The accounts with a role in those scopes (every account, for an administrator).</param>
/// <param name="ApiKeys">The API keys of those studies, newest first.</param>
public sealed record AccessView(bool IsAdministrator, IReadOnlyList<string> Scopes, IReadOnlyList<AccountView> Accounts, IReadOnlyList<ApiKey> ApiKeys);

/// <summary>
/// Facilitator accounts, roles and API keys from the console, through <see cref="AccessDirectory"/>. An owner of every
/// study manages everything; an owner of a study manages roles and keys in that study only. Every method checks first.
/// </summary>
public sealed class AccessAdministration(AccessDirectory directory, IStudyCatalog catalog, ConsoleAuthorization authorization)
{
    /// <summary>What <paramref name="user"/> may see and manage (owner of at least one study).</summary>
    public async Task<AccessView> ViewAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, null, StudyAccess.Owner);
        var isAdministrator = await authorization.AllowsAsync(user, null, StudyAccess.Administrator);
        var studies = new List<string>();
        foreach (var study in await catalog.ListAsync(cancellationToken))
        {
            if (isAdministrator || await authorization.AllowsAsync(user, study.Slug, StudyAccess.Owner))
            {
                studies.Add(study.Slug);
            }
        }

        List<string> scopes = isAdministrator ? [AccessLog.AllStudies, .. studies] : studies;
        var managed = scopes.ToHashSet(StringComparer.Ordinal);
        var state = await directory.GetStateAsync(cancellationToken);
        var accounts = state.Accounts
            .Select(a => new AccountView(a.Username, a.Disabled, a.Roles.Where(r => isAdministrator || managed.Contains(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal)))
            .Where(a => isAdministrator || a.Roles.Count > 0)
            .OrderBy(a => a.Username, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var keys = state.ApiKeys.Where(k => isAdministrator || managed.Contains(k.Scope)).OrderByDescending(k => k.IssuedAt).ToList();
        return new AccessView(isAdministrator, scopes, accounts, keys);
    }

    /// <summary>Creates an account with a role in <paramref name="scope"/> (owner of that scope).</summary>
    public async Task CreateAccountAsync(ClaimsPrincipal user, string username, string password, string scope, FacilitatorRole role, CancellationToken cancellationToken = default)
    {
        var actor = await RequireScopeOwnerAsync(user, scope);
        await directory.CreateAccountAsync((username ?? string.Empty).Trim(), password, scope, role, actor, cancellationToken);
    }

    /// <summary>Gives an account a role in <paramref name="scope"/>, replacing its role there (owner of that scope).</summary>
    public async Task GrantAsync(ClaimsPrincipal user, string username, string scope, FacilitatorRole role, CancellationToken cancellationToken = default)
    {
        var actor = await RequireScopeOwnerAsync(user, scope);
        await directory.GrantAsync((username ?? string.Empty).Trim(), scope, role, actor, cancellationToken);
    }

    /// <summary>Takes an account's role in <paramref name="scope"/> away (owner of that scope).</summary>
    public async Task RevokeAsync(ClaimsPrincipal user, string username, string scope, CancellationToken cancellationToken = default)
    {
        var actor = await RequireScopeOwnerAsync(user, scope);
        await directory.RevokeAsync(username, scope, actor, cancellationToken);
    }

    /// <summary>Disables an account everywhere (owner of every study).</summary>
    public async Task DisableAsync(ClaimsPrincipal user, string username, CancellationToken cancellationToken = default)
    {
        var actor = await authorization.RequireAsync(user, null, StudyAccess.Administrator);
        await directory.DisableAsync(username, actor, cancellationToken);
    }

    /// <summary>Issues an API key reading <paramref name="slug"/> (owner of the study) and returns it: the only time it exists in full.</summary>
    public async Task<string> IssueApiKeyAsync(ClaimsPrincipal user, string slug, string label, CancellationToken cancellationToken = default)
    {
        var actor = await authorization.RequireAsync(user, slug, StudyAccess.Owner);
        return await directory.IssueApiKeyAsync(slug, label, actor, cancellationToken);
    }

    /// <summary>Revokes an API key (owner of the study it reads).</summary>
    public async Task RevokeApiKeyAsync(ClaimsPrincipal user, string keyId, CancellationToken cancellationToken = default)
    {
        var key = (await directory.GetStateAsync(cancellationToken)).ApiKeys.FirstOrDefault(k => k.KeyId == keyId)
            ?? throw new AccessChangeRefusedException($"There is no API key '{keyId}'.") { Code = "NoApiKey", Arguments = [keyId] };
        var actor = await authorization.RequireAsync(user, key.Scope, StudyAccess.Owner);
        await directory.RevokeApiKeyAsync(keyId, actor, cancellationToken);
    }

    // A role in every study is the administrator's to give; a role in one study is its owner's.
    private Task<string> RequireScopeOwnerAsync(ClaimsPrincipal user, string scope) => scope == AccessLog.AllStudies
        ? authorization.RequireAsync(user, null, StudyAccess.Administrator)
        : AccessChanges.ScopeRefusal(scope) is { } refusal
            ? throw refusal
            : authorization.RequireAsync(user, scope, StudyAccess.Owner);
}
