using System.Security.Cryptography;
using System.Text;
using MoralGraph.Core.Events;

namespace MoralGraph.Core.Access;

/// <summary>A facilitator account as the access stream says it is now.</summary>
/// <param name="Username">Login name as created.</param>
/// <param name="PasswordHash">Current password hash.</param>
/// <param name="Disabled">True once disabled.</param>
/// <param name="Roles">Role per scope (study slug or <see cref="AccessLog.AllStudies"/>).</param>
public sealed record FacilitatorAccount(string Username, string PasswordHash, bool Disabled, IReadOnlyDictionary<string, FacilitatorRole> Roles);

/// <summary>An API key as the access stream says it is now (never its secret).</summary>
/// <param name="KeyId">Public id.</param>
/// <param name="Scope">The study it reads.</param>
/// <param name="SecretHash">Hash of its secret.</param>
/// <param name="Label">What it is for.</param>
/// <param name="IssuedAt">When.</param>
/// <param name="IssuedBy">Who issued it.</param>
/// <param name="Revoked">True once revoked.</param>
public sealed record ApiKey(string KeyId, string Scope, string SecretHash, string Label, DateTimeOffset IssuedAt, string IssuedBy, bool Revoked);

/// <summary>Who may do what: accounts, roles and API keys, replayed from the access stream.</summary>
public sealed class AccessState
{
    private readonly Dictionary<string, FacilitatorAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ApiKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Every account.</summary>
    public IReadOnlyCollection<FacilitatorAccount> Accounts => _accounts.Values;

    /// <summary>Every API key, revoked ones included.</summary>
    public IReadOnlyCollection<ApiKey> ApiKeys => _keys.Values;

    /// <summary>True when some enabled account owns every study: the install is set up.</summary>
    public bool HasOwner => _accounts.Values.Any(a => !a.Disabled && a.Roles.GetValueOrDefault(AccessLog.AllStudies) == FacilitatorRole.Owner);

    /// <summary>Replays <paramref name="events"/>.</summary>
    public static AccessState Replay(IEnumerable<StudyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var state = new AccessState();
        foreach (var accessEvent in events)
        {
            state.Apply(accessEvent);
        }

        return state;
    }

    /// <summary>The account named <paramref name="username"/> (any case), or null.</summary>
    public FacilitatorAccount? Find(string? username) => username is not null ? _accounts.GetValueOrDefault(username) : null;

    /// <summary>The strongest role <paramref name="username"/> has in <paramref name="studyId"/> (their role there or in every study), or null.</summary>
    public FacilitatorRole? RoleIn(string? username, string studyId)
    {
        if (Find(username) is not { Disabled: false } account)
        {
            return null;
        }

        FacilitatorRole? best = null;
        foreach (var scope in new[] { studyId, AccessLog.AllStudies })
        {
            if (account.Roles.TryGetValue(scope, out var role) && (best is null || role > best))
            {
                best = role;
            }
        }

        return best;
    }

    /// <summary>The live key matching a presented key string (<see cref="ApiKeySecrets"/>), or null.</summary>
    public ApiKey? FindKey(string? presented)
    {
        if (ApiKeySecrets.Parse(presented) is not { } parts || !_keys.TryGetValue(parts.KeyId, out var key) || key.Revoked)
        {
            return null;
        }

        var hash = Convert.FromHexString(ApiKeySecrets.HashSecret(parts.Secret));
        return CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(key.SecretHash)) ? key : null;
    }

    /// <summary>Applies one event of the access stream.</summary>
    public void Apply(StudyEvent accessEvent)
    {
        ArgumentNullException.ThrowIfNull(accessEvent);
        switch (accessEvent)
        {
            case FacilitatorAccountCreated created when !_accounts.ContainsKey(created.Username):
                _accounts[created.Username] = new FacilitatorAccount(created.Username, created.PasswordHash, false, new Dictionary<string, FacilitatorRole>());
                break;
            case FacilitatorPasswordChanged changed when Find(changed.Username) is { } account:
                _accounts[account.Username] = account with { PasswordHash = changed.PasswordHash };
                break;
            case FacilitatorRoleGranted granted when Find(granted.Username) is { } account:
                _accounts[account.Username] = account with { Roles = new Dictionary<string, FacilitatorRole>(account.Roles) { [granted.Scope] = granted.Role } };
                break;
            case FacilitatorRoleRevoked revoked when Find(revoked.Username) is { } account:
                var roles = new Dictionary<string, FacilitatorRole>(account.Roles);
                roles.Remove(revoked.Scope);
                _accounts[account.Username] = account with { Roles = roles };
                break;
            case FacilitatorAccountDisabled disabled when Find(disabled.Username) is { } account:
                _accounts[account.Username] = account with { Disabled = true };
                break;
            case ApiKeyIssued issued:
                _keys.TryAdd(issued.KeyId, new ApiKey(issued.KeyId, issued.Scope, issued.SecretHash, issued.Label, issued.OccurredAt, issued.Actor, false));
                break;
            case ApiKeyRevoked revoked when _keys.TryGetValue(revoked.KeyId, out var key):
                _keys[revoked.KeyId] = key with { Revoked = true };
                break;
        }
    }
}

/// <summary>
/// API key strings: <c>mgk_{id}_{secret}</c> with a random 8-byte id and 32-byte secret (base64url). The secret has
/// 256 random bits, so a plain SHA-256 of it is a safe stored form (no slow hash needed, unlike passwords).
/// </summary>
public static class ApiKeySecrets
{
    private const string Prefix = "mgk_";

    /// <summary>A new key: its id, the full string to show once, and the hash to store.</summary>
    public static (string KeyId, string Presented, string SecretHash) Create()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (keyId, $"{Prefix}{keyId}_{secret}", HashSecret(secret));
    }

    /// <summary>The id and secret of a presented key, or null when it is not one.</summary>
    public static (string KeyId, string Secret)? Parse(string? presented)
    {
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = presented[Prefix.Length..];
        var separator = rest.IndexOf('_', StringComparison.Ordinal);
        return separator is 16 && rest.Length > 17 ? (rest[..separator], rest[(separator + 1)..]) : null;
    }

    /// <summary>Hex SHA-256 of a secret.</summary>
    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
