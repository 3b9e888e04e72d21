using System.Globalization;
using System.IO.Compression;
using System.Text;
using MoralGraph.Core.Export;

namespace MoralGraph.Core.TrainingData;

/// <summary>
/// The README.md that goes with a training-data export (a dataset card in the Hugging Face layout: YAML front matter,
/// then what it is, how it was made, its licence, its counts), so the archive can be pushed to a dataset hub as is.
/// </summary>
public static class DatasetCard
{
    /// <summary>What the card says when the study names no licence.</summary>
    public const string NoLicense = "unknown";

    /// <summary>The card's text.</summary>
    /// <param name="input">What the export was made from.</param>
    /// <param name="kind">What the dataset is, e.g. "Preference pairs".</param>
    /// <param name="what">Paragraphs saying what it is.</param>
    /// <param name="how">Paragraphs saying how it was made.</param>
    /// <param name="files">Each file with what it holds.</param>
    /// <param name="counts">Each count with its name.</param>
    /// <param name="tags">Dataset hub tags.</param>
    /// <param name="contentHash">The spec's content hash.</param>
    public static string Write(
        ExportInput input, string kind, string what, string how, IReadOnlyList<(string File, string Holds)> files,
        IReadOnlyList<(string Name, long Count)> counts, IReadOnlyList<string> tags, string contentHash)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(tags);
        var inv = CultureInfo.InvariantCulture;
        var spec = input.Spec;
        var license = input.Snapshot.Study.License;
        var md = new StringBuilder();
        md.AppendLine("---");
        md.AppendLine(inv, $"license: {Yaml(license is null ? NoLicense : license.ToLowerInvariant())}");
        md.AppendLine(inv, $"pretty_name: {Yaml($"{spec.Study.Title}: {kind}")}");
        md.AppendLine(inv, $"language: [{string.Join(", ", spec.Study.Languages.Select(Yaml))}]");
        md.AppendLine(inv, $"tags: [{string.Join(", ", tags.Select(Yaml))}]");
        md.AppendLine("---");
        md.AppendLine();
        md.AppendLine(inv, $"# {spec.Study.Title}: {kind}");
        md.AppendLine();
        md.AppendLine(what.Trim());
        md.AppendLine();
        md.AppendLine("## Files");
        md.AppendLine();
        foreach (var (file, holds) in files)
        {
            md.AppendLine(inv, $"- `{file}`: {holds}");
        }

        md.AppendLine();
        md.AppendLine("## How it was made");
        md.AppendLine();
        var released = spec.ReleaseId is { } release ? $", release `{release}`." : " (the live graph, not a release).";
        md.AppendLine(inv, $"Participants of the study `{spec.Study.Slug}` wrote values cards and voted, per question and context, on whether moving from one value to another was wiser (Moral Graph Elicitation). The votes were reconciled with the `{spec.Algorithm.Profile}` profile (algorithm fingerprint `{spec.Algorithm.Fingerprint}`, code {spec.Algorithm.CodeVersion}) into the alignment spec with content hash `{contentHash}`{released}");
        md.AppendLine();
        md.AppendLine(how.Trim());
        md.AppendLine();
        md.AppendLine("## Licence");
        md.AppendLine();
        var licenseText = license is null
            ? "The study's owners have not named a licence (`license` in the study definition). Ask them before you publish or train on this data."
            : license + ", as the study's definition states.";
        md.AppendLine(licenseText);
        md.AppendLine();
        md.AppendLine("## Counts");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---:|");
        foreach (var (name, count) in counts.Concat([("participants in the study", (long)spec.Counts.Participants), ("values", spec.Counts.Values), ("votes", spec.Counts.Votes)]))
        {
            md.AppendLine(inv, $"| {name} | {count} |");
        }

        md.AppendLine();
        md.AppendLine("Participant ids are pseudonymous; the data holds no names or contact details. Red lines of the study take precedence over any preference or principle here.");
        return md.ToString();
    }

    /// <summary>Writes <paramref name="text"/> as a UTF-8 entry of <paramref name="archive"/>.</summary>
    public static async Task WriteEntryAsync(ZipArchive archive, string name, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        await using var stream = await OpenEntryAsync(archive, name, cancellationToken).ConfigureAwait(false);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
        await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a new entry, stamped with a fixed time so the same data gives the same bytes (as the csv export does).</summary>
    public static async Task<Stream> OpenEntryAsync(ZipArchive archive, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var entry = archive.CreateEntry(name, CompressionLevel.Fastest);
        entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Yaml(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
