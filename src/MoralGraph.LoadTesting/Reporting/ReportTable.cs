using System.Globalization;
using System.Text;

namespace MoralGraph.LoadTesting.Reporting;

/// <summary>The report as the command prints it: one line per action type and channel, then the rest in sentences.</summary>
public static class ReportTable
{
    /// <summary>Issue 14's bound on the cross-instance dashboard lag's p99, which the table says was met or not.</summary>
    public const double CrossInstanceLagTargetMs = 1000;

    /// <summary>Renders <paramref name="report"/> as plain text in columns (no colours, so it pastes into an issue as it is).</summary>
    public static string Render(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        Line(text, $"Load on '{report.Study}': {report.Participants} participants, {report.DurationSeconds:0.0} s, think time {report.ThinkTime}, {report.Browsers} browsers, {report.Dashboards} dashboards, seed {report.Seed}: {report.ActionsPerSecond:0.0} API actions/s.");
        Line(text, $"{"channel",-8} {"action",-12} {"count",7} {"errors",6} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}  refusals");
        Rows(text, "api", report.Actions);
        Rows(text, "browser", report.BrowserActions);
        var lag = report.DashboardLag;
        if (lag.Messages == 0)
        {
            Line(text, $"Dashboard lag: no event messages timed.");
        }
        else
        {
            Line(text, $"Dashboard lag (event time → hub message): p50 {Ms(lag.P50Ms)} ms, p95 {Ms(lag.P95Ms)} ms, p99 {Ms(lag.P99Ms)} ms, max {Ms(lag.MaxMs)} ms over {lag.Messages} messages; {lag.Resyncs} resyncs.");
        }

        if (report.DashboardLagCrossInstance is { } cross && report.DashboardLagSameInstance is { } same)
        {
            var target = cross.P99Ms is { } p99 ? $"; target p99 ≤ {CrossInstanceLagTargetMs:0} ms {(p99 <= CrossInstanceLagTargetMs ? "met" : "NOT met")}" : string.Empty;
            Line(text, $"  same instance: p50 {Ms(same.P50Ms)} ms, p99 {Ms(same.P99Ms)} ms over {same.Messages} messages; cross-instance: p50 {Ms(cross.P50Ms)} ms, p95 {Ms(cross.P95Ms)} ms, p99 {Ms(cross.P99Ms)} ms, max {Ms(cross.MaxMs)} ms over {cross.Messages} messages{target}.");
        }

        if (report.Instances.Count > 1)
        {
            foreach (var instance in report.Instances)
            {
                var vote = instance.Vote;
                var process = instance.Server is { } s ? $"; pid {s.Pid}, RSS {s.RssMb:0.0} MiB (peak {s.PeakRssMb:0.0}), CPU {s.CpuSeconds:0.0} s" : "; process not found";
                Line(text, $"Instance {instance.Url}: {instance.Participants} participants, {instance.Dashboards} dashboards, {instance.Acknowledged} actions acknowledged, {instance.Errors} errors; votes {vote?.Count ?? 0}, p50 {Ms(vote?.P50Ms)} ms, p95 {Ms(vote?.P95Ms)} ms, p99 {Ms(vote?.P99Ms)} ms{process}.");
            }
        }

        if (report.InstanceSwitches is { } switches && (report.SwitchInstanceShare > 0 || switches.Participants > 0))
        {
            Line(text, $"Instance switches (share {report.SwitchInstanceShare:0.##}): {switches.Participants} participants carried on on another instance; {switches.FailedActions} of their actions failed after, {switches.ProgressMissing} found their progress missing.");
            foreach (var message in switches.First)
            {
                Line(text, $"  {message}");
            }
        }

        if (report.Server is { } server)
        {
            Line(text, $"Server (pid {server.Pid}): RSS {server.RssMb:0.0} MiB at the end, peak {server.PeakRssMb:0.0} MiB; CPU {server.CpuSeconds:0.0} s ({server.CpuPercent:0} % of one core); {server.Threads} threads.");
        }
        else
        {
            Line(text, $"Server: its process was not found (give --server-pid), so no memory or CPU figures.");
        }
        if (report.Circuits is { } circuits)
        {
            Line(text, $"Circuits: {circuits.Count} open: RSS {circuits.BaselineRssMb:0.0} → {circuits.WithCircuitsRssMb:0.0} MiB, {circuits.PerCircuitKb:0} KiB per circuit.");
        }

        if (report.Errors.Total == 0)
        {
            Line(text, $"Errors: none.");
        }
        else
        {
            Line(text, $"Errors: {report.Errors.Total} — {string.Join(", ", report.Errors.ByType.Select(e => $"{e.Key} ×{e.Value}"))}.");
        }
        foreach (var message in report.Errors.First)
        {
            Line(text, $"  {message}");
        }

        if (report.Chaos is { } chaos)
        {
            var recovery = chaos.RecoveryMs.Order().ToList();
            Line(text, $"Chaos: {chaos.Rounds} kill rounds; lost acknowledged actions: {chaos.LostAcknowledgedActions} (of {string.Join(", ", chaos.Acknowledged.Select(a => $"{a.Value} {a.Key}"))}); chain verified: {YesNo(chaos.ChainVerified)}; state equals replay: {YesNo(chaos.StateEqualsReplay)}.");
            if (recovery.Count > 0)
            {
                Line(text, $"  Recovery (kill → first answer): {string.Join(", ", chaos.RecoveryMs.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))} ms; median {recovery[(recovery.Count - 1) / 2]:0} ms, max {recovery[^1]:0} ms.");
            }

            if (chaos.KilledInstances.Distinct().Count() > 1)
            {
                Line(text, $"  Killed, round by round: {string.Join(", ", chaos.KilledInstances)}.");
            }

            Line(text, $"  Requests retried: {chaos.RequestsRetried}; joins retried: {chaos.JoinsRetried}; participants checked after restarts: {chaos.ParticipantsCheckedAfterRestarts}; inconsistent answers: {chaos.InconsistentAnswers.Count}.");
            foreach (var finding in chaos.Lost.Concat(chaos.InconsistentAnswers).Concat(chaos.StoreChecks))
            {
                Line(text, $"  {finding}");
            }
        }

        return text.ToString();
    }

    private static void Rows(StringBuilder text, string channel, IReadOnlyDictionary<string, ActionReport> actions)
    {
        foreach (var (type, action) in actions)
        {
            var refusals = string.Join(", ", action.Refusals.Select(r => $"{r.Key} ×{r.Value}"));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{channel,-8} {type,-12} {action.Count,7} {action.Errors,6} {Ms(action.P50Ms),8} {Ms(action.P95Ms),8} {Ms(action.P99Ms),8} {Ms(action.MaxMs),8}  {refusals}").TrimEnd());
        }
    }

    private static string Ms(double? value) => value is { } ms ? ms.ToString("0.0", CultureInfo.InvariantCulture) : "—";

    private static string YesNo(bool value) => value ? "yes" : "NO";

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
