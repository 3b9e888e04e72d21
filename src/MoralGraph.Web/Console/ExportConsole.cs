using System.Security.Claims;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Web.Access;
using MoralGraph.Web.Studies;

namespace MoralGraph.Web.Console;

/// <summary>One download on the exports page.</summary>
/// <param name="Format">The format's name (<see cref="ExportFormats"/>).</param>
/// <param name="Label">What the button says.</param>
/// <param name="Url">The export endpoint's address for this format and profile.</param>
public sealed record ExportDownload(string Format, string Label, string Url);

/// <summary>A study's export as it would be downloaded now, and how it differs from the previous recorded export.</summary>
/// <param name="Slug">The study.</param>
/// <param name="Profile">The reconciliation profile.</param>
/// <param name="Current">What the export says now: content hash, fingerprint, values and rankings.</param>
/// <param name="AppliedThrough">The last event it was built from.</param>
/// <param name="Downloads">One download per format.</param>
/// <param name="Previous">The latest export recorded from the console with this profile, if any.</param>
/// <param name="Comparison">What changed since <paramref name="Previous"/>; null when there is none.</param>
public sealed record ExportOverview(
    string Slug, string Profile, ExportSummary Current, long AppliedThrough, IReadOnlyList<ExportDownload> Downloads,
    ExportRecorded? Previous, ExportComparison? Comparison);

/// <summary>
/// The exports page: the spec built on the server the way the export endpoint builds it, its content hash and
/// algorithm fingerprint, and a record (<see cref="ExportRecorded"/>) of each download the console makes, so the next
/// one can be compared with it and the audit page says who handed out which result.
/// </summary>
public sealed class ExportConsole(IEventLog log, StudyStates states, ConsoleAuthorization authorization, TimeProvider time)
{
    /// <summary>What the study's export says now with <paramref name="profile"/> (observer of the study); null when there is no such study.</summary>
    public async Task<ExportOverview?> OverviewAsync(ClaimsPrincipal user, string slug, string profile, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, slug, StudyAccess.Observer);
        var reconciliation = ReconciliationProfiles.Find(profile) ?? throw new ArgumentException($"'{profile}' is not a reconciliation profile; use {ReconciliationProfiles.Names}.", nameof(profile));
        var read = await states.ReadAsync(slug, (state, through) => (Snapshot: state.ToSnapshot(), Previous: state.LatestExports.GetValueOrDefault(reconciliation.Name), Through: through), cancellationToken);
        if (read.Snapshot is null)
        {
            return null;
        }

        // Reconciled outside the state's lock: the snapshot is a copy, and the bootstrap takes a while on a big study.
        var spec = await Task.Run(() => ExportFormats.Prepare(read.Snapshot, reconciliation, time.GetUtcNow(), cancellationToken).Spec, cancellationToken);
        var current = ExportSummary.Of(spec);
        var downloads = ExportFormats.All.Select(f => new ExportDownload(f.Name, StudyListState.LabelOf(f.Name), StudyLinks.Export(slug, f.Name, reconciliation.Name))).ToList();
        return new ExportOverview(slug, reconciliation.Name, current, read.Through, downloads, read.Previous,
            read.Previous is null ? null : ExportComparison.Compare(read.Previous.Summary, current));
    }

    /// <summary>
    /// Records that <paramref name="user"/> downloaded <paramref name="format"/> of <paramref name="overview"/> (observer of the
    /// study). When events arrived since the overview was built, the export is built again, so the record says what the
    /// download said.
    /// </summary>
    public async Task<ExportRecorded> RecordAsync(ClaimsPrincipal user, ExportOverview overview, string format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(overview);
        var actor = await authorization.RequireAsync(user, overview.Slug, StudyAccess.Observer);
        var exportFormat = ExportFormats.Find(format) ?? throw new ArgumentException($"'{format}' is not an export format; use {ExportFormats.Names}.", nameof(format));
        var through = await states.ReadAsync(overview.Slug, (_, applied) => applied, cancellationToken);
        var summary = through == overview.AppliedThrough
            ? overview.Current
            : (await OverviewAsync(user, overview.Slug, overview.Profile, cancellationToken))?.Current ?? overview.Current;
        var recorded = new ExportRecorded(exportFormat.Name, summary) { StudyId = overview.Slug, OccurredAt = time.GetUtcNow(), Actor = actor };
        await log.AppendAsync(recorded, cancellationToken);
        return recorded;
    }
}
