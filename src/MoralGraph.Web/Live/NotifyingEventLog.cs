using MoralGraph.Core.Access;
using MoralGraph.Core.Events;

namespace MoralGraph.Web.Live;

/// <summary>
/// The app's <see cref="IEventLog"/>: the store it wraps does the writing; once an append is on disk, each event it
/// newly wrote is published to the <see cref="StudyEventBroadcaster"/>, once, in log order. A replayed submission
/// (the store returns the event it already had) is not published again, and neither are reserved streams such as
/// the facilitator accounts (password and key hashes never leave the log).
/// </summary>
/// <param name="inner">The store (the LiteDB log, which stays the owner of the file).</param>
/// <param name="broadcaster">Where recorded events go.</param>
public class NotifyingEventLog(IEventLog inner, StudyEventBroadcaster broadcaster) : IEventLog
{
    // Appends are published in the order they were handed to the store. The store commits in that order, so this is
    // log order, even though the callers' continuations run on the thread pool in any order: a dashboard applying the
    // events one by one must see a card before the facilitator hides it.
    private readonly Lock _order = new();
    private readonly Dictionary<long, IReadOnlyList<RecordedEvent>> _finished = [];
    private long _nextTicket;
    private long _nextToPublish;

    /// <summary>The store this log writes through.</summary>
    public IEventLog Inner => inner;

    /// <summary>The notifying log over <paramref name="store"/>: a shared one when the store is shared by several instances.</summary>
    public static NotifyingEventLog Over(IEventLog store, StudyEventBroadcaster broadcaster) =>
        store is ISharedEventLog shared ? new NotifyingSharedEventLog(shared, broadcaster) : new NotifyingEventLog(store, broadcaster);

    /// <inheritdoc />
    public async Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        var recorded = await AppendAllAsync([studyEvent], cancellationToken).ConfigureAwait(false);
        return recorded[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default) =>
        AppendInOrderAsync(studyEvents, () => inner.AppendAllAsync(studyEvents, CancellationToken.None), cancellationToken);

    /// <summary>Queues an append with the store (through <paramref name="append"/>) and publishes what it wrote, in queue order.</summary>
    protected Task<IReadOnlyList<RecordedEvent>> AppendInOrderAsync(IReadOnlyList<StudyEvent> studyEvents, Func<Task<IReadOnlyList<RecordedEvent>>> append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(studyEvents);
        ArgumentNullException.ThrowIfNull(append);
        cancellationToken.ThrowIfCancellationRequested();
        long ticket;
        Task<IReadOnlyList<RecordedEvent>> appending;
        lock (_order)
        {
            // Taking the ticket and queueing the append together is what makes ticket order the store's order.
            ticket = _nextTicket++;
            try
            {
                // The caller's token only stops the caller's wait below: once queued, the events are written, and
                // must then be published even if nobody waits for them any more.
                appending = append();
            }
            catch
            {
                FinishLocked(ticket, []);
                throw;
            }
        }

        return PublishWhenWrittenAsync(ticket, studyEvents, appending).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default) =>
        inner.ReadStudyAsync(studyId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default) =>
        inner.ReadStudyAsync(studyId, afterSequence, cancellationToken);

    /// <inheritdoc />
    public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => inner.VerifyAsync(cancellationToken);

    /// <inheritdoc />
    public Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default) => inner.HashAtAsync(sequence, cancellationToken);

    private async Task<IReadOnlyList<RecordedEvent>> PublishWhenWrittenAsync(long ticket, IReadOnlyList<StudyEvent> submitted, Task<IReadOnlyList<RecordedEvent>> appending)
    {
        IReadOnlyList<RecordedEvent> recorded;
        try
        {
            recorded = await appending.ConfigureAwait(false);
        }
        catch
        {
            Finish(ticket, []);
            throw;
        }

        Finish(ticket, NewlyWritten(submitted, recorded));
        return recorded;
    }

    /// <summary>
    /// The events this append wrote. The store hands back the caller's own instance for an event it wrote, and the
    /// stored one (read back, or the first of a group with the same key) for a replay. New events of one append have
    /// rising sequence numbers, which also catches one instance passed twice with the same key.
    /// </summary>
    private static List<RecordedEvent> NewlyWritten(IReadOnlyList<StudyEvent> submitted, IReadOnlyList<RecordedEvent> recorded)
    {
        var written = new List<RecordedEvent>(recorded.Count);
        var last = long.MinValue;
        for (var i = 0; i < recorded.Count && i < submitted.Count; i++)
        {
            if (ReferenceEquals(recorded[i].Event, submitted[i]) && recorded[i].Sequence > last)
            {
                last = recorded[i].Sequence;
                if (!AccessLog.IsReserved(recorded[i].Event.StudyId))
                {
                    written.Add(recorded[i]);
                }
            }
        }

        return written;
    }

    private void Finish(long ticket, IReadOnlyList<RecordedEvent> written)
    {
        lock (_order)
        {
            FinishLocked(ticket, written);
        }
    }

    private void FinishLocked(long ticket, IReadOnlyList<RecordedEvent> written)
    {
        _finished[ticket] = written;

        // Publishing under the lock keeps two finishing appends from interleaving; it only writes to channels.
        while (_finished.Remove(_nextToPublish, out var events))
        {
            _nextToPublish++;
            foreach (var recorded in events)
            {
                broadcaster.Publish(new EventRecorded(recorded));
            }
        }
    }
}

/// <summary>
/// The notifying log over a store several app instances share: conditional appends are published like the others, and
/// what other instances append reaches this one's live states through <see cref="ISharedEventLog.Follow"/> (which the
/// states publish themselves once applied).
/// </summary>
/// <param name="inner">The shared store.</param>
/// <param name="broadcaster">Where recorded events go.</param>
public sealed class NotifyingSharedEventLog(ISharedEventLog inner, StudyEventBroadcaster broadcaster) : NotifyingEventLog(inner, broadcaster), ISharedEventLog
{
    /// <inheritdoc />
    public string WriterId => inner.WriterId;

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, AppendCondition condition, CancellationToken cancellationToken = default) =>
        AppendInOrderAsync(studyEvents, () => inner.AppendAllAsync(studyEvents, condition, CancellationToken.None), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStudyFromOthersAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default) =>
        inner.ReadStudyFromOthersAsync(studyId, afterSequence, cancellationToken);

    /// <inheritdoc />
    public IDisposable Follow(Action<StudyAppended> onAppended) => inner.Follow(onAppended);
}
