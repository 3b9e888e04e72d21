using MoralGraph.Core.Events;

namespace MoralGraph.Core.Access;

/// <summary>A change to accounts, roles or keys that the current <see cref="AccessState"/> does not allow.</summary>
/// <param name="message">What is wrong, in words for the person who asked (English: the CLI, the API and the logs read it).</param>
public sealed class AccessChangeRefusedException(string message) : Exception(message)
{
    /// <summary>A stable name for the refusal (e.g. <c>AccountTaken</c>), so a user interface words it from <see cref="Arguments"/>; null where only the English exists.</summary>
    public string? Code { get; init; }

    /// <summary>The values the message is built from, in the order a localized wording takes them ({0}, {1}, …).</summary>
    public IReadOnlyList<object> Arguments { get; init; } = [];
}

/// <summary>
/// The access changes a host may make, each checked against the current <see cref="AccessState"/> and turned into
/// the events to append. The web app and the <c>moralgraph</c> command both go through here, so an account made by
/// either obeys the same rules. Passwords arrive already hashed: hashing is the host's (ASP.NET Core's password
/// hasher), the rules on the password itself are <see cref="PasswordProblem"/>.
/// </summary>
public static class AccessChanges
{
    /// <summary>The shortest password accepted.</summary>
    public const int MinimumPasswordLength = 12;

    /// <summary>The longest username accepted.</summary>
    public const int MaximumUsernameLength = 64;

    /// <summary>Why <paramref name="password"/> is not acceptable, or null when it is.</summary>
    public static string? PasswordProblem(string? password) => PasswordRefusal(password)?.Message;

    /// <summary>The refusal of <paramref name="password"/>, with its code, or null when it is acceptable.</summary>
    public static AccessChangeRefusedException? PasswordRefusal(string? password) =>
        string.IsNullOrEmpty(password) || password.Length < MinimumPasswordLength
            ? new($"A password needs at least {MinimumPasswordLength} characters.") { Code = "PasswordTooShort", Arguments = [MinimumPasswordLength] }
            : null;

    /// <summary>Why <paramref name="username"/> is not acceptable, or null when it is.</summary>
    /// <remarks>Letters, digits and <c>. _ - @</c> only, so a name reads the same in a log line, a URL and a claim.</remarks>
    public static string? UsernameProblem(string? username) => UsernameRefusal(username)?.Message;

    private static AccessChangeRefusedException? UsernameRefusal(string? username)
    {
        if (string.IsNullOrEmpty(username))
        {
            return new("A username is required.") { Code = "UsernameMissing" };
        }

        if (username.Length > MaximumUsernameLength)
        {
            return new($"A username has at most {MaximumUsernameLength} characters.") { Code = "UsernameTooLong", Arguments = [MaximumUsernameLength] };
        }

        return username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@')
            ? null
            : new("A username may hold only letters, digits and . _ - @ (no spaces).") { Code = "UsernameCharacters" };
    }

    /// <summary>Why <paramref name="scope"/> cannot hold a role, or null when it can: a study slug or <see cref="AccessLog.AllStudies"/>.</summary>
    public static string? ScopeProblem(string? scope) => ScopeRefusal(scope)?.Message;

    /// <summary>The refusal of <paramref name="scope"/>, with its code, or null when it can hold a role.</summary>
    public static AccessChangeRefusedException? ScopeRefusal(string? scope) =>
        string.IsNullOrEmpty(scope) || (scope != AccessLog.AllStudies && AccessLog.IsReserved(scope))
            ? new($"'{scope}' is not a study slug (or {AccessLog.AllStudies} for every study).") { Code = "ScopeNotStudy", Arguments = [scope ?? string.Empty, AccessLog.AllStudies] }
            : null;

    /// <summary>A new account with one role. Refused when the name is taken (in any case) or invalid.</summary>
    public static IReadOnlyList<StudyEvent> CreateAccount(
        AccessState state, string username, string passwordHash, string scope, FacilitatorRole role, string actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        Refuse(UsernameRefusal(username));
        Refuse(ScopeRefusal(scope));
        if (state.Find(username) is not null)
        {
            throw new AccessChangeRefusedException($"There is already an account '{username}'.") { Code = "AccountTaken", Arguments = [username] };
        }

        return
        [
            new FacilitatorAccountCreated(username, passwordHash) { StudyId = AccessLog.StreamId, OccurredAt = at, Actor = actor },
            new FacilitatorRoleGranted(username, scope, role) { StudyId = AccessLog.StreamId, OccurredAt = at, Actor = actor },
        ];
    }

    /// <summary>The first owner of every study. Refused once an enabled owner of every study exists.</summary>
    public static IReadOnlyList<StudyEvent> CreateFirstOwner(AccessState state, string username, string passwordHash, string actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.HasOwner)
        {
            throw new AccessChangeRefusedException("This install already has an owner.") { Code = "OwnerExists" };
        }

        return CreateAccount(state, username, passwordHash, AccessLog.AllStudies, FacilitatorRole.Owner, actor, at);
    }

    /// <summary>A new password hash for an enabled account.</summary>
    public static StudyEvent ChangePassword(AccessState state, string username, string passwordHash, string actor, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        var account = Enabled(state, username);
        return new FacilitatorPasswordChanged(account.Username, passwordHash) { StudyId = AccessLog.StreamId, OccurredAt = at, Actor = actor };
    }

    /// <summary>Gives an enabled account a role in a scope, replacing its role there.</summary>
    public static StudyEvent Grant(AccessState state, string username, string scope, FacilitatorRole role, string actor, DateTimeOffset at)
    {
        var account = Enabled(state, username);
        Refuse(ScopeRefusal(scope));
        if (!Enum.IsDefined(role))
        {
            throw new AccessChangeRefusedException($"'{role}' is not a role.") { Code = "RoleUnknown", Arguments = [role.ToString()] };
        }

        return new FacilitatorRoleGranted(account.Username, scope, role) { StudyId = AccessLog.StreamId, OccurredAt = at, Actor = actor };
    }

    /// <summary>Takes an account's role in a scope away. Refused when it would leave the install without an enabled owner of every study.</summary>
    public static StudyEvent Revoke(AccessState state, string username, string scope, string actor, DateTimeOffset at)
    {
        var account = Find(state, username);
        if (!account.Roles.ContainsKey(scope))
        {
            throw new AccessChangeRefusedException($"'{account.Username}' has no role in '{scope}'.") { Code = "NoRoleThere", Arguments = [account.Username, scope] };
        }

        if (scope == AccessLog.AllStudies)
        {
            RefuseLosingTheLastOwner(state, account);
        }

        return new FacilitatorRoleRevoked(account.Username, scope) { StudyId = AccessLog.StreamId, OccurredAt = at, Actor = actor };
    }

    /// <summary>Disables an account for good. Refused for the last enabled owner of every study.</summary>
    public static StudyEvent Disable(AccessState state, string username, string actor, DateTimeOffset at)
    {
        var account = Enabled(state, username);
        RefuseLosingTheLastOwner(state, account);
        return new FacilitatorAccountDisabled(account.Username) { StudyId = AccessLog.StreamId, OccurredAt = at, Actor = actor };
    }

    /// <summary>A new API key reading one study. <c>Presented</c> is the only time the full key exists: show it once.</summary>
    public static (ApiKeyIssued Issued, string Presented) IssueApiKey(AccessState state, string studySlug, string label, string actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (string.IsNullOrEmpty(studySlug) || AccessLog.IsReserved(studySlug) || studySlug == AccessLog.AllStudies)
        {
            throw new AccessChangeRefusedException("An API key reads one study: give its slug.") { Code = "ApiKeyNeedsStudy" };
        }

        if (string.IsNullOrWhiteSpace(label))
        {
            throw new AccessChangeRefusedException("An API key needs a label saying what it is for.") { Code = "ApiKeyNeedsLabel" };
        }

        var (keyId, presented, secretHash) = ApiKeySecrets.Create();
        var issued = new ApiKeyIssued(keyId, studySlug, secretHash, label.Trim()) { StudyId = AccessLog.StreamId, OccurredAt = at, Actor = actor };
        return (issued, presented);
    }

    /// <summary>Revokes a live key.</summary>
    public static StudyEvent RevokeApiKey(AccessState state, string keyId, string actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        var key = state.ApiKeys.FirstOrDefault(k => k.KeyId == keyId)
            ?? throw new AccessChangeRefusedException($"There is no API key '{keyId}'.") { Code = "NoApiKey", Arguments = [keyId] };
        if (key.Revoked)
        {
            throw new AccessChangeRefusedException($"The API key '{keyId}' is already revoked.") { Code = "ApiKeyRevoked", Arguments = [keyId] };
        }

        return new ApiKeyRevoked(key.KeyId) { StudyId = AccessLog.StreamId, OccurredAt = at, Actor = actor };
    }

    private static FacilitatorAccount Find(AccessState state, string username)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Find(username) ?? throw new AccessChangeRefusedException($"There is no account '{username}'.") { Code = "NoAccount", Arguments = [username] };
    }

    private static FacilitatorAccount Enabled(AccessState state, string username)
    {
        var account = Find(state, username);
        return account.Disabled ? throw new AccessChangeRefusedException($"The account '{account.Username}' is disabled.") { Code = "AccountDisabled", Arguments = [account.Username] } : account;
    }

    /// <summary>Refuses a change that takes <paramref name="leaving"/>'s ownership of every study away when nobody else has it.</summary>
    private static void RefuseLosingTheLastOwner(AccessState state, FacilitatorAccount leaving)
    {
        if (IsOwnerOfAll(leaving) && !state.Accounts.Any(a => IsOwnerOfAll(a) && !string.Equals(a.Username, leaving.Username, StringComparison.OrdinalIgnoreCase)))
        {
            throw new AccessChangeRefusedException("That would leave no enabled owner of every study; make someone else owner of all studies first.") { Code = "LastOwner" };
        }
    }

    private static bool IsOwnerOfAll(FacilitatorAccount account) =>
        !account.Disabled && account.Roles.GetValueOrDefault(AccessLog.AllStudies) == FacilitatorRole.Owner;

    private static void Refuse(AccessChangeRefusedException? refusal)
    {
        if (refusal is not null)
        {
            throw refusal;
        }
    }
}
