using System.Security.Claims;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Releases;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Console;

/// <summary>
/// The releases page's work: list a study's releases (observers), publish the next one (facilitators), and compare two
/// releases or a release and the live graph (observers), each through <see cref="StudyReleases"/> over the live log.
/// </summary>
public sealed class ReleaseConsole(StudyStates states, ConsoleAuthorization authorization, TimeProvider time)
{
    /// <summary>What <see cref="CompareAsync"/> takes for the live graph.</summary>
    public const string Live = "live";

    /// <summary>The study's releases, oldest first; null when there is no such study.</summary>
    public async Task<IReadOnlyList<SpecReleased>?> ListAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, slug, StudyAccess.Observer);
        return await new StudyReleases(states, time).ListAsync(slug, cancellationToken);
    }

    /// <summary>True when <paramref name="user"/> may publish releases of the study.</summary>
    public Task<bool> MayPublishAsync(ClaimsPrincipal user, string slug) => authorization.AllowsAsync(user, slug, StudyAccess.Facilitator);

    /// <summary>Publishes the study's spec as its next release (facilitator of the study).</summary>
    public async Task<SpecReleased> PublishAsync(ClaimsPrincipal user, string slug, string note, string profile, CancellationToken cancellationToken = default)
    {
        var actor = await authorization.RequireAsync(user, slug, StudyAccess.Facilitator);
        if (string.IsNullOrWhiteSpace(note))
        {
            throw new ArgumentException("Say what this release is for.", nameof(note));
        }

        return await Task.Run(() => new StudyReleases(states, time).PublishAsync(slug, note, profile, actor, cancellationToken), cancellationToken)
            ?? throw new StudyNotFoundException(slug);
    }

    /// <summary>
    /// Compares release <paramref name="from"/> with release <paramref name="to"/>, or with the live graph when it is
    /// <see cref="Live"/>; null when either release does not exist.
    /// </summary>
    public async Task<SpecDiff?> CompareAsync(ClaimsPrincipal user, string slug, string from, string to, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, slug, StudyAccess.Observer);
        var releases = new StudyReleases(states, time);

        // Made again from the log and reconciled: off the circuit's thread.
        return await Task.Run(async () =>
        {
            var older = await releases.RegenerateAsync(slug, from, Stream.Null, cancellationToken);
            if (older is null)
            {
                return null;
            }

            var newer = to == Live
                ? await releases.LiveAsync(slug, ReconciliationProfiles.Find(older.Release.Profile)!, cancellationToken)
                : (await releases.RegenerateAsync(slug, to, Stream.Null, cancellationToken))?.Spec;
            return newer is null ? null : SpecDiff.Compare(older.Spec, newer, cancellationToken);
        }, cancellationToken);
    }
}

/// <summary>What the releases page shows: the study's releases, a publish form's outcome, and a comparison.</summary>
public sealed class ReleasesPageState(ReleaseConsole releases)
{
    /// <summary>The study.</summary>
    public string Slug { get; private set; } = string.Empty;

    /// <summary>Its releases, oldest first; null before loading or when there is no such study.</summary>
    public IReadOnlyList<SpecReleased>? Releases { get; private set; }

    /// <summary>True when the user may publish.</summary>
    public bool MayPublish { get; private set; }

    /// <summary>The last comparison made, and what it compared.</summary>
    public (string From, string To, SpecDiff Diff)? Comparison { get; private set; }

    /// <summary>A problem to show (a refused publication, a release not found).</summary>
    public PageMessage? Problem { get; private set; }

    /// <summary>Loads the study's releases.</summary>
    public async Task LoadAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        if (slug != Slug)
        {
            Comparison = null;
        }

        Slug = slug;
        Problem = null;
        Releases = await releases.ListAsync(user, slug, cancellationToken);
        MayPublish = await releases.MayPublishAsync(user, slug);
    }

    /// <summary>Publishes the next release with <paramref name="note"/>, then lists the releases again.</summary>
    public async Task PublishAsync(ClaimsPrincipal user, string note, CancellationToken cancellationToken = default)
    {
        // Said here in the facilitator's language; the service refuses a blank note too, for its other callers.
        if (string.IsNullOrWhiteSpace(note))
        {
            Problem = PageMessage.Of("Releases.Problem.NoNote");
            return;
        }

        try
        {
            await releases.PublishAsync(user, Slug, note, Core.Reconciliation.DefaultProfile.ProfileName, cancellationToken);
            await LoadAsync(user, Slug, cancellationToken);
        }
        catch (ReleaseConflictException)
        {
            await LoadAsync(user, Slug, cancellationToken);
            Problem = PageMessage.Of("Releases.Problem.Conflict");
        }
        catch (Exception e) when (e is ArgumentException or ConsoleAccessDeniedException)
        {
            Problem = PageMessage.Refused(e);
        }
    }

    /// <summary>Compares <paramref name="from"/> with <paramref name="to"/> (a release or <see cref="ReleaseConsole.Live"/>).</summary>
    public async Task CompareAsync(ClaimsPrincipal user, string from, string to, CancellationToken cancellationToken = default)
    {
        Problem = null;
        var diff = await releases.CompareAsync(user, Slug, from, to, cancellationToken);
        Comparison = diff is null ? null : (from, to, diff);
        Problem = diff is null ? PageMessage.Of("Releases.Problem.NotFound", from, to) : null;
    }
}
