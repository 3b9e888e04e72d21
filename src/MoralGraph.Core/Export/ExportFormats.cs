using MoralGraph.Core.Events;
using MoralGraph.Core.Reconciliation;

namespace MoralGraph.Core.Export;

/// <summary>Everything an export format may draw on.</summary>
/// <param name="Snapshot">The study, values and effective votes.</param>
/// <param name="Result">The reconciliation.</param>
/// <param name="Spec">The alignment spec built from both.</param>
public sealed record ExportInput(MoralGraphSnapshot Snapshot, ReconciliationResult Result, AlignmentSpec Spec);

/// <summary>One way of writing the moral graph out.</summary>
public interface IExportFormat
{
    /// <summary>Name used by <c>--format</c> and <c>?format=</c>.</summary>
    string Name { get; }

    /// <summary>HTTP media type.</summary>
    string MediaType { get; }

    /// <summary>File extension including the dot.</summary>
    string FileExtension { get; }

    /// <summary>Writes the export.</summary>
    Task WriteAsync(ExportInput input, Stream output, CancellationToken cancellationToken = default);
}

/// <summary>The export formats MoralGraph offers.</summary>
public static class ExportFormats
{
    /// <summary>Every format, by name.</summary>
    public static IReadOnlyList<IExportFormat> All { get; } =
        [new JsonSpecFormat(), new GraphMlFormat(), new CsvFormat(), new MarkdownFormat(), new MaiFormat(), new TrainingData.JsonlPreferencesFormat(), new TrainingData.PrinciplesFormat()];

    /// <summary>Names accepted by <see cref="Find"/>.</summary>
    public static string Names => string.Join("|", All.Select(f => f.Name));

    /// <summary>The format called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IExportFormat? Find(string? name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Builds the input of every format from a snapshot and a profile.</summary>
    public static ExportInput Prepare(MoralGraphSnapshot snapshot, IReconciliationProfile profile, DateTimeOffset? generatedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var result = profile.Reconcile(snapshot, cancellationToken);
        return new ExportInput(snapshot, result, AlignmentSpecBuilder.Build(snapshot, result, generatedAt));
    }
}

/// <summary>Alignment spec v1 as JSON with its content hash.</summary>
public sealed class JsonSpecFormat : IExportFormat
{
    /// <inheritdoc />
    public string Name => "json";

    /// <inheritdoc />
    public string MediaType => "application/json";

    /// <inheritdoc />
    public string FileExtension => ".json";

    /// <inheritdoc />
    public async Task WriteAsync(ExportInput input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await AlignmentSpecJson.WriteAsync(input.Spec, output, cancellationToken);
    }
}

/// <summary>Resolves the profile named on a command line or query string.</summary>
public static class ReconciliationProfiles
{
    /// <summary>Accepted names.</summary>
    public static string Names => $"{DefaultProfile.ProfileName}|{Mai2023Profile.ProfileName}|{BridgingProfile.ProfileName}";

    /// <summary>The profile called <paramref name="name"/>, or null.</summary>
    public static IReconciliationProfile? Find(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or DefaultProfile.ProfileName => new DefaultProfile(),
        Mai2023Profile.ProfileName => new Mai2023Profile(),
        BridgingProfile.ProfileName => new BridgingProfile(),
        _ => null,
    };
}
