using MoralGraph.Core.Assistance;

namespace MoralGraph.Core.Events;

/// <summary>
/// The streams of a study that its events belong to, for optimistic concurrency between several app instances that
/// write one log: a decision names the streams it read, and its append is refused when another writer appended to
/// any of them since. Streams are narrow so that participants voting on different instances never collide: each
/// participant has one, joins share <see cref="Seats"/> (capacity), and what facilitators and the study itself do is
/// <see cref="Study"/>, which every participant's decision reads (a phase change or a hidden card must not be missed).
/// </summary>
public static class StudyStreams
{
    /// <summary>The study as a whole: its definition, phase, moderation, values and merges.</summary>
    public const string Study = "study";

    /// <summary>Joins, read by a join when the study or its invite code has a capacity.</summary>
    public const string Seats = "seats";

    /// <summary>Append-only records no decision reads (model usage, exports, transition stories).</summary>
    public const string Records = "records";

    /// <summary>One participant's own stream.</summary>
    public static string Participant(string participantId) => "participant/" + participantId;

    /// <summary>The streams <paramref name="studyEvent"/> is appended to. A pure function of the event, so every instance agrees.</summary>
    public static IReadOnlyList<string> Of(StudyEvent studyEvent)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        return studyEvent switch
        {
            ParticipantJoined joined => [Participant(joined.ParticipantId), Seats],
            QuestionChosen e => [Participant(e.ParticipantId)],
            InterviewMessagePosted e => [Participant(e.ParticipantId)],
            CardDraftSaved e => [Participant(e.ParticipantId)],
            ValueMembershipAnswered e => [Participant(e.ParticipantId)],
            VoteItemsDrawn e => [Participant(e.ParticipantId)],
            SurveyAnswered e => [Participant(e.ParticipantId)],
            CardSubmitted e => [Participant(e.ParticipantId)],
            VoteCast e => [Participant(e.Vote.ParticipantId)],
            ParticipantWithdrew e => [Participant(e.ParticipantId)],
            ModelUsageRecorded or ExportRecorded or TransitionStoryWritten or ValueTranslated => [Records],
            _ => [Study],
        };
    }
}

/// <summary>
/// The condition of an append to a shared log: no other writer appended an event of the study in any of
/// <paramref name="Streams"/> after <paramref name="AfterSequence"/>, the last event of the study the deciding state
/// had followed. (The writer's own events need no check: its state applied them as it queued them.)
/// </summary>
/// <param name="Streams">The streams the decision read (see <see cref="StudyStreams"/>).</param>
/// <param name="AfterSequence">Every other writer's event of the study up to this sequence was in the deciding state.</param>
public sealed record AppendCondition(IReadOnlyList<string> Streams, long AfterSequence);

/// <summary>Another writer appended to a stream a decision read, after the state it was made on: decide again.</summary>
/// <param name="studyId">The study.</param>
/// <param name="stream">The first stream found changed.</param>
/// <param name="sequence">The other writer's event in it.</param>
public sealed class StreamConflictException(string studyId, string stream, long sequence)
    : InvalidOperationException($"Study '{studyId}' changed elsewhere: event {sequence} in stream '{stream}' was appended after this decision's state.")
{
    /// <summary>The study.</summary>
    public string StudyId { get; } = studyId;

    /// <summary>The stream found changed.</summary>
    public string Stream { get; } = stream;

    /// <summary>The other writer's event.</summary>
    public long Sequence { get; } = sequence;
}

/// <summary>Events were committed to a shared log.</summary>
/// <param name="StudyId">Their study (or reserved stream), or null when anything may have changed (the notification channel was lost and is back).</param>
/// <param name="Sequence">The last of them.</param>
/// <param name="WriterId">The writer that appended them (<see cref="ISharedEventLog.WriterId"/>).</param>
public sealed record StudyAppended(string? StudyId, long Sequence, string WriterId);

/// <summary>
/// An event log that several app instances write at once (the PostgreSQL store). Besides what every log does, it refuses
/// an append whose <see cref="AppendCondition"/> does not hold, and tells each instance what the others appended, so
/// every instance keeps its per-study states current by reading only the new events.
/// </summary>
public interface ISharedEventLog : IEventLog
{
    /// <summary>This writer's id, unique to the process (recorded with each event it appends).</summary>
    string WriterId { get; }

    /// <summary>
    /// Appends events, all of one study, in one transaction, if <paramref name="condition"/> holds when they are
    /// committed; otherwise nothing is stored and the task fails with <see cref="StreamConflictException"/>. Queued in call
    /// order with every other append, as <see cref="IEventLog.AppendAllAsync"/>. An idempotency key already stored answers
    /// with the stored event, as there.
    /// </summary>
    Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, AppendCondition condition, CancellationToken cancellationToken = default);

    /// <summary>
    /// The events of one study after <paramref name="afterSequence"/> that other writers appended, in order: what an
    /// instance's state lacks once it has applied its own events as it queued them. Sequence numbers are given in commit
    /// order, so what this returns is everything other writers committed up to the moment it reads.
    /// </summary>
    Task<IReadOnlyList<RecordedEvent>> ReadStudyFromOthersAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="onAppended"/> after events of any writer, this one included, are committed (notifications may
    /// be coalesced: each names the last event of a burst). Dispose the result to stop.
    /// </summary>
    IDisposable Follow(Action<StudyAppended> onAppended);
}
