using System.Text.Json;
using System.Text.Json.Serialization;
using MoralGraph.LoadTesting.Measurement;

namespace MoralGraph.LoadTesting.Reporting;

/// <summary>
/// What a load run measured, as <c>--report FILE.json</c> writes it. Users script against this shape: fields are added,
/// never renamed. The first five (<c>participants</c>, <c>durationSeconds</c>, <c>actions</c>, <c>dashboardLag</c>,
/// <c>serverRssMb</c>) are the ones the issue fixed.
/// </summary>
/// <param name="Participants">Simulated participants on the API.</param>
/// <param name="DurationSeconds">How long the load ran.</param>
/// <param name="Actions">Per API action type (<c>join</c>, <c>me</c>, <c>items</c>, <c>vote</c>, …): acknowledged count, errors and latency percentiles.</param>
/// <param name="DashboardLag">Event time → hub message arrival on the dashboards.</param>
/// <param name="ServerRssMb">The server's resident memory at the end of the load, MiB (null when its process was not found).</param>
public sealed record LoadReport(
    int Participants,
    double DurationSeconds,
    IReadOnlyDictionary<string, ActionReport> Actions,
    DashboardLagReport DashboardLag,
    double? ServerRssMb)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The study loaded.</summary>
    public string Study { get; init; } = string.Empty;

    /// <summary>When the load started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The pause before each action, as given (<c>2s..8s</c>).</summary>
    public string ThinkTime { get; init; } = string.Empty;

    /// <summary>The seed of every random choice.</summary>
    public int Seed { get; init; }

    /// <summary>API actions acknowledged per second over the run (browser actions not included).</summary>
    public double ActionsPerSecond { get; init; }

    /// <summary>Real browsers that took the journey.</summary>
    public int Browsers { get; init; }

    /// <summary>Per browser action type, timed in the page.</summary>
    public IReadOnlyDictionary<string, ActionReport> BrowserActions { get; init; } = new Dictionary<string, ActionReport>();

    /// <summary>Dashboards listening on the study hub.</summary>
    public int Dashboards { get; init; }

    /// <summary>Failures over every action, API and browser.</summary>
    public ErrorReport Errors { get; init; } = new(0, new Dictionary<string, int>(), []);

    /// <summary>The server's process over the run, when found.</summary>
    public ServerReport? Server { get; init; }

    /// <summary>What each open Blazor circuit costs the server, when browsers ran.</summary>
    public CircuitReport? Circuits { get; init; }

    /// <summary>The crash-proof mode's findings, when it ran.</summary>
    public ChaosReport? Chaos { get; init; }

    /// <summary>
    /// Each instance the load was spread over (one per <c>--url</c>, the first being the one <see cref="Server"/> and
    /// <see cref="ServerRssMb"/> describe): its participants, dashboards, vote acknowledgements and process.
    /// </summary>
    public IReadOnlyList<InstanceReport> Instances { get; init; } = [];

    /// <summary>With several instances: the lag of events a dashboard heard from the instance it is connected to (null with one).</summary>
    public DashboardLagReport? DashboardLagSameInstance { get; init; }

    /// <summary>With several instances: the lag of events another instance decided (null with one); the target is p99 ≤ 1 s.</summary>
    public DashboardLagReport? DashboardLagCrossInstance { get; init; }

    /// <summary>The share of participants asked to switch instance before voting (<c>--switch-instance-share</c>).</summary>
    public double SwitchInstanceShare { get; init; }

    /// <summary>With several instances: the participants who switched instance and what failed for them after (null with one).</summary>
    public InstanceSwitchReport? InstanceSwitches { get; init; }

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    public static LoadReport? FromJson(string json) => JsonSerializer.Deserialize<LoadReport>(json, Json);
}

/// <summary>One action type's figures.</summary>
/// <param name="Count">Acknowledged.</param>
/// <param name="Errors">Failed.</param>
/// <param name="P50Ms">Median acknowledgement latency, ms.</param>
/// <param name="P95Ms">95th percentile, ms.</param>
/// <param name="P99Ms">99th percentile, ms.</param>
public sealed record ActionReport(int Count, int Errors, double? P50Ms, double? P95Ms, double? P99Ms)
{
    /// <summary>The slowest, ms.</summary>
    public double? MaxMs { get; init; }

    /// <summary>Refusals the server gives by design, per problem code (not errors).</summary>
    public IReadOnlyDictionary<string, int> Refusals { get; init; } = new Dictionary<string, int>();

    internal static ActionReport From(ActionSummary summary) =>
        new(summary.Count, summary.Errors, Round(summary.P50Ms), Round(summary.P95Ms), Round(summary.P99Ms))
        {
            MaxMs = Round(summary.MaxMs), Refusals = summary.Refusals,
        };

    internal static double? Round(double? milliseconds) => milliseconds is { } value ? Math.Round(value, 1) : null;
}

/// <summary>Dashboard lag.</summary>
/// <param name="P50Ms">Median, ms.</param>
/// <param name="P99Ms">99th percentile, ms.</param>
public sealed record DashboardLagReport(double? P50Ms, double? P99Ms)
{
    /// <summary>Event messages timed, over every dashboard.</summary>
    public int Messages { get; init; }

    /// <summary>95th percentile, ms.</summary>
    public double? P95Ms { get; init; }

    /// <summary>The largest, ms.</summary>
    public double? MaxMs { get; init; }

    /// <summary>Times the server told a dashboard it had dropped messages for it.</summary>
    public int Resyncs { get; init; }

    internal static DashboardLagReport From(LagSummary lag) =>
        new(ActionReport.Round(lag.P50Ms), ActionReport.Round(lag.P99Ms))
        {
            Messages = lag.Messages, P95Ms = ActionReport.Round(lag.P95Ms), MaxMs = ActionReport.Round(lag.MaxMs), Resyncs = lag.Resyncs,
        };
}

/// <summary>One instance of the app, as the load saw it.</summary>
/// <param name="Url">Its <c>--url</c>.</param>
/// <param name="Participants">Participants who arrived at it (switches and fail-overs not counted).</param>
/// <param name="Dashboards">Dashboards connected to it.</param>
public sealed record InstanceReport(string Url, int Participants, int Dashboards)
{
    /// <summary>Votes it acknowledged, with their latency percentiles (null when none was sent to it).</summary>
    public ActionReport? Vote { get; init; }

    /// <summary>API actions it acknowledged, over every type.</summary>
    public int Acknowledged { get; init; }

    /// <summary>API actions sent to it that failed.</summary>
    public int Errors { get; init; }

    /// <summary>Its process over the run, when found.</summary>
    public ServerReport? Server { get; init; }
}

/// <summary>Participants who carried on on another instance with the same token (a lost sticky session).</summary>
/// <param name="Participants">Participants who switched.</param>
/// <param name="FailedActions">Their actions that failed after the switch: must be 0.</param>
/// <param name="ProgressMissing">Switched participants the new instance did not show as far as they had come (their card, their step): must be 0.</param>
public sealed record InstanceSwitchReport(int Participants, int FailedActions, int ProgressMissing)
{
    /// <summary>The first few failures, in words.</summary>
    public IReadOnlyList<string> First { get; init; } = [];

    internal static InstanceSwitchReport From(Instances.InstanceSwitchSummary summary) =>
        new(summary.Participants, summary.FailedActions, summary.ProgressMissing) { First = summary.First };
}

/// <summary>Failures over the run.</summary>
/// <param name="Total">All of them.</param>
/// <param name="ByType">Per "action: kind", e.g. <c>vote: HTTP 500</c>; browser actions are prefixed <c>browser </c>.</param>
/// <param name="First">The first few messages of each action type.</param>
public sealed record ErrorReport(int Total, IReadOnlyDictionary<string, int> ByType, IReadOnlyList<string> First);

/// <summary>The server's process.</summary>
/// <param name="Pid">Its id (the last one, in the chaos mode).</param>
/// <param name="RssMb">Resident memory at the end of the load, MiB.</param>
/// <param name="PeakRssMb">The most resident memory while the load ran (sampled every second), MiB.</param>
/// <param name="CpuSeconds">CPU time the server used during the load.</param>
/// <param name="CpuPercent">That over the load's wall time (200% is both cores of a 2-core machine).</param>
/// <param name="Threads">Threads at the end.</param>
public sealed record ServerReport(int Pid, double RssMb, double PeakRssMb, double CpuSeconds, double CpuPercent, int Threads);

/// <summary>Memory per Blazor circuit: the server's RSS with the circuits open minus before, over their number.</summary>
/// <param name="Count">Circuits opened (one per browser).</param>
/// <param name="BaselineRssMb">RSS before they opened (after one warm-up circuit came and went), MiB.</param>
/// <param name="WithCircuitsRssMb">RSS with all of them open and idle on the study's first page, MiB.</param>
/// <param name="PerCircuitKb">The difference over <paramref name="Count"/>, KiB.</param>
public sealed record CircuitReport(int Count, double BaselineRssMb, double WithCircuitsRssMb, double PerCircuitKb);

/// <summary>The crash-proof mode's findings.</summary>
/// <param name="Rounds">Kills made (each followed by a restart).</param>
/// <param name="LostAcknowledgedActions">Acknowledged joins, cards, votes and surveys missing from the store or differing there: must be 0.</param>
/// <param name="RecoveryMs">Per restart: SIGKILL → the first successful answer of the new server.</param>
/// <param name="ChainVerified">The hash chain verified after the last round.</param>
/// <param name="StateEqualsReplay">Each study's state as the app restores it (snapshot + tail) equals a full replay.</param>
public sealed record ChaosReport(int Rounds, int LostAcknowledgedActions, IReadOnlyList<double> RecoveryMs, bool ChainVerified, bool StateEqualsReplay)
{
    /// <summary>Acknowledged actions checked in the store, per kind (join, card, vote, survey).</summary>
    public IReadOnlyDictionary<string, int> Acknowledged { get; init; } = new Dictionary<string, int>();

    /// <summary>What was lost, first few.</summary>
    public IReadOnlyList<string> Lost { get; init; } = [];

    /// <summary>Requests the clients sent again after a connection failed.</summary>
    public long RequestsRetried { get; init; }

    /// <summary>Joins sent again; each may have left a participant no client knows of (a join is not idempotent).</summary>
    public int JoinsRetried { get; init; }

    /// <summary>Participants asked after each restart (/me and /items) whether their acknowledged card and votes were there.</summary>
    public int ParticipantsCheckedAfterRestarts { get; init; }

    /// <summary>Answers after a restart that contradicted an earlier acknowledgement.</summary>
    public IReadOnlyList<string> InconsistentAnswers { get; init; } = [];

    /// <summary>What the chain check and the replay check said.</summary>
    public IReadOnlyList<string> StoreChecks { get; init; } = [];

    /// <summary>The instance each round killed, by its URL (with several instances they take turns).</summary>
    public IReadOnlyList<string> KilledInstances { get; init; } = [];
}
