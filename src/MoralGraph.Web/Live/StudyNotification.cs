using MoralGraph.Core.Events;

namespace MoralGraph.Web.Live;

/// <summary>
/// Something live watchers of a study should know about: an event was recorded, who is online changed, a new
/// reconciliation is ready, or the watcher fell behind and should re-read what it shows.
/// </summary>
/// <param name="StudyId">The study (or <see cref="StudyEventBroadcaster.AllStudies"/> for a resync of an all-studies feed).</param>
public abstract record StudyNotification(string StudyId);

/// <summary>An event was appended to the log (it is on disk). Published once per event, never for a replayed submission.</summary>
/// <param name="Recorded">The event as stored, with its sequence number in the whole log.</param>
/// <param name="FromOtherInstance">
/// True when another app instance appended it and this one followed it from the shared log; its own instance sends it to
/// the live hub's clients (through the Redis backplane when there is one).
/// </param>
public sealed record EventRecorded(RecordedEvent Recorded, bool FromOtherInstance = false) : StudyNotification(Recorded.Event.StudyId);

/// <summary>The participants online in a study, or the steps they are on, changed.</summary>
/// <param name="Presence">Who is online now.</param>
public sealed record PresenceChanged(StudyPresence Presence) : StudyNotification(Presence.StudyId);

/// <summary>A background reconciliation of the study finished; <see cref="LiveReconciliation.Latest"/> returns it.</summary>
/// <param name="Result">The new result.</param>
/// <param name="FromOtherInstance">True when another app instance computed it (it sends it to the hub's clients itself).</param>
public sealed record ReconciliationUpdated(LiveReconciliationResult Result, bool FromOtherInstance = false) : StudyNotification(Result.StudyId);

/// <summary>
/// The feed was full and its oldest notifications were dropped (the reader was too slow): whatever the reader keeps
/// must be re-read from the source (the log, <see cref="ParticipantPresence"/>, <see cref="LiveReconciliation"/>).
/// Only ever produced by a <see cref="StudyFeed"/>, never published.
/// </summary>
/// <param name="StudyId">The feed's study, or <see cref="StudyEventBroadcaster.AllStudies"/>.</param>
/// <param name="Dropped">How many notifications were lost.</param>
public sealed record ResyncNeeded(string StudyId, long Dropped) : StudyNotification(StudyId);
