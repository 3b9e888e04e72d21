using System.Security.Cryptography;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;

namespace MoralGraph.Core.Releases;

/// <summary>A release's spec made again from the log, and whether its bytes are the ones released.</summary>
/// <param name="Release">The release.</param>
/// <param name="Spec">The spec as regenerated.</param>
/// <param name="SpecSha256">SHA-256 of the bytes regenerated.</param>
public sealed record RegeneratedRelease(SpecReleased Release, AlignmentSpec Spec, string SpecSha256)
{
    /// <summary>True when the bytes are the released ones; false after a participant whose words it held withdrew, or on another build.</summary>
    public bool Reproduces => SpecSha256 == Release.SpecSha256;
}

/// <summary>Another release took the id this one was to have (two facilitators at once): list the releases and publish again.</summary>
/// <param name="studyId">The study.</param>
/// <param name="releaseId">The id taken.</param>
/// <param name="inner">The log's refusal.</param>
public sealed class ReleaseConflictException(string studyId, string releaseId, Exception inner)
    : InvalidOperationException($"Release {releaseId} of study '{studyId}' was published by someone else meanwhile; list the releases and publish again.", inner);

/// <summary>
/// Publishes a study's spec as a release (<see cref="SpecReleased"/>) and makes released specs again, byte for byte, from
/// the log. Both build from the study's events replayed through a sequence, never from a live state, so publishing and
/// regenerating take the same path and give the same bytes.
/// </summary>
/// <param name="log">The event log (the app's <see cref="StudyStates"/> or a store).</param>
/// <param name="time">The clock that stamps releases.</param>
public sealed class StudyReleases(IEventLog log, TimeProvider time)
{
    /// <summary>The study's releases, oldest first; null when there is no such study.</summary>
    public async Task<IReadOnlyList<SpecReleased>?> ListAsync(string studyId, CancellationToken cancellationToken = default)
    {
        var events = await log.ReadStudyAsync(studyId, cancellationToken).ConfigureAwait(false);
        return events.Count == 0 ? null : [.. events.Select(e => e.Event).OfType<SpecReleased>()];
    }

    /// <summary>
    /// Publishes the study's spec as it stands now as its next release, with <paramref name="note"/>, reconciled with the
    /// profile called <paramref name="profileName"/> (<see cref="ReconciliationProfiles"/>); returns the event recorded.
    /// Null when there is no such study. A profile is taken by name, with its published knobs, because the release records
    /// only the name: a profile with other knobs could not be made again.
    /// </summary>
    public async Task<SpecReleased?> PublishAsync(string studyId, string note, string profileName, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(note);
        var profile = ReconciliationProfiles.Find(profileName)
            ?? throw new ArgumentException($"'{profileName}' is not a reconciliation profile; use {ReconciliationProfiles.Names}.", nameof(profileName));
        var events = await log.ReadStudyAsync(studyId, cancellationToken).ConfigureAwait(false);
        if (events.Count == 0)
        {
            return null;
        }

        var releases = events.Select(e => e.Event).OfType<SpecReleased>().ToList();
        var releaseId = $"v{releases.Count + 1}";
        var previous = releases.Count == 0 ? null : releases[^1].ReleaseId;
        var through = events[^1].Sequence;
        var releasedAt = time.GetUtcNow();
        var spec = Build(events, through, profile, releaseId, previous, releasedAt, cancellationToken);
        var (sha256, contentHash) = await WriteAsync(spec, Stream.Null, cancellationToken).ConfigureAwait(false);
        var released = new SpecReleased(releaseId, previous, note.Trim(), profile.Name, through, sha256, contentHash, spec.Algorithm.Fingerprint)
        {
            StudyId = studyId, OccurredAt = releasedAt, Actor = actor,
        };

        try
        {
            var recorded = await log.AppendAsync(released, cancellationToken).ConfigureAwait(false);
            return (SpecReleased)recorded.Event;
        }
        catch (InvalidOperationException e) when (e is not ReleaseConflictException)
        {
            // The release id is the idempotency key: another publisher's v{n} with other content is refused by the log.
            var now = await ListAsync(studyId, cancellationToken).ConfigureAwait(false);
            if (now?.Any(r => r.ReleaseId == releaseId) == true)
            {
                throw new ReleaseConflictException(studyId, releaseId, e);
            }

            throw;
        }
    }

    /// <summary>
    /// Makes release <paramref name="releaseId"/>'s spec again and writes it to <paramref name="output"/> (use
    /// <see cref="Stream.Null"/> to check it only). Null when the study or release does not exist.
    /// </summary>
    public async Task<RegeneratedRelease?> RegenerateAsync(string studyId, string releaseId, Stream output, CancellationToken cancellationToken = default)
    {
        var events = await log.ReadStudyAsync(studyId, cancellationToken).ConfigureAwait(false);
        var release = events.Select(e => e.Event).OfType<SpecReleased>().FirstOrDefault(r => r.ReleaseId == releaseId);
        if (release is null)
        {
            return null;
        }

        var profile = ReconciliationProfiles.Find(release.Profile)
            ?? throw new InvalidOperationException($"Release {releaseId} was made with profile '{release.Profile}', which this version does not have.");
        var spec = Build(events, release.ThroughSequence, profile, release.ReleaseId, release.PreviousReleaseId, release.ReleasedAt, cancellationToken);
        var (sha256, _) = await WriteAsync(spec, output, cancellationToken).ConfigureAwait(false);
        return new RegeneratedRelease(release, spec, sha256);
    }

    /// <summary>The spec of the live graph (no release id), as the export endpoint builds it; null when there is no such study.</summary>
    public async Task<AlignmentSpec?> LiveAsync(string studyId, IReconciliationProfile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var events = await log.ReadStudyAsync(studyId, cancellationToken).ConfigureAwait(false);
        return events.Count == 0 ? null : Build(events, events[^1].Sequence, profile, null, null, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Writes <paramref name="spec"/> as JSON and returns the SHA-256 of the bytes written and the spec's content hash.</summary>
    public static async Task<(string Sha256, string ContentHash)> WriteAsync(AlignmentSpec spec, Stream output, CancellationToken cancellationToken = default)
    {
        await using var hashing = new HashingStream(output);
        var contentHash = await AlignmentSpecJson.WriteAsync(spec, hashing, cancellationToken).ConfigureAwait(false);
        return (hashing.Hash(), contentHash);
    }

    private static AlignmentSpec Build(
        IReadOnlyList<RecordedEvent> events, long through, IReconciliationProfile profile, string? releaseId, string? previousReleaseId,
        DateTimeOffset generatedAt, CancellationToken cancellationToken)
    {
        // Withdrawals made since count too: a withdrawn participant's cards and votes are out of everything from then on,
        // a release made again included (it then no longer reproduces, and says so).
        var state = StudyState.Replay(events.Where(e => e.Sequence <= through || e.Event is ParticipantWithdrew).Select(e => e.Event));
        if (state.Study is null)
        {
            throw new InvalidOperationException($"The study's events through {through} do not define it.");
        }

        var spec = ExportFormats.Prepare(state.ToSnapshot(), profile, generatedAt, cancellationToken).Spec;
        return spec with { ReleaseId = releaseId, PreviousReleaseId = previousReleaseId };
    }

    /// <summary>Passes writes on and hashes them: the released bytes are hashed as they are written, never held.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string Hash() => "sha256:" + Convert.ToHexStringLower(_sha256.GetHashAndReset());

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _sha256.AppendData(buffer);
            inner.Write(buffer);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _sha256.AppendData(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _sha256.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
