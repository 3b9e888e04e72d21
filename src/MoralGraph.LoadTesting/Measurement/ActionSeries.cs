namespace MoralGraph.LoadTesting.Measurement;

/// <summary>
/// Everything measured about one kind of action on one channel (the API or the browser): the latency of each
/// acknowledged action, the failures by kind with the first few messages, and the refusals the server is designed to
/// give (a changed mind on an answered item), which are neither.
/// </summary>
public sealed class ActionSeries
{
    /// <summary>How many failure messages are kept per action type, so a run with thousands of failures still prints a short report.</summary>
    public const int MessagesKept = 5;

    private readonly Lock _gate = new();
    private readonly List<double> _latenciesMs = [];
    private readonly Dictionary<string, int> _errorsByKind = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _refusalsByCode = new(StringComparer.Ordinal);
    private readonly List<string> _messages = [];

    /// <summary>Records an acknowledged action and how long its acknowledgement took.</summary>
    public void Succeeded(TimeSpan latency)
    {
        lock (_gate)
        {
            _latenciesMs.Add(latency.TotalMilliseconds);
        }
    }

    /// <summary>Records a failure: <paramref name="kind"/> groups them ("HTTP 500", "connection refused"), <paramref name="message"/> says what happened.</summary>
    public void Failed(string kind, string message)
    {
        lock (_gate)
        {
            _errorsByKind[kind] = _errorsByKind.GetValueOrDefault(kind) + 1;
            if (_messages.Count < MessagesKept)
            {
                _messages.Add(message);
            }
        }
    }

    /// <summary>Records a refusal the journey gives by design (its problem <paramref name="code"/>); not an error.</summary>
    public void Refused(string code)
    {
        lock (_gate)
        {
            _refusalsByCode[code] = _refusalsByCode.GetValueOrDefault(code) + 1;
        }
    }

    /// <summary>A consistent copy of what was recorded so far.</summary>
    public ActionSummary Summarize()
    {
        lock (_gate)
        {
            var sorted = _latenciesMs.Order().ToList();
            return new ActionSummary(
                sorted.Count,
                _errorsByKind.Values.Sum(),
                Percentiles.NearestRank(sorted, 0.50),
                Percentiles.NearestRank(sorted, 0.95),
                Percentiles.NearestRank(sorted, 0.99),
                sorted.Count > 0 ? sorted[^1] : null,
                new Dictionary<string, int>(_errorsByKind, StringComparer.Ordinal),
                new Dictionary<string, int>(_refusalsByCode, StringComparer.Ordinal),
                [.. _messages]);
        }
    }
}

/// <summary>One action type's figures, as the report gives them.</summary>
/// <param name="Count">Actions acknowledged (HTTP 2xx, or the page showing the result).</param>
/// <param name="Errors">Actions that failed.</param>
/// <param name="P50Ms">Median acknowledgement latency.</param>
/// <param name="P95Ms">95th percentile.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="MaxMs">The slowest.</param>
/// <param name="ErrorsByKind">Failures per kind ("HTTP 500", "timeout", …).</param>
/// <param name="Refusals">Refusals the server gives by design, per problem code; not counted as errors.</param>
/// <param name="FirstErrors">The first few failure messages.</param>
public sealed record ActionSummary(
    int Count, int Errors, double? P50Ms, double? P95Ms, double? P99Ms, double? MaxMs,
    IReadOnlyDictionary<string, int> ErrorsByKind, IReadOnlyDictionary<string, int> Refusals, IReadOnlyList<string> FirstErrors);
