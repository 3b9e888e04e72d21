using MoralGraph.Core.Export;

namespace MoralGraph.Core.Events;

/// <summary>
/// A facilitator downloaded an export from the console. Kept in the study's stream, so who handed out which result
/// is audited, and so the next export can be compared with this one.
/// </summary>
/// <param name="Format">The format downloaded (<see cref="ExportFormats"/>).</param>
/// <param name="Summary">What the export said: content hash, fingerprint, values and rankings.</param>
[Erasure.NotParticipantText("What an export said, from values that exclude withdrawn participants.")]
public sealed record ExportRecorded(string Format, ExportSummary Summary) : StudyEvent;
