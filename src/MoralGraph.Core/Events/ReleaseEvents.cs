namespace MoralGraph.Core.Events;

/// <summary>
/// A facilitator published a release of the study's alignment spec: <c>v1</c>, <c>v2</c>, … in order, each naming the
/// one before. Immutable: the release id is the idempotency key, so a second <c>v2</c> is refused (or answered with the
/// first when it is a replay of the same submission).
/// <para>
/// The spec's bytes are not stored: the event says how to make them again (the study's events through
/// <see cref="ThroughSequence"/>, the profile, <see cref="ReleasedAt"/> as <c>generatedAt</c>, this release's ids) and
/// <see cref="SpecSha256"/> checks that the result is the same file. Storing the bytes would put every participant's
/// words in clear beside a log that encrypts them per participant and erases them on withdrawal; regenerated (with every
/// withdrawal made since applied), a release honours a later withdrawal, and the hash then says truthfully that it no
/// longer reproduces.
/// </para>
/// </summary>
/// <param name="ReleaseId">This release (<c>v1</c>, <c>v2</c>, …).</param>
/// <param name="PreviousReleaseId">The study's release before it, or null for the first.</param>
/// <param name="Note">The facilitator's note: what this release is for, what changed.</param>
/// <param name="Profile">The reconciliation profile.</param>
/// <param name="ThroughSequence">The study's last event the spec was built from (its position in the whole log).</param>
/// <param name="SpecSha256">SHA-256 of the exact bytes of the released spec's JSON, as <c>sha256:</c> and lowercase hex.</param>
/// <param name="ContentHash">The spec's own <c>contentHash</c> (the content without <c>generatedAt</c>).</param>
/// <param name="Fingerprint">The algorithm fingerprint (profile, knobs, code version): the build that reproduces the bytes.</param>
[Erasure.NotParticipantText("Release ids, hashes, a profile and a facilitator's note.")]
public sealed record SpecReleased(
    string ReleaseId, string? PreviousReleaseId, string Note, string Profile, long ThroughSequence, string SpecSha256, string ContentHash, string Fingerprint) : StudyEvent
{
    /// <summary>When the release was made: the spec's <c>generatedAt</c> (the event's time, to the tick).</summary>
    public DateTimeOffset ReleasedAt => OccurredAt;

    /// <inheritdoc />
    public override string? IdempotencyKey => $"release:{StudyId}:{ReleaseId}";
}
