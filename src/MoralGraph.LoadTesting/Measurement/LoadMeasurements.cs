using System.Collections.Concurrent;
using MoralGraph.LoadTesting.Instances;

namespace MoralGraph.LoadTesting.Measurement;

/// <summary>Where the load's clients report: one <see cref="ActionSeries"/> per action type and channel, and the dashboards' lags.</summary>
public sealed class LoadMeasurements
{
    private readonly ConcurrentDictionary<string, ActionSeries> _api = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ActionSeries> _browser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int Instance, string ActionType), ActionSeries> _perInstance = new();

    /// <summary>Actions sent to the participant HTTP API, by type (<c>join</c>, <c>vote</c>, …).</summary>
    public ActionSeries Api(string actionType) => _api.GetOrAdd(actionType, _ => new ActionSeries());

    /// <summary>Actions taken in a real browser (a Blazor circuit), by type.</summary>
    public ActionSeries Browser(string actionType) => _browser.GetOrAdd(actionType, _ => new ActionSeries());

    /// <summary>Actions sent to the participant HTTP API at one instance (by its index in the run's URLs), by type.</summary>
    public ActionSeries InstanceApi(int instance, string actionType) => _perInstance.GetOrAdd((instance, actionType), _ => new ActionSeries());

    /// <summary>Event timestamp → hub message arrival, on the dashboards.</summary>
    public LagSeries DashboardLag { get; } = new();

    /// <summary>The lags of events a dashboard heard from the instance it is connected to.</summary>
    public LagSeries DashboardLagSameInstance { get; } = new();

    /// <summary>The lags of events a dashboard heard that another instance decided: what the shared log and backplane add.</summary>
    public LagSeries DashboardLagCrossInstance { get; } = new();

    /// <summary>Which instance each participant's actions went to, and since when.</summary>
    public ParticipantPlacements Placements { get; } = new();

    /// <summary>Participants who carried on on another instance, and what failed for them there.</summary>
    public InstanceSwitches Switches { get; } = new();

    /// <summary>
    /// Records a dashboard on <paramref name="dashboardInstance"/> hearing an event of <paramref name="actor"/> stamped
    /// <paramref name="occurredAt"/>: in the overall lag, and, when the actor is a participant of this run, as same- or
    /// cross-instance by the instance that participant was on when the event occurred.
    /// </summary>
    public void DashboardHeard(int dashboardInstance, string actor, DateTimeOffset occurredAt, DateTimeOffset heardAt)
    {
        var lag = heardAt - occurredAt;
        DashboardLag.Heard(lag);
        if (Placements.InstanceAt(actor, occurredAt) is { } decidedOn)
        {
            (decidedOn == dashboardInstance ? DashboardLagSameInstance : DashboardLagCrossInstance).Heard(lag);
        }
    }

    /// <summary>One instance's API figures so far, by action type in name order.</summary>
    public IReadOnlyDictionary<string, ActionSummary> InstanceApiSummaries(int instance) =>
        Summaries(new ConcurrentDictionary<string, ActionSeries>(_perInstance.Where(s => s.Key.Instance == instance).Select(s => KeyValuePair.Create(s.Key.ActionType, s.Value)), StringComparer.Ordinal));

    /// <summary>The API's figures so far, by action type in name order.</summary>
    public IReadOnlyDictionary<string, ActionSummary> ApiSummaries() => Summaries(_api);

    /// <summary>The browsers' figures so far, by action type in name order.</summary>
    public IReadOnlyDictionary<string, ActionSummary> BrowserSummaries() => Summaries(_browser);

    private static SortedDictionary<string, ActionSummary> Summaries(ConcurrentDictionary<string, ActionSeries> series) =>
        new(series.ToDictionary(s => s.Key, s => s.Value.Summarize(), StringComparer.Ordinal), StringComparer.Ordinal);
}

/// <summary>Lags between an event and a dashboard hearing of it, and how often a dashboard was told to resync.</summary>
public sealed class LagSeries
{
    private readonly Lock _gate = new();
    private readonly List<double> _lagsMs = [];
    private int _resyncs;

    /// <summary>Records one message's lag.</summary>
    public void Heard(TimeSpan lag)
    {
        lock (_gate)
        {
            _lagsMs.Add(lag.TotalMilliseconds);
        }
    }

    /// <summary>Records a resync: the server dropped messages for a dashboard that fell behind.</summary>
    public void Resynced() => Interlocked.Increment(ref _resyncs);

    /// <summary>The figures so far.</summary>
    public LagSummary Summarize()
    {
        lock (_gate)
        {
            var sorted = _lagsMs.Order().ToList();
            return new LagSummary(
                Percentiles.NearestRank(sorted, 0.50), Percentiles.NearestRank(sorted, 0.99), sorted.Count,
                Percentiles.NearestRank(sorted, 0.95), sorted.Count > 0 ? sorted[^1] : null, Volatile.Read(ref _resyncs));
        }
    }
}

/// <summary>Dashboard lag as the report gives it.</summary>
/// <param name="P50Ms">Median lag.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="Messages">Event messages timed, over every dashboard.</param>
/// <param name="P95Ms">95th percentile.</param>
/// <param name="MaxMs">The largest.</param>
/// <param name="Resyncs">Times a dashboard was told it had missed messages.</param>
public sealed record LagSummary(double? P50Ms, double? P99Ms, int Messages, double? P95Ms, double? MaxMs, int Resyncs);
