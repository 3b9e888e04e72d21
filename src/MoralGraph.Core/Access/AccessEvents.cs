using MoralGraph.Core.Events;

namespace MoralGraph.Core.Access;

/// <summary>What a facilitator may do in a study. Each role includes the ones below it.</summary>
public enum FacilitatorRole
{
    /// <summary>Reads the console, the audit page and exports.</summary>
    Observer = 1,

    /// <summary>Moderates and runs phases.</summary>
    Facilitator = 2,

    /// <summary>Manages the study and its facilitators.</summary>
    Owner = 3,
}

/// <summary>
/// Facilitator accounts, roles and API keys are events too, in one reserved stream (<see cref="StreamId"/>), so every
/// grant, revocation and key is in the hash-chained log with who did it.
/// </summary>
public static class AccessLog
{
    /// <summary>The stream id: a leading underscore can never be a study slug.</summary>
    public const string StreamId = "_access";

    /// <summary>The scope of a role that applies to every study.</summary>
    public const string AllStudies = "*";

    /// <summary>True for the ids of reserved streams, which are not studies.</summary>
    public static bool IsReserved(string streamId) => streamId.StartsWith('_');
}

/// <summary>A facilitator account was created.</summary>
/// <param name="Username">Login name (compared case-insensitively).</param>
/// <param name="PasswordHash">The password as hashed by the host (ASP.NET Core's password hasher); never the password.</param>
[Erasure.NotParticipantText("A facilitator's account.")]
public sealed record FacilitatorAccountCreated(string Username, string PasswordHash) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"account:{Username.ToLowerInvariant()}";
}

/// <summary>A facilitator's password was changed.</summary>
/// <param name="Username">Whose.</param>
/// <param name="PasswordHash">The new hash.</param>
[Erasure.NotParticipantText("A facilitator's account.")]
public sealed record FacilitatorPasswordChanged(string Username, string PasswordHash) : StudyEvent;

/// <summary>A facilitator was given a role in a study (or in every study, with scope <see cref="AccessLog.AllStudies"/>).</summary>
/// <param name="Username">Who.</param>
/// <param name="Scope">A study slug, or <see cref="AccessLog.AllStudies"/>.</param>
/// <param name="Role">The role; it replaces any earlier role in the same scope.</param>
[Erasure.NotParticipantText("A facilitator's role.")]
public sealed record FacilitatorRoleGranted(string Username, string Scope, FacilitatorRole Role) : StudyEvent;

/// <summary>A facilitator's role in a scope was taken away.</summary>
/// <param name="Username">Who.</param>
/// <param name="Scope">The scope.</param>
[Erasure.NotParticipantText("A facilitator's role.")]
public sealed record FacilitatorRoleRevoked(string Username, string Scope) : StudyEvent;

/// <summary>An account was disabled: it can no longer sign in, and its sessions stop working.</summary>
/// <param name="Username">Whose.</param>
[Erasure.NotParticipantText("A facilitator's account.")]
public sealed record FacilitatorAccountDisabled(string Username) : StudyEvent;

/// <summary>An API key was issued for one study's read endpoints. Only the hash of its secret is stored.</summary>
/// <param name="KeyId">The key's public id (the part before its secret).</param>
/// <param name="Scope">The study it reads.</param>
/// <param name="SecretHash">Hex SHA-256 of the key's secret.</param>
/// <param name="Label">What it is for ("RL team nightly").</param>
[Erasure.NotParticipantText("An API key's id and hash.")]
public sealed record ApiKeyIssued(string KeyId, string Scope, string SecretHash, string Label) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"apikey:{KeyId}";
}

/// <summary>An API key was revoked; it stops working at once.</summary>
/// <param name="KeyId">The key.</param>
[Erasure.NotParticipantText("An API key's id.")]
public sealed record ApiKeyRevoked(string KeyId) : StudyEvent;
