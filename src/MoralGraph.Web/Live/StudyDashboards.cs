using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;

namespace MoralGraph.Web.Live;

/// <summary>
/// Builds <see cref="StudyDashboard"/>s and tells watching consoles when to rebuild theirs. The part read from the log
/// (<see cref="StudyOverview"/>) is computed once per new event and shared by every console watching the study; each
/// console adds its own choice of graph. Subscriptions follow the cross-circuit pattern: a console subscribes after
/// its first render, is called back (at most once per <see cref="LiveSessionOptions.DashboardRefreshInterval"/>, so a
/// burst of votes is one refresh) and disposes its subscription when it goes.
/// </summary>
public sealed class StudyDashboards(
    StudyStates states, ParticipantPresence presence, LiveReconciliation reconciliation, StudyEventBroadcaster broadcaster, TimeProvider time,
    IOptions<LiveSessionOptions> options, ILogger<StudyDashboards> logger)
{
    private readonly ConcurrentDictionary<string, (StudyOverview Overview, long EventCount)> _overviews = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _latestPublished = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _overviewCosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StudyWatch> _watches = new(StringComparer.Ordinal);
    private readonly Lock _watchGate = new();

    /// <summary>
    /// The study's dashboard now, with the graph of <paramref name="graph"/> (or of the first context that has one when
    /// null); null when the store has no such study.
    /// </summary>
    public async Task<StudyDashboard?> BuildAsync(string slug, ContextRef? graph = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        // The live state holds an event before the log has acknowledged it, and the notification of an event can arrive
        // before the state has learnt its sequence number: the dashboard says the later of the two.
        var read = await states.ReadAsync(slug, (state, through) => (Study: state.Study!, Overview: OverviewOf(slug, state, Math.Max(through, _latestPublished.GetValueOrDefault(slug)))), cancellationToken);
        if (read.Study is not { } study)
        {
            return null;
        }

        var latest = reconciliation.Latest(slug);
        var selected = graph ?? FirstGraphed(read.Overview, latest);
        var view = selected is { } context && latest?.Graph(context.QuestionId, context.ContextId) is { } contextGraph
            ? ContextGraphView.From(contextGraph, WithCurrentTitles(latest.ValueTitles, read.Overview.ValueTitles), latest.Run, latest.ComputedAt)
            : null;
        return new StudyDashboard(slug, study.Title, study.Phase, read.Overview.ThroughSequence, read.Overview, presence.For(slug), latest,
            reconciliation.Status(slug), selected, view);
    }

    /// <summary>
    /// Calls <paramref name="onChanged"/> after anything the study's dashboard shows changes (an event, who is online, a
    /// new reconciliation) until the returned subscription is disposed. Calls never overlap for one subscriber.
    /// </summary>
    public IDisposable Subscribe(string slug, Func<Task> onChanged)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        ArgumentNullException.ThrowIfNull(onChanged);
        var subscriber = new Subscriber(onChanged);
        lock (_watchGate)
        {
            if (!_watches.TryGetValue(slug, out var watch))
            {
                _watches[slug] = watch = new StudyWatch(slug, broadcaster.Subscribe(slug));
                watch.Loop = Task.Run(() => WatchAsync(watch));
            }

            watch.Add(subscriber);
        }

        return new Unsubscriber(() => Unsubscribe(slug, subscriber));
    }

    /// <summary>Consoles watching <paramref name="slug"/> now.</summary>
    public int WatcherCount(string slug)
    {
        lock (_watchGate)
        {
            return _watches.TryGetValue(slug, out var watch) ? watch.Count : 0;
        }
    }

    private StudyOverview OverviewOf(string slug, Core.Events.StudyState state, long through)
    {
        // Runs under the study's read lock, so two consoles refreshing together compute it once.
        // Keyed by the events applied, not the sequence: the state may hold events the log has not numbered yet.
        if (_overviews.TryGetValue(slug, out var cached) && cached.EventCount == state.EventCount && cached.Overview.ThroughSequence == through)
        {
            return cached.Overview;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var overview = StudyOverview.From(state, through);
        _overviewCosts[slug] = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        _overviews[slug] = (overview, state.EventCount);
        return overview;
    }

    private static ContextRef? FirstGraphed(StudyOverview overview, LiveReconciliationResult? latest) =>
        latest?.Result.Graphs.FirstOrDefault(g => g.QuestionId is not null && g.ContextId is not null) is { } graph
            ? new ContextRef(graph.QuestionId!, graph.ContextId!)
            : overview.VotesPerContext.Count > 0 ? overview.VotesPerContext[0].Context : null;

    // A value retitled since the run (a facilitator's typo fix) shows its new title; one gone since keeps its old one.
    private static Dictionary<string, string> WithCurrentTitles(IReadOnlyDictionary<string, string> atRun, IReadOnlyDictionary<string, string> now)
    {
        var titles = new Dictionary<string, string>(atRun, StringComparer.Ordinal);
        foreach (var (valueId, title) in now)
        {
            titles[valueId] = title;
        }

        return titles;
    }

    private void Unsubscribe(string slug, Subscriber subscriber)
    {
        StudyWatch? ended = null;
        lock (_watchGate)
        {
            if (_watches.TryGetValue(slug, out var watch) && watch.Remove(subscriber) && watch.Count == 0)
            {
                _watches.Remove(slug);
                ended = watch;
            }
        }

        // Disposing the feed ends the watch loop.
        ended?.Feed.Dispose();
        if (ended is not null)
        {
            _overviews.TryRemove(slug, out _);
            _latestPublished.TryRemove(slug, out _);
        }
    }

    private async Task WatchAsync(StudyWatch watch)
    {
        var interval = options.Value.DashboardRefreshInterval;
        try
        {
            while (await watch.Feed.WaitToReadAsync().ConfigureAwait(false))
            {
                // Whatever arrived is one refresh: the dashboard is rebuilt from the current state, not from the notifications.
                while (watch.Feed.TryRead(out var notification))
                {
                    if (notification is EventRecorded { Recorded.Sequence: var sequence })
                    {
                        _latestPublished.AddOrUpdate(watch.Slug, sequence, (_, seen) => Math.Max(seen, sequence));
                    }
                }

                await Task.WhenAll(watch.Snapshot().Select(s => s.NotifyAsync(logger, watch.Slug))).ConfigureAwait(false);

                // The overview is read under the study's gate, where participants' actions wait: in a large study it
                // is refreshed less often, so reading it takes at most a tenth of the gate's time.
                var pause = interval > TimeSpan.Zero && _overviewCosts.TryGetValue(watch.Slug, out var cost) && cost * 9 > interval ? cost * 9 : interval;
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, time).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "The live dashboard feed of study {Study} stopped.", watch.Slug);
        }
    }

    private sealed class StudyWatch(string slug, StudyFeed feed)
    {
        private readonly List<Subscriber> _subscribers = [];

        public string Slug { get; } = slug;

        public StudyFeed Feed { get; } = feed;

        public Task? Loop { get; set; }

        public int Count
        {
            get
            {
                lock (_subscribers)
                {
                    return _subscribers.Count;
                }
            }
        }

        public void Add(Subscriber subscriber)
        {
            lock (_subscribers)
            {
                _subscribers.Add(subscriber);
            }
        }

        public bool Remove(Subscriber subscriber)
        {
            lock (_subscribers)
            {
                return _subscribers.Remove(subscriber);
            }
        }

        public Subscriber[] Snapshot()
        {
            lock (_subscribers)
            {
                return [.. _subscribers];
            }
        }
    }

    private sealed class Subscriber(Func<Task> onChanged)
    {
        public async Task NotifyAsync(ILogger logger, string slug)
        {
            try
            {
                await onChanged().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // One broken console must not stop the others' updates.
                logger.LogWarning(e, "A live dashboard of study {Study} failed to refresh.", slug);
            }
        }
    }

    private sealed class Unsubscriber(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
