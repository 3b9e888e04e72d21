namespace MoralGraph.Core.Events;

/// <summary>An event as stored: its place in the log and its link in the hash chain.</summary>
/// <param name="Sequence">1-based position in the whole log.</param>
/// <param name="Event">The event.</param>
/// <param name="PayloadJson">The exact JSON that was hashed and stored.</param>
/// <param name="PreviousHash">Hash of the event before (64 zeros for the first).</param>
/// <param name="Hash">SHA-256 over the previous hash, the sequence and the payload (see <see cref="EventHashChain"/>).</param>
public sealed record RecordedEvent(long Sequence, StudyEvent Event, string PayloadJson, string PreviousHash, string Hash);

/// <summary>Outcome of walking the whole hash chain.</summary>
/// <param name="IsIntact">True when every event's hash and link are right and no sequence number is missing.</param>
/// <param name="EventCount">Events checked.</param>
/// <param name="FirstBrokenSequence">The first event that failed, if any.</param>
/// <param name="Problem">What was wrong with it.</param>
public sealed record ChainVerification(bool IsIntact, long EventCount, long? FirstBrokenSequence, string? Problem)
{
    /// <summary>
    /// Hash of the last event when intact. Removing the newest events leaves a shorter chain that still verifies,
    /// so keep this head outside the store (a log, a ticket) and check it later with <c>audit verify --expect-head</c>.
    /// </summary>
    public string? HeadHash { get; init; }
}

/// <summary>
/// The append-only, hash-chained store of study events. When an append returns, the event is on disk.
/// Implementations must be safe for concurrent writers.
/// <para>
/// Appends are committed in the order in which <see cref="AppendAsync"/> and <see cref="AppendAllAsync"/> were
/// called: a call queues its events before it returns its task, whether or not that task is awaited, so two calls
/// made one after the other (from one thread, or from several under a lock) get sequence numbers in that order, and
/// the events of one call are consecutive in the log. Cancelling the wait does not unqueue the events.
/// </para>
/// <para>
/// An append that is refused (a conflicting idempotency key, a full disk) leaves nothing behind: none of its events
/// are stored and the hash chain is unchanged. When the store's disk is full, appends fail with an
/// <see cref="IOException"/> (the LiteDB store's <c>StoreFullException</c>) and succeed again once there is room,
/// without a restart. (Should the disk fail only after the events were written, the error names the events
/// that were recorded without being confirmed on disk.)
/// </para>
/// </summary>
public interface IEventLog
{
    /// <summary>
    /// Appends one event durably. If an event with the same <see cref="StudyEvent.IdempotencyKey"/> exists,
    /// nothing is written and that event is returned.
    /// </summary>
    Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default);

    /// <summary>Appends several events in one transaction: all are stored or none (used by imports).</summary>
    Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default);

    /// <summary>The events of one study, in order.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The events of one study after <paramref name="afterSequence"/>, in order: what a snapshot taken at that event
    /// does not hold. Stores should answer from an index, in time proportional to what is returned.
    /// </summary>
    async Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default) =>
        [.. (await ReadStudyAsync(studyId, cancellationToken).ConfigureAwait(false)).Where(e => e.Sequence > afterSequence)];

    /// <summary>Recomputes every hash and link from the first event on.</summary>
    Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default);

    /// <summary>The chain hash stored for event <paramref name="sequence"/>, or null when there is no such event.</summary>
    Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default);
}

/// <summary>A study as listed on the home page and by the API (a read model kept beside the log).</summary>
/// <param name="Slug">The study's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Phase">Its phase.</param>
/// <param name="QuestionCount">Number of questions.</param>
/// <param name="EventCount">Events stored for it.</param>
public sealed record StudySummary(string Slug, string Title, Studies.StudyPhase Phase, int QuestionCount, long EventCount);

/// <summary>Read model of the studies in the store.</summary>
public interface IStudyCatalog
{
    /// <summary>Every study, by slug.</summary>
    Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken = default);
}
