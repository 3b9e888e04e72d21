using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoralGraph.Core.Access;

namespace MoralGraph.Core.Events;

/// <summary>How the live study states are kept (configuration section <c>StudyStatesOptions</c>).</summary>
public sealed class StudyStatesOptions
{
    /// <summary>A study's state is snapshotted once this many events were applied since its last snapshot.</summary>
    [Range(1, int.MaxValue)]
    public int SnapshotEveryEvents { get; set; } = 20_000;

    /// <summary>A study nobody read or changed for this long leaves memory (after a snapshot, when it changed).</summary>
    public TimeSpan IdleEviction { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>What a decision made under a study's gate appends, and what it tells its caller.</summary>
/// <typeparam name="T">What the caller gets back.</typeparam>
/// <param name="Result">What the caller gets back.</param>
/// <param name="Events">The events to append, all of the study decided on; none when nothing changes.</param>
public readonly record struct StudyDecision<T>(T Result, IReadOnlyList<StudyEvent> Events);

/// <summary>Builds <see cref="StudyDecision{T}"/>s.</summary>
public static class StudyDecision
{
    /// <summary>Append <paramref name="events"/> and answer <paramref name="result"/>.</summary>
    public static StudyDecision<T> Append<T>(T result, params IReadOnlyList<StudyEvent> events) => new(result, events);

    /// <summary>Append nothing and answer <paramref name="result"/>.</summary>
    public static StudyDecision<T> Nothing<T>(T result) => new(result, []);
}

/// <summary>A change made: the decision's result and the events as stored (a replayed submission gives the stored one).</summary>
/// <typeparam name="T">The decision's result.</typeparam>
/// <param name="Result">The decision's result.</param>
/// <param name="Recorded">The events, in order, as the log holds them.</param>
public sealed record StudyChange<T>(T Result, IReadOnlyList<RecordedEvent> Recorded);

/// <summary>There is no study with this slug.</summary>
/// <param name="slug">The slug asked for.</param>
public sealed class StudyNotFoundException(string slug) : KeyNotFoundException($"There is no study '{slug}'.")
{
    /// <summary>The slug asked for.</summary>
    public string Slug { get; } = slug;
}

/// <summary>
/// One authoritative <see cref="StudyState"/> per study, held in memory and shared by every reader and writer, so an
/// action costs the same in a study of a thousand events as in one of a million. A study is read once (its latest
/// snapshot, then the events after it) and then advanced by each event appended through this log, which wraps the
/// store: every write of the app goes through here, in the order the store commits it.
/// <para>
/// Each study has a gate. A change decides against the current state and queues its events with the store under the
/// gate, applies them to the state at once and leaves the gate; only then does it wait for the store's flush, so
/// concurrent participants share one disk flush (the store's group commit) while validation and append stay atomic:
/// two joins cannot take the last seat, an item cannot be answered twice. Should the store refuse what was queued
/// (a full disk, a conflicting replay), the state is read again from the store before anyone uses it, so it never
/// keeps an event the log does not have. A caller is answered only once its events are on disk.
/// </para>
/// <para>
/// An event with an idempotency key the state may already hold (a double click, a retried request) takes the careful
/// path instead: it is appended under the gate and applied only if the store says it was new.
/// </para>
/// </summary>
public sealed partial class StudyStates : IEventLog, IDisposable
{
    private readonly IEventLog _store;
    private readonly IStudySnapshotStore _snapshots;
    private readonly TimeProvider _time;
    private readonly StudyStatesOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, LiveStudy> _studies = new(StringComparer.Ordinal);
    private readonly ISharedEventLog? _shared;
    private readonly IDisposable? _following;

    /// <summary>Creates the states over <paramref name="store"/>.</summary>
    /// <param name="store">The event log everything is written to and read from.</param>
    /// <param name="snapshots">Where snapshots are kept.</param>
    /// <param name="time">The clock (for idle eviction).</param>
    /// <param name="options">Snapshot and eviction settings; defaults when null.</param>
    /// <param name="logger">Where unusable snapshots are reported.</param>
    public StudyStates(IEventLog store, IStudySnapshotStore snapshots, TimeProvider? time = null, StudyStatesOptions? options = null, ILogger<StudyStates>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(snapshots);
        _store = store;
        _snapshots = snapshots;
        _time = time ?? TimeProvider.System;
        _options = options ?? new StudyStatesOptions();
        _logger = logger ?? NullLogger<StudyStates>.Instance;

        // Several instances on one log: each decision carries the condition its state was current for, and what the
        // others append is read as they announce it, so a vote cast on one instance shows on another's dashboard.
        _shared = store as ISharedEventLog;
        _following = _shared?.Follow(OnAppended);
    }

    /// <summary>
    /// Raised, in log order per study, with the events another instance appended once this one's state applied them
    /// (only over a shared log): the app publishes them as it publishes its own.
    /// </summary>
    public event Action<IReadOnlyList<RecordedEvent>>? Followed;

    /// <summary>Raised when another instance appended to a reserved stream (facilitator accounts and keys), with its id.</summary>
    public event Action<string>? ReservedStreamChanged;

    /// <summary>How long a participant counts as served by this instance (see <see cref="FollowParticipantAsync"/>).</summary>
    public static readonly TimeSpan ParticipantAffinity = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string Slug, string ParticipantId), long> _participantsHere = new();

    /// <summary>
    /// Over a shared log, before serving a participant this instance has not served lately (their sticky session was
    /// lost, or they came back on another device): reads what the other instances appended to the study first, so their
    /// page shows what they did a moment ago elsewhere — their card confirmed there, their last vote — rather than what
    /// this instance had heard of so far. One read of the new events; nothing when this instance served them lately (what
    /// they do elsewhere after that reaches it within the log's announcements, well under a second) or alone on its log.
    /// </summary>
    public async Task FollowParticipantAsync(string slug, string participantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        ArgumentException.ThrowIfNullOrEmpty(participantId);
        if (_shared is null)
        {
            return;
        }

        var now = _time.GetUtcNow().UtcTicks;
        if (_participantsHere.TryGetValue((slug, participantId), out var seen) && now - seen < ParticipantAffinity.Ticks)
        {
            _participantsHere[(slug, participantId)] = now;
            return;
        }

        if (_participantsHere.Count > 200_000)
        {
            // Bounded: forgetting who was here costs them one more read, never a wrong page.
            _participantsHere.Clear();
        }

        var study = await EnterAsync(slug, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureCurrentAsync(study).ConfigureAwait(false);
            if (study.State is not null)
            {
                await CatchUpLockedAsync(study).ConfigureAwait(false);
            }
            else
            {
                ForgetIfEmpty(study);
            }
        }
        finally
        {
            study.Gate.Release();
        }

        _participantsHere[(slug, participantId)] = now;
    }

    /// <summary>How many times a decision is made again after another instance changed what it read (then the conflict is the caller's).</summary>
    public const int MaxDecisionAttempts = 12;

    /// <summary>The store this log writes through.</summary>
    public IEventLog Store => _store;

    /// <summary>Studies held in memory now.</summary>
    public int LoadedCount => _studies.Count;

    /// <summary>The slugs of the studies held in memory now.</summary>
    public IReadOnlyCollection<string> LoadedSlugs => [.. _studies.Keys];

    /// <summary>
    /// Runs <paramref name="read"/> on the study's current state under its gate, with the sequence number of the
    /// latest of its events known to be on disk. Keep <paramref name="read"/> short and return copies: the state changes
    /// after. Default when there is no such study.
    /// </summary>
    public async Task<T?> ReadAsync<T>(string slug, Func<StudyState, long, T> read, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        ArgumentNullException.ThrowIfNull(read);
        var study = await EnterAsync(slug, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureCurrentAsync(study).ConfigureAwait(false);
            if (study.State?.Study is null)
            {
                ForgetIfEmpty(study);
                return default;
            }

            return read(study.State, study.KnownThrough);
        }
        finally
        {
            study.Gate.Release();
        }
    }

    /// <summary>Runs <paramref name="read"/> on the study's current state under its gate; default when there is no such study.</summary>
    public Task<T?> ReadAsync<T>(string slug, Func<StudyState, T> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        return ReadAsync(slug, (state, _) => read(state), cancellationToken);
    }

    /// <summary>
    /// Decides against the study's current state and appends what was decided, atomically: no other change of the study
    /// comes between the decision and its events. <paramref name="decide"/> runs under the gate, so it must be quick and
    /// must not wait; it may throw to refuse, and then nothing is appended. Returns once the events are on disk.
    /// </summary>
    /// <exception cref="StudyNotFoundException">There is no such study.</exception>
    public async Task<StudyChange<T>> ChangeAsync<T>(string slug, Func<StudyState, StudyDecision<T>> decide, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        ArgumentNullException.ThrowIfNull(decide);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ChangeOnceAsync(slug, decide, cancellationToken).ConfigureAwait(false);
            }
            catch (StreamConflictException) when (attempt < MaxDecisionAttempts)
            {
                // Another instance changed what the decision read: the state catches up (or, had it applied the refused
                // events, is read again), and the decision is made again on it (it may now refuse: the last seat went
                // elsewhere). A short random pause keeps a crowd arriving through several instances from colliding in step.
                if (_studies.TryGetValue(slug, out var study))
                {
                    study.Behind = true;
                }

                await Task.Delay(Random.Shared.Next(0, 1 << Math.Min(attempt, 5)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<StudyChange<T>> ChangeOnceAsync<T>(string slug, Func<StudyState, StudyDecision<T>> decide, CancellationToken cancellationToken)
    {
        var study = await EnterAsync(slug, cancellationToken).ConfigureAwait(false);
        StudyDecision<T> decision;
        Task<IReadOnlyList<RecordedEvent>> appending;
        try
        {
            await EnsureCurrentAsync(study).ConfigureAwait(false);
            if (study.State?.Study is null)
            {
                ForgetIfEmpty(study);
                throw new StudyNotFoundException(slug);
            }

            decision = decide(study.State);
            if (decision.Events is not { Count: > 0 } events)
            {
                return new StudyChange<T>(decision.Result, []);
            }

            if (events.FirstOrDefault(e => e.StudyId != slug) is { } stray)
            {
                throw new ArgumentException($"A decision about study '{slug}' cannot append an event of study '{stray.StudyId}'.", nameof(decide));
            }

            appending = Enqueue([study], events, _shared is null ? null : ConditionFor(study, events));
        }
        finally
        {
            study.Gate.Release();
        }

        // Cancellation stops the wait, not the write: once queued, the events are written.
        return new StudyChange<T>(decision.Result, await appending.WaitAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        var recorded = await AppendAllAsync([studyEvent], cancellationToken).ConfigureAwait(false);
        return recorded[0];
    }

    /// <inheritdoc />
    /// <remarks>The events are applied to their studies' states as they are queued; see the class remarks.</remarks>
    public async Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(studyEvents);
        cancellationToken.ThrowIfCancellationRequested();
        if (studyEvents.Count == 0)
        {
            return [];
        }

        // Reserved streams (facilitator accounts and keys) are not studies: they pass straight to the store.
        var slugs = studyEvents.Select(e => e.StudyId).Where(id => !AccessLog.IsReserved(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (slugs.Count == 0)
        {
            return await _store.AppendAllAsync(studyEvents, cancellationToken).ConfigureAwait(false);
        }

        // Gates are always taken in slug order, so two appends spanning the same studies cannot wait for each other.
        var studies = new List<LiveStudy>(slugs.Count);
        Task<IReadOnlyList<RecordedEvent>> appending;
        try
        {
            foreach (var slug in slugs)
            {
                studies.Add(await EnterAsync(slug, cancellationToken).ConfigureAwait(false));
            }

            foreach (var study in studies)
            {
                await EnsureCurrentAsync(study).ConfigureAwait(false);
            }

            appending = Enqueue(studies, studyEvents, condition: null);
        }
        finally
        {
            foreach (var study in studies)
            {
                study.Gate.Release();
            }
        }

        return await appending.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default) =>
        _store.ReadStudyAsync(studyId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default) =>
        _store.ReadStudyAsync(studyId, afterSequence, cancellationToken);

    /// <inheritdoc />
    public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => _store.VerifyAsync(cancellationToken);

    /// <inheritdoc />
    public Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default) => _store.HashAtAsync(sequence, cancellationToken);

    /// <summary>
    /// Studies in memory that applied <see cref="StudyStatesOptions.SnapshotEveryEvents"/> or more events since their last
    /// snapshot, and studies where a participant withdrew since: their last snapshot still holds the participant's words,
    /// which the next one, taken from the erased state, replaces.
    /// </summary>
    public IReadOnlyList<string> SnapshotsDue() =>
        [.. _studies.Values.Where(s => s.EventsSinceSnapshot >= _options.SnapshotEveryEvents || s.ErasedSinceSnapshot).Select(s => s.Slug)];

    /// <summary>
    /// Writes a snapshot of the study's state as it is once the events queued so far are on disk. False when the study is
    /// not in memory, has no new events since its last snapshot, or has no state to keep.
    /// </summary>
    public async Task<bool> WriteSnapshotAsync(string slug, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        if (!_studies.TryGetValue(slug, out var existing) || existing.EventsSinceSnapshot == 0)
        {
            return false;
        }

        if (_shared is not null)
        {
            return await WriteLoggedSnapshotAsync(existing, cancellationToken).ConfigureAwait(false);
        }

        // Taking a snapshot is not a use: an idle study stays idle, so it can be evicted after it.
        var study = await EnterAsync(slug, cancellationToken, markUsed: false).ConfigureAwait(false);
        StudyStateCapture capture;
        long through;
        bool erasing;
        try
        {
            // The snapshot must hold only what the log holds: let the events in flight reach the disk first (a few ms).
            await SettleAsync(study).ConfigureAwait(false);
            await EnsureCurrentAsync(study).ConfigureAwait(false);
            if (study.State is null || study.EventsSinceSnapshot == 0)
            {
                return false;
            }

            capture = study.State.Capture();
            through = study.KnownThrough;
            study.SnapshotEventCount = capture.EventCount;
            erasing = study.ErasedSinceSnapshot;
            study.ErasedSinceSnapshot = false;
        }
        finally
        {
            study.Gate.Release();
        }

        try
        {
            var hash = await _store.HashAtAsync(through, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The log has no event {through}, which the state of study '{slug}' says it includes.");
            await _snapshots.WriteAsync(new StudySnapshotInfo(slug, through, hash, capture.EventCount, capture.Format), capture.WriteJsonAsync, cancellationToken).ConfigureAwait(false);
        }
        catch when (erasing)
        {
            // The old snapshot still holds a withdrawn participant's words: the next tick tries again.
            study.ErasedSinceSnapshot = true;
            throw;
        }

        return true;
    }

    /// <summary>
    /// Over a shared log, a snapshot built from the last one and the log in the log's order, apart from the live state
    /// (and outside its gate): the live state applied the other instances' events as it heard of them, after its own —
    /// the same facts, but two participants' events may sit in its lists in another order than the log's, and a snapshot
    /// must restore to exactly the log's replay (<c>audit replay</c> compares them byte for byte).
    /// </summary>
    private async Task<bool> WriteLoggedSnapshotAsync(LiveStudy study, CancellationToken cancellationToken)
    {
        var erasing = study.ErasedSinceSnapshot;
        study.ErasedSinceSnapshot = false;
        try
        {
            var (logged, through, _, _) = await LoadAsync(study.Slug).ConfigureAwait(false);
            if (logged is null || through == 0)
            {
                return false;
            }

            var capture = logged.Capture();
            var hash = await _store.HashAtAsync(through, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The log has no event {through}, which it has just returned for study '{study.Slug}'.");
            await _snapshots.WriteAsync(new StudySnapshotInfo(study.Slug, through, hash, capture.EventCount, capture.Format), capture.WriteJsonAsync, cancellationToken).ConfigureAwait(false);
            study.SnapshotEventCount = capture.EventCount;
            return true;
        }
        catch when (erasing)
        {
            // The old snapshot still holds a withdrawn participant's words: the next tick tries again.
            study.ErasedSinceSnapshot = true;
            throw;
        }
    }

    /// <summary>
    /// Takes out of memory the studies nobody read or changed for <see cref="StudyStatesOptions.IdleEviction"/>, after a
    /// snapshot of any that changed since their last one, so their next reader reads them quickly; returns their slugs.
    /// </summary>
    /// <param name="maySnapshot">Whether this instance writes the study's snapshots (it holds their lease); all when null.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task<IReadOnlyList<string>> EvictIdleAsync(Func<string, bool>? maySnapshot = null, CancellationToken cancellationToken = default)
    {
        var evicted = new List<string>();
        foreach (var (slug, study) in _studies)
        {
            if (!IsIdle(study))
            {
                continue;
            }

            if (maySnapshot?.Invoke(slug) != false)
            {
                await WriteSnapshotAsync(slug, cancellationToken).ConfigureAwait(false);
            }

            // A study whose gate is taken, or whose events are still on their way to disk, is in use.
            if (IsIdle(study) && study.Gate.Wait(0, CancellationToken.None))
            {
                try
                {
                    if (study.InFlight == 0 && _studies.TryRemove(new KeyValuePair<string, LiveStudy>(slug, study)))
                    {
                        study.Evicted = true;
                        evicted.Add(slug);
                    }
                }
                finally
                {
                    study.Gate.Release();
                }
            }
        }

        return evicted;
    }

    /// <summary>Writes a snapshot of every study in memory that changed since its last one (when the app stops).</summary>
    /// <param name="maySnapshot">Whether this instance writes the study's snapshots (it holds their lease); all when null.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task<int> WriteAllSnapshotsAsync(Func<string, bool>? maySnapshot = null, CancellationToken cancellationToken = default)
    {
        var written = 0;
        foreach (var slug in _studies.Keys.Where(s => maySnapshot?.Invoke(s) != false))
        {
            written += await WriteSnapshotAsync(slug, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return written;
    }

    private bool IsIdle(LiveStudy study) => _time.GetUtcNow().UtcTicks - Volatile.Read(ref study.LastUsedTicks) > _options.IdleEviction.Ticks;

    /// <summary>Forgets every study; the store is not disposed (its owner does that).</summary>
    public void Dispose()
    {
        _following?.Dispose();
        foreach (var study in _studies.Values)
        {
            study.Evicted = true;
        }

        _studies.Clear();
    }

    private async Task<LiveStudy> EnterAsync(string slug, CancellationToken cancellationToken, bool markUsed = true)
    {
        while (true)
        {
            var study = _studies.GetOrAdd(slug, s => new LiveStudy(s) { LastUsedTicks = _time.GetUtcNow().UtcTicks });
            await study.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!study.Evicted)
            {
                if (markUsed)
                {
                    Volatile.Write(ref study.LastUsedTicks, _time.GetUtcNow().UtcTicks);
                }

                return study;
            }

            // Evicted while this caller waited for it: take the fresh one. (The gate is never disposed for that reason.)
            study.Gate.Release();
        }
    }

    // A slug nobody has written to must not leave an empty entry behind (a crawler asking for made-up studies).
    private void ForgetIfEmpty(LiveStudy study)
    {
        if (study.State is null && study.InFlight == 0 && _studies.TryRemove(new KeyValuePair<string, LiveStudy>(study.Slug, study)))
        {
            study.Evicted = true;
        }
    }

    /// <summary>Under the gate: reads the study if it is not in memory, or again if what was queued did not all reach the log.</summary>
    private async Task EnsureCurrentAsync(LiveStudy study)
    {
        if (study.Loaded && !study.Stale)
        {
            if (study.Behind)
            {
                await CatchUpLockedAsync(study).ConfigureAwait(false);
            }

            return;
        }

        // What is queued will land (or fail) before the log is read, so the read sees all of it. The load runs to its end
        // whoever is waiting: a cancelled caller would only leave the next one to start it again.
        await SettleAsync(study).ConfigureAwait(false);
        study.Stale = false;
        var (state, through, snapshotEvents, withdrawals) = await LoadAsync(study.Slug).ConfigureAwait(false);
        study.ErasedSinceSnapshot |= withdrawals;
        study.State = state;
        study.DurableThrough = through;
        study.FollowedThrough = through;
        study.Behind = false;
        study.SnapshotEventCount = snapshotEvents;
        study.Loaded = true;
    }

    /// <summary>
    /// The condition of a decision's append over a shared log: nobody else wrote, since the state's last followed event,
    /// to the streams the events go to or to the study's own. Joins read the seats only where a capacity can run out,
    /// so that a crowd arriving through several instances at once does not collide for nothing.
    /// </summary>
    private static AppendCondition ConditionFor(LiveStudy study, IReadOnlyList<StudyEvent> events)
    {
        var capacity = study.State?.Study is { } definition && (definition.Capacity is not null || definition.InviteCodes.Any(c => c.Capacity is not null));
        var streams = new SortedSet<string>(StringComparer.Ordinal) { StudyStreams.Study };
        foreach (var studyEvent in events)
        {
            foreach (var stream in StudyStreams.Of(studyEvent))
            {
                if (stream != StudyStreams.Records && (stream != StudyStreams.Seats || capacity))
                {
                    streams.Add(stream);
                }
            }
        }

        return new AppendCondition([.. streams], study.FollowedThrough);
    }

    /// <summary>What a shared log announced: another instance's events are applied to the study's state if it is in memory.</summary>
    private void OnAppended(StudyAppended appended)
    {
        if (appended.WriterId == _shared!.WriterId)
        {
            return;
        }

        if (appended.StudyId is null)
        {
            // The announcements were interrupted: anything may have changed.
            foreach (var study in _studies.Values)
            {
                ScheduleCatchUp(study);
            }

            ReservedStreamChanged?.Invoke(AccessLog.StreamId);
            return;
        }

        if (AccessLog.IsReserved(appended.StudyId))
        {
            ReservedStreamChanged?.Invoke(appended.StudyId);
        }
        else if (_studies.TryGetValue(appended.StudyId, out var study) && appended.Sequence > study.FollowedThrough)
        {
            ScheduleCatchUp(study);
        }
    }

    private void ScheduleCatchUp(LiveStudy study)
    {
        study.Behind = true;

        // One catch-up at a time per study: announcements arriving while one runs are read by it or the next.
        if (Interlocked.Exchange(ref study.CatchUpScheduled, 1) == 0)
        {
            _ = Task.Run(() => CatchUpAsync(study));
        }
    }

    private async Task CatchUpAsync(LiveStudy study)
    {
        try
        {
            do
            {
                await study.Gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    if (!study.Evicted && study.Loaded && !study.Stale)
                    {
                        await CatchUpLockedAsync(study).ConfigureAwait(false);
                    }
                    else
                    {
                        // Not in memory, or to be read whole anyway: its next use reads everything.
                        study.Behind = false;
                    }
                }
                finally
                {
                    study.Gate.Release();
                    Volatile.Write(ref study.CatchUpScheduled, 0);
                }

                // An announcement that arrived during the read set Behind again; this task reads it unless a new one did.
            }
            while (study.Behind && Interlocked.Exchange(ref study.CatchUpScheduled, 1) == 0);
        }
        catch (Exception e)
        {
            // The store could not be read now: the next use of the study, or the next announcement, tries again.
            LogCatchUpFailed(e, study.Slug);
        }
    }

    /// <summary>Under the gate: applies what other instances appended to the study since its state last looked.</summary>
    private async Task CatchUpLockedAsync(LiveStudy study)
    {
        if (_shared is null || study.State is null)
        {
            study.Behind = false;
            return;
        }

        study.Behind = false;
        IReadOnlyList<RecordedEvent> others;
        try
        {
            others = await _shared.ReadStudyFromOthersAsync(study.Slug, study.FollowedThrough, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            study.Behind = true;
            throw;
        }

        if (others.Count == 0)
        {
            return;
        }

        foreach (var recorded in others)
        {
            ApplyQueued(study, recorded.Event);
        }

        study.FollowedThrough = others[^1].Sequence;
        Followed?.Invoke(others);
    }

    private async Task<(StudyState? State, long Through, long SnapshotEvents, bool Withdrawals)> LoadAsync(string slug)
    {
        var (state, through) = await RestoreSnapshotAsync(slug).ConfigureAwait(false);
        var snapshotEvents = state?.EventCount ?? 0;
        var tail = await _store.ReadStudyAsync(slug, through, CancellationToken.None).ConfigureAwait(false);
        var withdrawals = tail.Any(e => e.Event is ParticipantWithdrew);
        if (tail.Count > 0)
        {
            state ??= new StudyState();
            foreach (var recorded in tail)
            {
                state.Apply(recorded.Event);
            }

            through = tail[^1].Sequence;
        }

        return (state, through, snapshotEvents, withdrawals);
    }

    private async Task<(StudyState? State, long Through)> RestoreSnapshotAsync(string slug)
    {
        try
        {
            await using var snapshot = await _snapshots.OpenAsync(slug).ConfigureAwait(false);
            if (snapshot is null)
            {
                return (null, 0);
            }

            var info = snapshot.Info;
            if (info.Format != StudyStateCapture.CurrentFormat)
            {
                LogOtherFormat(slug, info.Format, StudyStateCapture.CurrentFormat);
                return (null, 0);
            }

            if (await _store.HashAtAsync(info.ThroughSequence).ConfigureAwait(false) != info.ThroughHash)
            {
                LogMismatch(slug, info.ThroughSequence);
                return (null, 0);
            }

            var state = StudyState.Restore(await StudyStateCapture.ReadJsonAsync(snapshot.State).ConfigureAwait(false));
            return state.EventCount == info.EventCount ? (state, info.ThroughSequence) : (null, 0);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            // A snapshot is a cache: one that cannot be read costs a full replay, never the study.
            LogUnreadable(e, slug);
            return (null, 0);
        }
    }

    /// <summary>
    /// Under the gates of every study the events belong to: queues the events with the store and applies them. When one
    /// may be a replay of something stored (its idempotency key is known), none is applied: the store answers with the
    /// stored event, and should it find any of them new after all (a hash collision, or the original never reached the
    /// disk) the state is read again. Either way the gate is not held while the store flushes.
    /// </summary>
    private Task<IReadOnlyList<RecordedEvent>> Enqueue(IReadOnlyList<LiveStudy> studies, IReadOnlyList<StudyEvent> events, AppendCondition? condition)
    {
        var bySlug = studies.ToDictionary(s => s.Slug, StringComparer.Ordinal);
        var apply = !MayBeReplay(bySlug, events);

        // Queued synchronously, in this order, behind every event queued before: the log's order is the states' order.
        var appending = condition is null ? _store.AppendAllAsync(events, CancellationToken.None) : _shared!.AppendAllAsync(events, condition, CancellationToken.None);
        if (apply)
        {
            foreach (var studyEvent in events)
            {
                if (bySlug.TryGetValue(studyEvent.StudyId, out var study))
                {
                    ApplyQueued(study, studyEvent);
                }
            }
        }

        foreach (var study in studies)
        {
            study.Track(appending, events, applied: apply);
        }

        return appending;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The snapshot of study {Study} is in format {Format}, not {Current}; its log is replayed instead.")]
    private partial void LogOtherFormat(string study, int format, int current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The snapshot of study {Study} does not match the log at event {Sequence} (was the store replaced?); its log is replayed instead.")]
    private partial void LogMismatch(string study, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The snapshot of study {Study} could not be read; its log is replayed instead.")]
    private partial void LogUnreadable(Exception exception, string study);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Study {Study} could not read what other instances appended; its next use tries again.")]
    private partial void LogCatchUpFailed(Exception exception, string study);

    private static void ApplyQueued(LiveStudy study, StudyEvent studyEvent)
    {
        study.State ??= new StudyState();
        study.State.Apply(studyEvent);
        if (studyEvent is ParticipantWithdrew)
        {
            study.ErasedSinceSnapshot = true;
        }
    }

    private static bool MayBeReplay(Dictionary<string, LiveStudy> studies, IReadOnlyList<StudyEvent> events)
    {
        HashSet<string>? keys = null;
        foreach (var studyEvent in events)
        {
            if (studyEvent.IdempotencyKey is not { } key)
            {
                continue;
            }

            // The same key twice in one append: the store keeps the first, so the second must not be applied.
            if (!(keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key)
                || studies.TryGetValue(studyEvent.StudyId, out var study) && study.State?.MayHaveRecorded(studyEvent) == true)
            {
                return true;
            }
        }

        return false;
    }

    private static Task SettleAsync(LiveStudy study) => study.SettledAsync();

    /// <summary>One study in memory: its state, its gate, and the bookkeeping of what it has queued with the store.</summary>
    private sealed class LiveStudy(string slug)
    {
        private readonly Lock _bookkeeping = new();
        private int _inFlight;
        private TaskCompletionSource? _settled;
        private long _durableThrough;

        public string Slug { get; } = slug;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public StudyState? State { get; set; }

        public bool Loaded { get; set; }

        /// <summary>Set when something queued did not reach the log as applied: the state must be read again.</summary>
        public volatile bool Stale;

        public volatile bool Evicted;

        /// <summary>Set when another instance announced events of the study (over a shared log) not yet applied.</summary>
        public volatile bool Behind;

        /// <summary>1 while a catch-up is scheduled or running.</summary>
        public int CatchUpScheduled;

        /// <summary>Every other writer's event of the study up to this sequence is in the state (over a shared log).</summary>
        public long FollowedThrough { get; set; }

        /// <summary>The last event of the log the state is known to hold with everything before it (own writes and others' read).</summary>
        public long KnownThrough => Math.Max(DurableThrough, FollowedThrough);

        /// <summary>Set when a participant withdrew after the last snapshot was taken, which still holds their words.</summary>
        public volatile bool ErasedSinceSnapshot;

        public long LastUsedTicks;

        public long SnapshotEventCount { get; set; }

        public long EventsSinceSnapshot => (State?.EventCount ?? 0) - SnapshotEventCount;

        public int InFlight
        {
            get
            {
                lock (_bookkeeping)
                {
                    return _inFlight;
                }
            }
        }

        public long DurableThrough
        {
            get
            {
                lock (_bookkeeping)
                {
                    return _durableThrough;
                }
            }
            set
            {
                lock (_bookkeeping)
                {
                    _durableThrough = value;
                }
            }
        }

        /// <summary>Follows an append queued under the gate until the store answers.</summary>
        public void Track(Task<IReadOnlyList<RecordedEvent>> appending, IReadOnlyList<StudyEvent> events, bool applied)
        {
            lock (_bookkeeping)
            {
                _inFlight++;
            }

            _ = FollowAsync(appending, events, applied);
        }

        /// <summary>Completes when nothing this study queued is still on its way to the store.</summary>
        public Task SettledAsync()
        {
            lock (_bookkeeping)
            {
                return _inFlight == 0 ? Task.CompletedTask : (_settled ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }

        private async Task FollowAsync(Task<IReadOnlyList<RecordedEvent>> appending, IReadOnlyList<StudyEvent> events, bool applied)
        {
            var landed = false;
            long last = 0;
            try
            {
                var recorded = await appending.ConfigureAwait(false);

                // The store must agree with what the state did: events applied were written as new (a replay found
                // instead means the state counted something twice), events held back as replays were not (a new one
                // means the state misses it).
                landed = recorded.Count == events.Count && recorded.Select((r, i) => ReferenceEquals(r.Event, events[i]) == applied || r.Event.StudyId != Slug).All(agrees => agrees);
                last = recorded.Where(r => r.Event.StudyId == Slug).Select(r => r.Sequence).DefaultIfEmpty(0).Max();
            }
            catch (Exception) when (applied)
            {
                // The caller sees the failure; the state, which already holds the events, is read again before its next use.
            }
            catch (Exception)
            {
                // A refused replay (a conflicting resubmission) changed nothing the state holds; the caller sees why.
                landed = true;
            }

            lock (_bookkeeping)
            {
                if (!landed)
                {
                    Stale = true;
                }

                _durableThrough = Math.Max(_durableThrough, last);
                if (--_inFlight == 0 && _settled is { } settled)
                {
                    _settled = null;
                    settled.TrySetResult();
                }
            }
        }
    }
}
