using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Events;
using MoralGraph.Core.Instances;
using MoralGraph.Core.Reconciliation;

namespace MoralGraph.Web.Live;

/// <summary>A study's reconciliation as computed in the background.</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Run">1 for the first run since the app started, then 2, 3, …</param>
/// <param name="Result">The default profile's result: one graph per (question, context), with confidence.</param>
/// <param name="ValueTitles">Titles of the values the result names, as they read when it was computed.</param>
/// <param name="ThroughSequence">The last event of the log it includes.</param>
/// <param name="VoteCount">Votes it counted (withdrawn participants' and hidden values' excluded).</param>
/// <param name="ComputedAt">When it finished.</param>
/// <param name="Duration">How long it took.</param>
public sealed record LiveReconciliationResult(
    string StudyId, int Run, ReconciliationResult Result, IReadOnlyDictionary<string, string> ValueTitles, long ThroughSequence, int VoteCount,
    DateTimeOffset ComputedAt, TimeSpan Duration)
{
    /// <summary>The graph of one question and context, or null when no one has voted in it.</summary>
    public ContextGraph? Graph(string questionId, string contextId) =>
        Result.Graphs.FirstOrDefault(g => g.QuestionId == questionId && g.ContextId == contextId);
}

/// <summary>Where a study's background reconciliation stands.</summary>
/// <param name="PendingChanges">Votes, cards, merges and the like recorded since the latest run started.</param>
/// <param name="PendingSince">When the first of them arrived, or null when the latest result is current.</param>
/// <param name="IsRunning">True while a run is computing.</param>
/// <param name="Runs">Runs finished since the app started.</param>
public sealed record LiveReconciliationStatus(int PendingChanges, DateTimeOffset? PendingSince, bool IsRunning, int Runs);

/// <summary>
/// Recomputes each study's default-profile reconciliation in the background after the events that change it (votes,
/// cards, merges, splits, hidden cards, withdrawals), never on a participant's request: debounced by
/// <see cref="LiveReconciliationOptions.QuietPeriod"/>, at most one run per
/// <see cref="LiveReconciliationOptions.MinInterval"/> per study (longer when runs are slow:
/// <see cref="LiveReconciliationOptions.MaxBusyShare"/>), one run at a time per study, cancelled on shutdown.
/// The latest result per study is kept (<see cref="Latest"/>) and announced with a <see cref="ReconciliationUpdated"/>.
/// <para>
/// Of several app instances on one log, one computes each study's reconciliation: the holder of its lease
/// (<see cref="WorkLeaseNames.Reconciliation"/>), which keeps its result where every instance reads it
/// (<see cref="ISharedResults"/>) and says so (<see cref="IInstanceMessages"/>); the others take the result as their latest
/// and announce it to their own dashboards. When the holder dies, the next instance to need a run takes the lease.
/// </para>
/// </summary>
public sealed class LiveReconciliation : BackgroundService
{
    private const string Topic = "reconciliation";
    private readonly IWorkLeases? _leases;
    private readonly IInstanceMessages? _messages;
    private readonly ISharedResults? _shared;
    private readonly IDisposable? _sharedSubscription;
    private readonly ConcurrentDictionary<string, IWorkLease> _held = new(StringComparer.Ordinal);
    private readonly StudyEventBroadcaster _broadcaster;
    private readonly StudyStates _states;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveReconciliation> _logger;
    private readonly LiveReconciliationOptions _options;
    private readonly DefaultProfile _profile;
    private readonly ConcurrentDictionary<string, StudySchedule> _schedules = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private StudyFeed? _feed;

    /// <summary>Creates the service.</summary>
    /// <param name="broadcaster">Where changes come from and results go.</param>
    /// <param name="states">The live study states.</param>
    /// <param name="time">The clock of the schedule.</param>
    /// <param name="options">The schedule and the bootstrap.</param>
    /// <param name="logger">Where failed runs are reported.</param>
    /// <param name="leases">The leases on each study's runs; one instance alone when null.</param>
    /// <param name="messages">The other instances; one instance alone when null.</param>
    /// <param name="shared">Where results computed for every instance are kept; one instance alone when null.</param>
    public LiveReconciliation(
        StudyEventBroadcaster broadcaster, StudyStates states, TimeProvider time, IOptions<LiveReconciliationOptions> options, ILogger<LiveReconciliation> logger,
        IWorkLeases? leases = null, IInstanceMessages? messages = null, ISharedResults? shared = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _leases = leases;
        if (messages is not null && shared is not null)
        {
            _messages = messages;
            _shared = shared;
            _sharedSubscription = messages.Subscribe(Topic, OnShared);
        }

        _broadcaster = broadcaster;
        _states = states;
        _time = time;
        _logger = logger;
        _options = options.Value;
        // Participants act while it runs: on a small machine it leaves them at least one core (its result is the same).
        _profile = new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = _options.BootstrapResamples, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount - 1) });
    }

    /// <summary>True for the events after which a study's reconciliation may read differently.</summary>
    public static bool ChangesReconciliation(StudyEvent studyEvent) => studyEvent is VoteCast or CardSubmitted or ValuesMerged or CardSplit
        or CardHidden or CardRestored or ParticipantWithdrew or CanonicalValueDefined or StudyDefined;

    /// <summary>The study's latest background result, or null before its first run.</summary>
    public LiveReconciliationResult? Latest(string slug) => _schedules.TryGetValue(slug, out var schedule) ? schedule.Latest : null;

    /// <summary>
    /// The study's latest background result; before the first one, a result computed now (without resamples, not kept)
    /// and a background run requested. For pages that show ranks to many people: they share the background runs.
    /// Null when there is no such study.
    /// </summary>
    public async Task<LiveReconciliationResult?> LatestOrNowAsync(string slug, CancellationToken cancellationToken = default)
    {
        if ((Latest(slug) ?? await ReadSharedAsync(slug, cancellationToken).ConfigureAwait(false)) is { } latest)
        {
            return latest;
        }

        Request(slug);
        var started = Stopwatch.GetTimestamp();
        var input = await _states.ReadAsync(slug, (state, through) => (Snapshot: state.ToSnapshot(), Through: through), cancellationToken).ConfigureAwait(false);
        if (input.Snapshot is null)
        {
            return null;
        }

        var result = await Task.Run(() => new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 0, MaxDegreeOfParallelism = 1 }).Reconcile(input.Snapshot, cancellationToken), cancellationToken).ConfigureAwait(false);
        return new LiveReconciliationResult(slug, 0, result, input.Snapshot.Values.ToDictionary(v => v.Id, v => v.Title, StringComparer.Ordinal), input.Through,
            input.Snapshot.Votes.Count, _time.GetUtcNow(), Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Where the study's reconciliation stands.</summary>
    public LiveReconciliationStatus Status(string slug)
    {
        if (!_schedules.TryGetValue(slug, out var schedule))
        {
            return new LiveReconciliationStatus(0, null, false, 0);
        }

        lock (schedule)
        {
            return new LiveReconciliationStatus(schedule.PendingChanges, schedule.FirstPending, schedule.Running, schedule.Latest?.Run ?? 0);
        }
    }

    /// <summary>
    /// Asks for a run as soon as <see cref="LiveReconciliationOptions.MinInterval"/> allows, without waiting for a quiet
    /// moment: for a console opening a study that has no result yet.
    /// </summary>
    public void Request(string slug)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        var schedule = ScheduleOf(slug);
        lock (schedule)
        {
            schedule.Requested = true;
            schedule.FirstPending ??= _time.GetUtcNow();
            Arm(schedule);
        }
    }

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed before the host goes on, so no event recorded after start-up is missed.
        _feed = _broadcaster.Subscribe(StudyEventBroadcaster.AllStudies, n => n is ResyncNeeded || n is EventRecorded { Recorded.Event: var e } && ChangesReconciliation(e));
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _feed?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var schedule in _schedules.Values)
        {
            lock (schedule)
            {
                schedule.Timer?.Dispose();
                schedule.Timer = null;
            }
        }

        // Runs see the cancellation in their loops; wait for them so none writes a result after shutdown.
        await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        _sharedSubscription?.Dispose();
        foreach (var slug in _held.Keys)
        {
            if (_held.TryRemove(slug, out var lease))
            {
                await lease.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        // Cancelled, not disposed: a host may still call StopAsync after disposing its services (the test host does),
        // and a disposed source would throw there. It holds no timer, so there is nothing to release.
        _stopping.Cancel();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = _feed ?? throw new InvalidOperationException("StartAsync subscribes the feed.");
        try
        {
            await foreach (var notification in feed.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                switch (notification)
                {
                    case EventRecorded recorded:
                        if (recorded.Recorded.Event is ParticipantWithdrew)
                        {
                            Forget(recorded.StudyId, recorded.Recorded.Sequence);
                        }

                        Notice(recorded.StudyId);
                        break;
                    case ResyncNeeded:
                        // Some changes were lost in a flood: every study seen so far may have had one.
                        foreach (var slug in _schedules.Keys)
                        {
                            Notice(slug);
                        }

                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>
    /// A participant withdrew at <paramref name="sequence"/>: the result read before it names their value with their
    /// words, so it is dropped at once (pages compute one without it until the next run), and no run that read the
    /// study before the withdrawal may become the latest.
    /// </summary>
    private void Forget(string slug, long sequence)
    {
        var schedule = ScheduleOf(slug);
        lock (schedule)
        {
            schedule.ErasedThrough = Math.Max(schedule.ErasedThrough, sequence);
            if (schedule.Latest is { } latest && latest.ThroughSequence < sequence)
            {
                schedule.Latest = null;
            }
        }

        // The result kept for every instance names the participant's value with their words: the holder drops it too.
        if (_shared is not null && _held.ContainsKey(slug))
        {
            _ = ForgetSharedAsync(slug);
        }
    }

    private async Task ForgetSharedAsync(string slug)
    {
        try
        {
            await _shared!.DeleteAsync(SharedKey(slug)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning(e, "The shared reconciliation of study {Study} could not be dropped after a withdrawal; the next run replaces it.", slug);
        }
    }

    private static string SharedKey(string slug) => "reconciliation/" + slug;

    /// <summary>True when this instance computes the study's runs: one alone always; of several, the lease holder.</summary>
    private async Task<bool> HoldsAsync(string slug, CancellationToken cancellationToken)
    {
        if (_leases is null)
        {
            return true;
        }

        if (_held.TryGetValue(slug, out var held))
        {
            if (!held.Lost.IsCancellationRequested)
            {
                return true;
            }

            _held.TryRemove(slug, out _);
            await held.DisposeAsync().ConfigureAwait(false);
        }

        if (await _leases.TryAcquireAsync(WorkLeaseNames.Reconciliation(slug), cancellationToken).ConfigureAwait(false) is not { } lease)
        {
            return false;
        }

        if (!_held.TryAdd(slug, lease))
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The holder keeps its result for the other instances and tells them.</summary>
    private async Task ShareAsync(LiveReconciliationResult result, CancellationToken cancellationToken)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(result, SharedJson);
        await _shared!.WriteAsync(SharedKey(result.StudyId), result.ThroughSequence, content, cancellationToken).ConfigureAwait(false);
        await _messages!.PublishAsync(Topic, result.StudyId, cancellationToken).ConfigureAwait(false);
    }

    private static readonly JsonSerializerOptions SharedJson = new(JsonSerializerDefaults.Web);

    private void OnShared(InstanceMessage message)
    {
        if (message.FromInstance != _messages!.InstanceId && !_stopping.IsCancellationRequested)
        {
            _ = ReadSharedAsync(message.Payload, _stopping.Token);
        }
    }

    /// <summary>
    /// Reads the result another instance kept for the study and, when it is newer than this instance's latest and read
    /// after any withdrawal, makes it the latest and announces it; null when there is none to take.
    /// </summary>
    private async Task<LiveReconciliationResult?> ReadSharedAsync(string slug, CancellationToken cancellationToken)
    {
        if (_shared is null)
        {
            return null;
        }

        try
        {
            if (await _shared.ReadAsync(SharedKey(slug), cancellationToken).ConfigureAwait(false) is not { } kept
                || JsonSerializer.Deserialize<LiveReconciliationResult>(kept.Content, SharedJson) is not { StudyId: var studyId } result
                || studyId != slug)
            {
                return null;
            }

            var schedule = ScheduleOf(slug);
            lock (schedule)
            {
                if (result.ThroughSequence < schedule.ErasedThrough || schedule.Latest is { } latest && latest.ThroughSequence >= result.ThroughSequence)
                {
                    return schedule.Latest;
                }

                schedule.Latest = result;
            }

            _broadcaster.Publish(new ReconciliationUpdated(result, FromOtherInstance: true));
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException or NotSupportedException or System.Data.Common.DbException)
        {
            _logger.LogWarning(e, "The reconciliation of study {Study} kept by another instance could not be read.", slug);
            return null;
        }
    }

    /// <summary>A change to <paramref name="slug"/> was recorded now: (re)schedules its run.</summary>
    internal void Notice(string slug)
    {
        var schedule = ScheduleOf(slug);
        lock (schedule)
        {
            var now = _time.GetUtcNow();
            schedule.FirstPending ??= now;
            schedule.LastChange = now;
            schedule.PendingChanges++;
            Arm(schedule);
        }
    }

    private StudySchedule ScheduleOf(string slug) => _schedules.GetOrAdd(slug, s => new StudySchedule(s));

    /// <summary>When the pending changes should be reconciled, under <paramref name="schedule"/>'s lock.</summary>
    private DateTimeOffset Due(StudySchedule schedule)
    {
        var firstPending = schedule.FirstPending!.Value;
        var wanted = schedule.Requested
            ? firstPending
            : Min((schedule.LastChange ?? firstPending) + _options.QuietPeriod, firstPending + _options.MaxDelay);
        return schedule.LastRunStarted is { } last && EarliestNextStart(last, schedule.LastRunDuration, _options) is var earliest && earliest > wanted ? earliest : wanted;
    }

    /// <summary>
    /// When the run after one that started at <paramref name="lastStarted"/> and took <paramref name="lastDuration"/> may
    /// start: <see cref="LiveReconciliationOptions.MinInterval"/> later, or later still when runs are slow, so that one
    /// study's runs take at most <see cref="LiveReconciliationOptions.MaxBusyShare"/> of the time.
    /// </summary>
    internal static DateTimeOffset EarliestNextStart(DateTimeOffset lastStarted, TimeSpan lastDuration, LiveReconciliationOptions options)
    {
        var busyGap = lastDuration / options.MaxBusyShare;
        return lastStarted + (busyGap > options.MinInterval ? busyGap : options.MinInterval);
    }

    private void Arm(StudySchedule schedule)
    {
        if (schedule.Running || schedule.FirstPending is null || _stopping.IsCancellationRequested)
        {
            // A running study is re-armed when its run ends.
            return;
        }

        var delay = Due(schedule) - _time.GetUtcNow();
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        if (schedule.Timer is null)
        {
            schedule.Timer = _time.CreateTimer(state => OnDue((StudySchedule)state!), schedule, delay, Timeout.InfiniteTimeSpan);
        }
        else
        {
            schedule.Timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDue(StudySchedule schedule)
    {
        lock (schedule)
        {
            if (schedule.Running || schedule.FirstPending is null || _stopping.IsCancellationRequested)
            {
                return;
            }

            if (Due(schedule) > _time.GetUtcNow())
            {
                // More changes came in after the timer was set.
                Arm(schedule);
                return;
            }

            schedule.Running = true;
            schedule.LastRunStarted = _time.GetUtcNow();
            schedule.FirstPending = null;
            schedule.LastChange = null;
            schedule.PendingChanges = 0;
            schedule.Requested = false;
            var run = Task.Run(() => RunAsync(schedule, _stopping.Token));
            _running.TryAdd(run, 0);
            _ = run.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task RunAsync(StudySchedule schedule, CancellationToken cancellationToken)
    {
        var runStarted = Stopwatch.GetTimestamp();
        try
        {
            if (_shared is not null && !await HoldsAsync(schedule.Slug, cancellationToken).ConfigureAwait(false))
            {
                // Another instance computes this study's runs; its results arrive as it keeps them.
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var input = await _states.ReadAsync(schedule.Slug, (state, through) => (Snapshot: state.ToSnapshot(), Through: through), cancellationToken).ConfigureAwait(false);
            if (input.Snapshot is null)
            {
                return;
            }

            var result = _profile.Reconcile(input.Snapshot, cancellationToken);
            var titles = input.Snapshot.Values.ToDictionary(v => v.Id, v => v.Title, StringComparer.Ordinal);
            LiveReconciliationResult latest;
            lock (schedule)
            {
                if (input.Through < schedule.ErasedThrough)
                {
                    // Read before a withdrawal: it holds the participant's words. The run after it is asked for now.
                    schedule.Requested = true;
                    return;
                }

                latest = new LiveReconciliationResult(
                    schedule.Slug, ++schedule.Runs, result, titles, input.Through, input.Snapshot.Votes.Count, _time.GetUtcNow(),
                    Stopwatch.GetElapsedTime(started));
                schedule.Latest = latest;
            }

            _broadcaster.Publish(new ReconciliationUpdated(latest));
            if (_shared is not null)
            {
                await ShareAsync(latest, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception e)
        {
            // The previous result stays; the next change schedules another try.
            _logger.LogError(e, "Reconciling study {Study} in the background failed.", schedule.Slug);
        }
        finally
        {
            lock (schedule)
            {
                schedule.Running = false;
                schedule.LastRunDuration = Stopwatch.GetElapsedTime(runStarted);
                Arm(schedule);
            }
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed class StudySchedule(string slug)
    {
        public string Slug { get; } = slug;

        public DateTimeOffset? FirstPending { get; set; }

        public DateTimeOffset? LastChange { get; set; }

        public int PendingChanges { get; set; }

        public bool Requested { get; set; }

        public DateTimeOffset? LastRunStarted { get; set; }

        /// <summary>How long the latest run took to compute (wall clock), which spaces the next one.</summary>
        public TimeSpan LastRunDuration { get; set; }

        public bool Running { get; set; }

        public ITimer? Timer { get; set; }

        public LiveReconciliationResult? Latest { get; set; }

        /// <summary>Runs finished since the app started (the number of the latest).</summary>
        public int Runs { get; set; }

        /// <summary>The latest withdrawal's sequence: a run that read the study before it is not kept.</summary>
        public long ErasedThrough { get; set; }
    }
}
