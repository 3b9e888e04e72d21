using System.Collections.Concurrent;

namespace MoralGraph.LoadTesting.Measurement;

/// <summary>Where the load's clients report: one <see cref="ActionSeries"/> per action type and channel, and the dashboards' lags.</summary>
public sealed class LoadMeasurements
{
    private readonly ConcurrentDictionary<string, ActionSeries> _api = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ActionSeries> _browser = new(StringComparer.Ordinal);

    /// <summary>Actions sent to the participant HTTP API, by type (<c>join</c>, <c>vote</c>, …).</summary>
    public ActionSeries Api(string actionType) => _api.GetOrAdd(actionType, _ => new ActionSeries());

    /// <summary>Actions taken in a real browser (a Blazor circuit), by type.</summary>
    public ActionSeries Browser(string actionType) => _browser.GetOrAdd(actionType, _ => new ActionSeries());

    /// <summary>Event timestamp → hub message arrival, on the dashboards.</summary>
    public LagSeries DashboardLag { get; } = new();

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
