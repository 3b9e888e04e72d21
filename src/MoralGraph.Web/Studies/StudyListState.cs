using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;

namespace MoralGraph.Web.Studies;

/// <summary>A download offered for a study.</summary>
/// <param name="Label">What the link says, e.g. "GraphML".</param>
/// <param name="Url">Where it downloads from.</param>
public sealed record ExportLink(string Label, string Url);

/// <summary>
/// What the home page shows: the studies in the store and, for each, where to download its exports with
/// the chosen reconciliation profile. One per circuit; the studies themselves live in the store.
/// </summary>
/// <param name="catalog">The store's list of studies.</param>
public sealed class StudyListState(IStudyCatalog catalog)
{
    private static readonly Dictionary<string, string> FormatLabels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["json"] = "Alignment spec (JSON)",
        ["graphml"] = "GraphML",
        ["csv"] = "CSV tables (zip)",
        ["md"] = "Markdown report",
        ["mai"] = "MAI 2023 JSON",
        ["jsonl-preferences"] = "Preference pairs for training (JSONL, zip)",
        ["principles"] = "Principles per context (zip)",
    };

    /// <summary>The reconciliation profiles exports can use.</summary>
    public static IReadOnlyList<string> Profiles { get; } = ReconciliationProfiles.Names.Split('|');

    /// <summary>The studies, by slug; empty until <see cref="LoadAsync"/> has run.</summary>
    public IReadOnlyList<StudySummary> Studies { get; private set; } = [];

    /// <summary>True once the studies have been read.</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>The profile the export links use.</summary>
    public string Profile { get; set; } = DefaultProfile.ProfileName;

    /// <summary>Reads the studies from the store.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        Studies = await catalog.ListAsync(cancellationToken);
        IsLoaded = true;
    }

    /// <summary>What a download in <paramref name="format"/> is called on the pages ("GraphML").</summary>
    public static string LabelOf(string format) => FormatLabels.GetValueOrDefault(format, format);

    /// <summary>One download per export format for <paramref name="study"/>.</summary>
    public IReadOnlyList<ExportLink> ExportLinks(StudySummary study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return ExportFormats.All
            .Select(format => new ExportLink(LabelOf(format.Name), StudyLinks.Export(study.Slug, format.Name, Profile)))
            .ToList();
    }
}
