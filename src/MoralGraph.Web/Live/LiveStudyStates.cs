using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Events;

namespace MoralGraph.Web.Live;

/// <summary>
/// A <see cref="StudyState"/> per watched study, kept current by applying each recorded event as it is published
/// instead of replaying the whole log on every change. The log stays the truth: a study is read from it the first
/// time, and again whenever its feed says events were dropped or one arrives out of order. Unwatched studies are
/// forgotten after <see cref="LiveSessionOptions.IdleStudyEviction"/>.
/// </summary>
public sealed class LiveStudyStates : IDisposable
{
    private readonly IEventLog _log;
    private readonly StudyEventBroadcaster _broadcaster;
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleEviction;
    private readonly ConcurrentDictionary<string, CachedStudy> _studies = new(StringComparer.Ordinal);

    /// <summary>Creates the cache.</summary>
    public LiveStudyStates(IEventLog log, StudyEventBroadcaster broadcaster, TimeProvider time, IOptions<LiveSessionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _log = log;
        _broadcaster = broadcaster;
        _time = time;
        _idleEviction = options.Value.IdleStudyEviction;
    }

    /// <summary>Studies held in memory now.</summary>
    public int CachedCount => _studies.Count;

    /// <summary>
    /// Brings the study up to date with every event published so far, then runs <paramref name="read"/> on it while
    /// no one else reads or updates it. Keep <paramref name="read"/> short and return copies: the state changes after.
    /// Null when the store has no such study.
    /// </summary>
    /// <param name="slug">The study.</param>
    /// <param name="read">What to take from the state; also given the sequence number of the last event applied.</param>
    /// <param name="cancellationToken">Cancels the wait and any reload.</param>
    public async Task<T?> ReadAsync<T>(string slug, Func<StudyState, long, T> read, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        ArgumentNullException.ThrowIfNull(read);
        EvictIdle(slug);
        CachedStudy study;
        while (true)
        {
            study = _studies.GetOrAdd(slug, s => new CachedStudy(s, _broadcaster));
            await study.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!study.Evicted)
            {
                break;
            }

            // Evicted while this read waited for it: take the fresh one.
            study.Gate.Release();
        }

        try
        {
            Volatile.Write(ref study.LastReadTicks, _time.GetUtcNow().UtcTicks);
            await study.CatchUpAsync(_log, cancellationToken).ConfigureAwait(false);
            return study.State?.Study is null ? default : read(study.State, study.AppliedThrough);
        }
        finally
        {
            study.Gate.Release();
        }
    }

    /// <summary>Forgets every cached study.</summary>
    public void Dispose()
    {
        foreach (var slug in _studies.Keys)
        {
            if (_studies.TryRemove(slug, out var study))
            {
                study.Evicted = true;
                study.Dispose();
            }
        }
    }

    private void EvictIdle(string except)
    {
        var now = _time.GetUtcNow();
        foreach (var (slug, study) in _studies)
        {
            // A study being read (gate taken) is in use, whatever its last-read time says.
            if (slug != except && now.UtcTicks - Volatile.Read(ref study.LastReadTicks) > _idleEviction.Ticks && study.Gate.Wait(0))
            {
                try
                {
                    if (_studies.TryRemove(new KeyValuePair<string, CachedStudy>(slug, study)))
                    {
                        study.Evicted = true;
                        study.Dispose();
                    }
                }
                finally
                {
                    study.Gate.Release();
                }
            }
        }
    }

    private sealed class CachedStudy(string slug, StudyEventBroadcaster broadcaster) : IDisposable
    {
        // Subscribed before the first read of the log, so no event falls between the two.
        private readonly StudyFeed _feed = broadcaster.Subscribe(slug, n => n is EventRecorded);
        private bool _reloadNeeded = true;
        private long _replayedThrough;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public StudyState? State { get; private set; }

        public long AppliedThrough { get; private set; }

        // Ticks rather than a DateTimeOffset, so the eviction sweep on another thread reads it whole.
        public long LastReadTicks;

        public bool Evicted { get; set; }

        public async Task CatchUpAsync(IEventLog log, CancellationToken cancellationToken)
        {
            while (true)
            {
                if (_reloadNeeded)
                {
                    await ReloadAsync(log, cancellationToken).ConfigureAwait(false);
                }

                if (!_feed.TryRead(out var notification))
                {
                    return;
                }

                switch (notification)
                {
                    case ResyncNeeded:
                        _reloadNeeded = true;
                        break;
                    case EventRecorded { Recorded: var recorded } when recorded.Sequence <= _replayedThrough:
                        // Already in what was read from the log.
                        break;
                    case EventRecorded { Recorded: var recorded } when recorded.Sequence <= AppliedThrough:
                        // Published out of log order (an append around the notifying log?): the log knows the order.
                        _reloadNeeded = true;
                        break;
                    case EventRecorded { Recorded: var recorded }:
                        State ??= new StudyState();
                        State.Apply(recorded.Event);
                        AppliedThrough = recorded.Sequence;
                        break;
                }
            }
        }

        // The gate is not disposed: a reader may still be waiting on it, and sees Evicted when it gets in.
        public void Dispose() => _feed.Dispose();

        private async Task ReloadAsync(IEventLog log, CancellationToken cancellationToken)
        {
            var events = await log.ReadStudyAsync(slug, cancellationToken).ConfigureAwait(false);
            State = StudyState.Replay(events.Select(e => e.Event));
            _replayedThrough = AppliedThrough = events.Count > 0 ? events[^1].Sequence : 0;
            _reloadNeeded = false;
        }
    }
}
