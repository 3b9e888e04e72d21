using System.Security.Claims;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Access;
using MoralGraph.Web.Seeding;

namespace MoralGraph.Web.Console;

/// <summary>A study as the console lists it.</summary>
/// <param name="Slug">Its id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Phase">Its phase.</param>
/// <param name="QuestionCount">Questions.</param>
/// <param name="Participants">Participants who joined and have not withdrawn.</param>
/// <param name="Permissions">What the facilitator looking may do in it.</param>
public sealed record ConsoleStudy(string Slug, string Title, StudyPhase Phase, int QuestionCount, int Participants, StudyPermissions Permissions);

/// <summary>A study's definition as the settings page edits it.</summary>
/// <param name="Study">The definition and phase now.</param>
/// <param name="Yaml">The definition as YAML (<see cref="StudyDefinitionWriter"/>).</param>
/// <param name="Permissions">What the facilitator looking may do.</param>
public sealed record StudyDefinitionView(Study Study, string Yaml, StudyPermissions Permissions);

/// <summary>The outcome of creating or revising a study: its slug when stored, otherwise every problem (warnings may come with success).</summary>
/// <param name="Slug">The study stored, or null when nothing was.</param>
/// <param name="Problems">Problems, each naming its field.</param>
public sealed record StudyChange(string? Slug, IReadOnlyList<ValidationProblem> Problems)
{
    /// <summary>True when the change was stored.</summary>
    public bool Stored => Slug is not null;
}

/// <summary>
/// Creating studies and changing them from the console: the list a facilitator may see, a new study from YAML (pasted,
/// uploaded, or one of the seed folder's files), a revised definition, phase changes and announcements. Every
/// method checks the caller's role in the study first and records the signed-in username as the actor.
/// </summary>
public sealed class StudyAdministration(
    IEventLog log,
    IStudyCatalog catalog,
    StudyStates states,
    ModerationService moderation,
    ConsoleAuthorization authorization,
    IOptions<StudySeedOptions> seedOptions,
    IHostEnvironment environment,
    TimeProvider time)
{
    /// <summary>The largest study file accepted (a study definition is a few kilobytes).</summary>
    public const int MaxYamlLength = 256 * 1024;

    /// <summary>The studies <paramref name="user"/> may read, with their phase and participants.</summary>
    public async Task<IReadOnlyList<ConsoleStudy>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var studies = new List<ConsoleStudy>();
        foreach (var summary in await catalog.ListAsync(cancellationToken))
        {
            var permissions = await authorization.PermissionsAsync(user, summary.Slug);
            if (!permissions.CanRead)
            {
                continue;
            }

            var participants = await states.ReadAsync(summary.Slug, (state, _) => state.Participation.ActiveCount, cancellationToken);
            studies.Add(new ConsoleStudy(summary.Slug, summary.Title, summary.Phase, summary.QuestionCount, participants, permissions));
        }

        return studies;
    }

    /// <summary>True when <paramref name="user"/> may create studies (owner of every study).</summary>
    public Task<bool> CanCreateAsync(ClaimsPrincipal user) => authorization.AllowsAsync(user, null, StudyAccess.Administrator);

    /// <summary>Creates a study from YAML; refused with a problem when the slug is taken.</summary>
    public async Task<StudyChange> CreateAsync(ClaimsPrincipal user, string yaml, CancellationToken cancellationToken = default)
    {
        var actor = await authorization.RequireAsync(user, null, StudyAccess.Administrator);
        if (TooLong(yaml) is { } tooLong)
        {
            return tooLong;
        }

        var result = StudyDefinitionReader.Read(yaml);
        if (!result.IsValid)
        {
            return new StudyChange(null, result.Problems);
        }

        // A reserved slug (the console's access page) is refused by the reader, with the file and the command line.
        var study = result.Value!;
        if ((await log.ReadStudyAsync(study.Slug, cancellationToken)).Count > 0)
        {
            return new StudyChange(null, [new("slug", $"There is already a study '{study.Slug}': change it from its settings page, or choose another slug.") { Code = "SlugTaken", Arguments = [study.Slug] }]);
        }

        // The definition and its seed values in one transaction: a study is never created half.
        await log.AppendAllAsync(StudyDefinitionEvents.For(study, time.GetUtcNow(), actor), cancellationToken);
        return new StudyChange(study.Slug, result.Problems);
    }

    /// <summary>The study files (<c>*.yaml</c>) of the seed folder that can be imported, by file name.</summary>
    public IReadOnlyList<string> ImportableFiles()
    {
        var folder = SeedFolder();
        return folder is null || !Directory.Exists(folder)
            ? []
            : Directory.EnumerateFiles(folder, "*.yaml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Creates a study from one of <see cref="ImportableFiles"/>.</summary>
    public async Task<StudyChange> ImportAsync(ClaimsPrincipal user, string fileName, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, null, StudyAccess.Administrator);
        // Only a name from the listing: a path from the page never reaches the file system.
        if (!ImportableFiles().Contains(fileName, StringComparer.Ordinal))
        {
            return new StudyChange(null, [new("file", $"'{fileName}' is not a study file of the seed folder.") { Code = "NotSeedFile", Arguments = [fileName] }]);
        }

        var yaml = await File.ReadAllTextAsync(Path.Combine(SeedFolder()!, fileName), cancellationToken);
        var change = await CreateAsync(user, yaml, cancellationToken);
        return change with { Problems = change.Problems.Select(p => p with { Field = $"{fileName}: {p.Field}" }).ToList() };
    }

    /// <summary>The study's definition as YAML, or null when there is no such study or <paramref name="user"/> may not read it.</summary>
    public async Task<StudyDefinitionView?> DefinitionAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        var permissions = await authorization.PermissionsAsync(user, slug);
        if (!permissions.CanRead)
        {
            return null;
        }

        var study = await states.ReadAsync(slug, (state, _) => state.Study, cancellationToken);
        return study is null ? null : new StudyDefinitionView(study, StudyDefinitionWriter.Write(study), permissions);
    }

    /// <summary>
    /// Replaces the study's definition with <paramref name="yaml"/> (owner of the study): the slug stays, the phase is
    /// not changed by the definition, and contexts that were voted in stay (<see cref="StudyDefinitionEvents.Revise"/>).
    /// </summary>
    public async Task<StudyChange> ReviseAsync(ClaimsPrincipal user, string slug, string yaml, CancellationToken cancellationToken = default)
    {
        var actor = await authorization.RequireAsync(user, slug, StudyAccess.Owner);
        if (TooLong(yaml) is { } tooLong)
        {
            return tooLong;
        }

        var result = StudyDefinitionReader.Read(yaml);
        if (!result.IsValid)
        {
            return new StudyChange(null, result.Problems);
        }

        var revision = await states.ReadAsync(slug, (state, _) => StudyDefinitionEvents.Revise(state, result.Value!, time.GetUtcNow(), actor), cancellationToken)
            ?? throw new ConsoleAccessDeniedException($"There is no study '{slug}'.") { Code = "NoStudy", Arguments = [slug] };
        if (!revision.IsValid)
        {
            return new StudyChange(null, revision.Problems);
        }

        await log.AppendAllAsync(revision.Value!, cancellationToken);
        return new StudyChange(slug, [.. result.Problems, .. revision.Problems]);
    }

    /// <summary>Moves the study to a later phase (facilitator of the study).</summary>
    public async Task ChangePhaseAsync(ClaimsPrincipal user, string slug, StudyPhase phase, CancellationToken cancellationToken = default)
    {
        var actor = await authorization.RequireAsync(user, slug, StudyAccess.Facilitator);
        await moderation.ChangePhaseAsync(slug, phase, actor, cancellationToken);
    }

    /// <summary>Sends a short message to every participant of the study (facilitator of the study).</summary>
    public async Task AnnounceAsync(ClaimsPrincipal user, string slug, string text, CancellationToken cancellationToken = default)
    {
        var actor = await authorization.RequireAsync(user, slug, StudyAccess.Facilitator);
        await moderation.AnnounceAsync(slug, text, actor, cancellationToken);
    }

    private string? SeedFolder() => seedOptions.Value.ResolveDirectory(environment.ContentRootPath);

    private static StudyChange? TooLong(string? yaml) => (yaml?.Length ?? 0) > MaxYamlLength
        ? new StudyChange(null, [new("document", $"A study definition has at most {MaxYamlLength / 1024} KB; this one has {yaml!.Length / 1024} KB.") { Code = "DocumentTooLarge", Arguments = [MaxYamlLength / 1024, yaml.Length / 1024] }])
        : null;
}
