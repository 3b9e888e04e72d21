using System.Security.Claims;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Localization;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;

namespace MoralGraph.Web.Console;

/// <summary>The console's study list: the studies a facilitator may see, and creating one from YAML or a study file.</summary>
public sealed class StudiesPageState(StudyAdministration administration)
{
    /// <summary>The studies, once loaded.</summary>
    public IReadOnlyList<ConsoleStudy> Studies { get; private set; } = [];

    /// <summary>True once loaded.</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>True when the facilitator may create studies (owner of every study).</summary>
    public bool CanCreate { get; private set; }

    /// <summary>The seed folder's study files, for owners of every study.</summary>
    public IReadOnlyList<string> ImportableFiles { get; private set; } = [];

    /// <summary>The new study's YAML as typed, pasted or uploaded.</summary>
    public string Yaml { get; set; } = string.Empty;

    /// <summary>Every problem of the last attempt, each naming its field.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; private set; } = [];

    /// <summary>Reads the list.</summary>
    public async Task LoadAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        Studies = await administration.ListAsync(user, cancellationToken);
        CanCreate = await administration.CanCreateAsync(user);
        ImportableFiles = CanCreate ? administration.ImportableFiles() : [];
        IsLoaded = true;
    }

    /// <summary>Puts an uploaded file's text in <see cref="Yaml"/>; a problem when it is too large.</summary>
    public async Task UploadAsync(IBrowserFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Size > StudyAdministration.MaxYamlLength)
        {
            Problems = [new("file", $"{file.Name} has {file.Size / 1024} KB; a study definition has at most {StudyAdministration.MaxYamlLength / 1024} KB.")
            {
                Code = "FileTooLarge", Arguments = [file.Name, file.Size / 1024, StudyAdministration.MaxYamlLength / 1024],
            }];
            return;
        }

        using var reader = new StreamReader(file.OpenReadStream(StudyAdministration.MaxYamlLength, cancellationToken));
        Yaml = await reader.ReadToEndAsync(cancellationToken);
        Problems = [];
    }

    /// <summary>Creates the study in <see cref="Yaml"/>; its slug when stored, otherwise null with <see cref="Problems"/> set.</summary>
    public Task<string?> CreateAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        ApplyAsync(user, administration.CreateAsync(user, Yaml, cancellationToken), cancellationToken);

    /// <summary>Creates the study of one of <see cref="ImportableFiles"/>.</summary>
    public Task<string?> ImportAsync(ClaimsPrincipal user, string fileName, CancellationToken cancellationToken = default) =>
        ApplyAsync(user, administration.ImportAsync(user, fileName, cancellationToken), cancellationToken);

    private async Task<string?> ApplyAsync(ClaimsPrincipal user, Task<StudyChange> change, CancellationToken cancellationToken)
    {
        var result = await change;
        Problems = result.Problems;
        if (result.Stored)
        {
            Yaml = string.Empty;
            await LoadAsync(user, cancellationToken);
        }

        return result.Slug;
    }
}

/// <summary>A study's settings page: its definition as YAML, its phase, and announcements; it says what happened in the console's language.</summary>
public sealed class SettingsPageState(StudyAdministration administration, IStringLocalizer<ConsoleText> text)
{
    /// <summary>The study's slug.</summary>
    public string Slug { get; private set; } = string.Empty;

    /// <summary>The definition now, or null when there is no such study (or it may not be read).</summary>
    public StudyDefinitionView? Definition { get; private set; }

    /// <summary>The YAML being edited.</summary>
    public string Yaml { get; set; } = string.Empty;

    /// <summary>Problems of the last save (errors refuse it; warnings come with a saved definition).</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; private set; } = [];

    /// <summary>What the last action did, for the page to say.</summary>
    public string? Message { get; private set; }

    /// <summary>True when the last action failed.</summary>
    public bool Failed { get; private set; }

    /// <summary>The announcement being written.</summary>
    public string Announcement { get; set; } = string.Empty;

    /// <summary>The phases the study may move to: the later ones only.</summary>
    public IReadOnlyList<StudyPhase> NextPhases => Definition is null ? [] : Enum.GetValues<StudyPhase>().Where(p => StudyPhases.CanMove(Definition.Study.Phase, p)).ToList();

    /// <summary>True when <see cref="Yaml"/> differs from the stored definition.</summary>
    public bool HasChanges => Definition is not null && Yaml != Definition.Yaml;

    /// <summary>Reads the study's definition.</summary>
    public async Task LoadAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        Slug = slug;
        Definition = await administration.DefinitionAsync(user, slug, cancellationToken);
        Yaml = Definition?.Yaml ?? string.Empty;
        Problems = [];
    }

    /// <summary>Stores <see cref="Yaml"/> as the study's definition; true when stored.</summary>
    public Task<bool> SaveAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        var change = await administration.ReviseAsync(user, Slug, Yaml, cancellationToken);
        Problems = change.Problems;
        if (!change.Stored)
        {
            return (false, text.Message("Settings.NotSaved", change.Problems.Count(p => p.Severity == ProblemSeverity.Error)));
        }

        var warnings = change.Problems;
        await LoadAsync(user, Slug, cancellationToken);
        Problems = warnings;
        return (true, text["Settings.Saved"]);
    });

    /// <summary>Moves the study to <paramref name="phase"/>; true when moved.</summary>
    public Task<bool> ChangePhaseAsync(ClaimsPrincipal user, StudyPhase phase, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        await administration.ChangePhaseAsync(user, Slug, phase, cancellationToken);
        var edited = HasChanges ? Yaml : null;
        await LoadAsync(user, Slug, cancellationToken);
        Yaml = edited ?? Yaml;
        return (true, text["Settings.PhaseChanged", text[$"Settings.Phase.{phase}"].Value]);
    });

    /// <summary>Sends <see cref="Announcement"/> to the study's participants; true when sent.</summary>
    public Task<bool> AnnounceAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        await administration.AnnounceAsync(user, Slug, Announcement, cancellationToken);
        Announcement = string.Empty;
        return (true, text["Settings.Announced"]);
    });

    private async Task<bool> RunAsync(Func<Task<(bool Done, string Message)>> action)
    {
        try
        {
            (var done, Message) = await action();
            Failed = !done;
            return done;
        }
        catch (Exception e) when (e is ModerationRefusedException or ConsoleAccessDeniedException)
        {
            (Failed, Message) = (true, ProblemText.For(text, e));
            return false;
        }
    }
}

/// <summary>A study's audit page: the filter, the page of events shown, and the hash chain's verification.</summary>
public sealed class AuditPageState(AuditTrail trail)
{
    /// <summary>The study.</summary>
    public string Slug { get; private set; } = string.Empty;

    /// <summary>The events read, or null before loading or when there is no such study.</summary>
    public AuditSnapshot? Snapshot { get; private set; }

    /// <summary>The types chosen (empty: all); <see cref="AuditEventTypes.ModerationGroup"/> stands for every moderation type.</summary>
    public IReadOnlyCollection<string> Types { get; set; } = [];

    /// <summary>Part of an actor's name.</summary>
    public string? Actor { get; set; }

    /// <summary>First day shown (UTC), inclusive.</summary>
    public DateTime? FromDate { get; set; }

    /// <summary>Last day shown (UTC), inclusive.</summary>
    public DateTime? ToDate { get; set; }

    /// <summary>Words to find.</summary>
    public string? Text { get; set; }

    /// <summary>The type filter's choices: the moderation group, then every event type.</summary>
    public static IReadOnlyList<string> TypeChoices { get; } = [AuditEventTypes.ModerationGroup, .. AuditEventTypes.All];

    /// <summary>The last verification of the hash chain, if run.</summary>
    public ChainVerification? Verification { get; private set; }

    /// <summary>The filter the fields above make.</summary>
    public AuditFilter Filter => new()
    {
        Types = Types.ToHashSet(StringComparer.Ordinal),
        Actor = Actor,
        From = FromDate is { } from ? new DateTimeOffset(DateTime.SpecifyKind(from.Date, DateTimeKind.Utc)) : null,
        To = ToDate is { } to ? new DateTimeOffset(DateTime.SpecifyKind(to.Date, DateTimeKind.Utc)).AddDays(1) : null,
        Text = Text,
    };

    /// <summary>True when any criterion is set.</summary>
    public bool IsFiltered => Types.Count > 0 || !string.IsNullOrWhiteSpace(Actor) || FromDate is not null || ToDate is not null || !string.IsNullOrWhiteSpace(Text);

    /// <summary>Reads the study's events (again, when new ones arrived since).</summary>
    public async Task LoadAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        if (slug != Slug)
        {
            ClearFilter();
            Verification = null;
        }

        Slug = slug;
        Snapshot = await trail.SnapshotAsync(user, slug, cancellationToken);
    }

    /// <summary>One page (0-based) of the events matching <see cref="Filter"/>, newest first unless <paramref name="oldestFirst"/>.</summary>
    public AuditPage Page(int page, int pageSize, bool oldestFirst = false) =>
        Snapshot?.Query(Filter, page * pageSize, pageSize, oldestFirst) ?? new AuditPage([], 0);

    /// <summary>Empties every criterion.</summary>
    public void ClearFilter()
    {
        Types = [];
        Actor = null;
        FromDate = ToDate = null;
        Text = null;
    }

    /// <summary>Recomputes the whole log's hash chain.</summary>
    public async Task VerifyAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        Verification = await trail.VerifyAsync(user, Slug, cancellationToken);

    /// <summary>
    /// What the verification says, as <c>moralgraph audit verify</c> says it. The chain runs through every study's events,
    /// so its count is the store's, not the table's: the text says so, or the two numbers on the page seem to disagree.
    /// </summary>
    public PageMessage? VerificationText => Verification switch
    {
        null => null,
        { IsIntact: true } v => PageMessage.Of("Audit.Verification.Intact", v.EventCount, v.HeadHash),
        var v => PageMessage.Of("Audit.Verification.Broken", v.FirstBrokenSequence, v.Problem, v.EventCount),
    };
}

/// <summary>A study's exports page: the export as it stands, and each download recorded.</summary>
public sealed class ExportsPageState(ExportConsole exports)
{
    /// <summary>The reconciliation profiles to choose from.</summary>
    public static IReadOnlyList<string> Profiles { get; } = Core.Export.ReconciliationProfiles.Names.Split('|');

    /// <summary>The study.</summary>
    public string Slug { get; private set; } = string.Empty;

    /// <summary>The profile the exports are reconciled with.</summary>
    public string Profile { get; private set; } = Profiles[0];

    /// <summary>The export now and its comparison with the previous one; null before loading or when there is no such study.</summary>
    public ExportOverview? Overview { get; private set; }

    /// <summary>The downloads recorded since the page opened, newest first.</summary>
    public IReadOnlyList<ExportRecorded> Recorded { get; private set; } = [];

    /// <summary>Builds the export of <paramref name="slug"/> with <paramref name="profile"/> (the current profile when null).</summary>
    public async Task LoadAsync(ClaimsPrincipal user, string slug, string? profile = null, CancellationToken cancellationToken = default)
    {
        if (slug != Slug)
        {
            Recorded = [];
        }

        Slug = slug;
        Profile = profile ?? Profile;
        Overview = null;
        Overview = await exports.OverviewAsync(user, slug, Profile, cancellationToken);
    }

    /// <summary>Records a download of <paramref name="format"/>; the page keeps showing the comparison it had.</summary>
    public async Task RecordAsync(ClaimsPrincipal user, string format, CancellationToken cancellationToken = default)
    {
        if (Overview is { } overview)
        {
            Recorded = [await exports.RecordAsync(user, overview, format, cancellationToken), .. Recorded];
        }
    }
}

/// <summary>
/// The access page: accounts, roles and API keys the facilitator manages, and the forms that change them; it says what
/// happened in the console's language.
/// </summary>
public sealed class AccessPageState(AccessAdministration administration, IStringLocalizer<ConsoleText> text)
{
    /// <summary>What the facilitator sees, once loaded.</summary>
    public AccessView? View { get; private set; }

    /// <summary>The new account's name.</summary>
    public string NewUsername { get; set; } = string.Empty;

    /// <summary>The new account's password.</summary>
    public string NewPassword { get; set; } = string.Empty;

    /// <summary>The scope of the role given to a new account or granted.</summary>
    public string Scope { get; set; } = string.Empty;

    /// <summary>The role given to a new account or granted.</summary>
    public Core.Access.FacilitatorRole Role { get; set; } = Core.Access.FacilitatorRole.Observer;

    /// <summary>The study a new API key reads.</summary>
    public string KeyStudy { get; set; } = string.Empty;

    /// <summary>What a new API key is for.</summary>
    public string KeyLabel { get; set; } = string.Empty;

    /// <summary>The API key just issued: shown once, gone on the next action or reload.</summary>
    public string? IssuedKey { get; private set; }

    /// <summary>What the last action did.</summary>
    public string? Message { get; private set; }

    /// <summary>True when the last action was refused.</summary>
    public bool Failed { get; private set; }

    /// <summary>The studies (not <see cref="Core.Access.AccessLog.AllStudies"/>) the facilitator may issue keys for.</summary>
    public IReadOnlyList<string> KeyStudies => View?.Scopes.Where(s => s != Core.Access.AccessLog.AllStudies).ToList() ?? [];

    /// <summary>Reads what the facilitator manages; a key issued before is not shown again.</summary>
    public async Task LoadAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        (IssuedKey, Message, Failed) = (null, null, false);
        View = await administration.ViewAsync(user, cancellationToken);
        if (!View.Scopes.Contains(Scope))
        {
            Scope = View.Scopes.Count > 0 ? View.Scopes[0] : string.Empty;
        }

        if (!KeyStudies.Contains(KeyStudy))
        {
            KeyStudy = KeyStudies.Count > 0 ? KeyStudies[0] : string.Empty;
        }
    }

    /// <summary>Creates the account in the form with <see cref="Role"/> in <see cref="Scope"/>.</summary>
    public Task<bool> CreateAccountAsync(ClaimsPrincipal user) => RunAsync(user, async () =>
    {
        await administration.CreateAccountAsync(user, NewUsername, NewPassword, Scope, Role);
        string message = text["Access.Done.Created", NewUsername.Trim(), Describe(Role, Scope)];
        (NewUsername, NewPassword) = (string.Empty, string.Empty);
        return message;
    });

    /// <summary>Gives <paramref name="username"/> <see cref="Role"/> in <see cref="Scope"/>.</summary>
    public Task<bool> GrantAsync(ClaimsPrincipal user, string username) => RunAsync(user, async () =>
    {
        await administration.GrantAsync(user, username, Scope, Role);
        return text["Access.Done.Granted", username, Describe(Role, Scope)];
    });

    /// <summary>Takes <paramref name="username"/>'s role in <paramref name="scope"/> away.</summary>
    public Task<bool> RevokeAsync(ClaimsPrincipal user, string username, string scope) => RunAsync(user, async () =>
    {
        await administration.RevokeAsync(user, username, scope);
        return text["Access.Done.Revoked", username, ScopeName(scope)];
    });

    /// <summary>Disables <paramref name="username"/>.</summary>
    public Task<bool> DisableAsync(ClaimsPrincipal user, string username) => RunAsync(user, async () =>
    {
        await administration.DisableAsync(user, username);
        return text["Access.Done.Disabled", username];
    });

    /// <summary>Issues a key for <see cref="KeyStudy"/> labelled <see cref="KeyLabel"/>; it is in <see cref="IssuedKey"/> until the next action.</summary>
    public Task<bool> IssueApiKeyAsync(ClaimsPrincipal user) => RunAsync(user, async () =>
    {
        var key = await administration.IssueApiKeyAsync(user, KeyStudy, KeyLabel);
        KeyLabel = string.Empty;
        IssuedKey = key;
        return text["Access.Done.KeyIssued", KeyStudy];
    });

    /// <summary>Revokes the API key <paramref name="keyId"/>.</summary>
    public Task<bool> RevokeApiKeyAsync(ClaimsPrincipal user, string keyId) => RunAsync(user, async () =>
    {
        await administration.RevokeApiKeyAsync(user, keyId);
        return text["Access.Done.KeyRevoked", keyId];
    });

    /// <summary>A scope as the page names it: a study's slug, or "every study" in the console's language.</summary>
    public string ScopeName(string scope) => scope == Core.Access.AccessLog.AllStudies ? text["Access.EveryStudy"] : scope;

    /// <summary>A role as the page names it, in the console's language.</summary>
    public string RoleName(Core.Access.FacilitatorRole role) => text[$"Access.Role.{role}"];

    private string Describe(Core.Access.FacilitatorRole role, string scope) => text["Access.RoleIn", RoleName(role), ScopeName(scope)];

    private async Task<bool> RunAsync(ClaimsPrincipal user, Func<Task<string>> action)
    {
        IssuedKey = null;
        try
        {
            Message = await action();
            Failed = false;
        }
        catch (Exception e) when (e is Core.Access.AccessChangeRefusedException or ConsoleAccessDeniedException)
        {
            (Message, Failed) = (ProblemText.For(text, e), true);
        }

        var (issued, message, failed) = (IssuedKey, Message, Failed);
        await LoadAsync(user);
        (IssuedKey, Message, Failed) = (issued, message, failed);
        return !failed;
    }
}
