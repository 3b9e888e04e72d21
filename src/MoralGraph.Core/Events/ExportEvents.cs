using MoralGraph.Core.Export;

namespace MoralGraph.Core.Events;

/// <summary>
/// A facilitator downloaded an export from the console. Kept in the study's stream, so who handed out which result
/// is audited, and so the next export can be compared with this one.
/// </summary>
/// <param name="Format">The format downloaded (<see cref="ExportFormats"/>).</param>
/// <param name="Summary">What the export said: content hash, fingerprint, values and rankings.</param>
[Erasure.NotParticipantText("What an export said; its value titles are quoted text (MapQuotedText).")]
public sealed record ExportRecorded(string Format, ExportSummary Summary) : StudyEvent
{
    /// <inheritdoc />
    /// <remarks>The values' titles are their cards' words.</remarks>
    public override StudyEvent MapQuotedText(Erasure.QuotedTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var values = Summary.Values.Select(v => v.Quotes is { Count: > 0 } quoted && map("export.value-title", quoted, v.Title) is var title && !ReferenceEquals(title, v.Title) ? v with { Title = title } : v).ToList();
        return values.Select((v, i) => ReferenceEquals(v, Summary.Values[i])).All(same => same) ? this : this with { Summary = Summary with { Values = values } };
    }
}
