using System.Diagnostics;
using System.Net;
using MoralGraph.LoadTesting.Browsers;
using MoralGraph.LoadTesting.Chaos;
using MoralGraph.LoadTesting.Dashboards;
using MoralGraph.LoadTesting.Measurement;
using MoralGraph.LoadTesting.Participants;
using MoralGraph.LoadTesting.Reporting;

namespace MoralGraph.LoadTesting.Harness;

/// <summary>
/// One load run, start to report: dashboards sign in and join the study hub, browsers open their circuits (memory is
/// measured then, before any load), simulated participants arrive over the ramp-up and take the journey at a human
/// pace while the server's process is sampled every second, and everything stops when the time is up — or, in the chaos
/// mode, after the last kill round, when the server is stopped gracefully and its store is checked against every
/// acknowledgement.
/// </summary>
public sealed class LoadRun(LoadRunOptions options, TextWriter progress)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the load and returns what was measured.</summary>
    /// <exception cref="ArgumentException">The options have problems (each listed).</exception>
    /// <exception cref="InvalidOperationException">The server does not answer, or refused the dashboards' sign-in.</exception>
    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }

        var measurements = new LoadMeasurements();
        var acknowledged = new AcknowledgedActions();
        await using var supervisor = options.Chaos is { } chaos ? new ServerSupervisor(options.Url, chaos, progress) : null;
        if (supervisor is not null)
        {
            await supervisor.StartAsync(cancellationToken);
        }
        else
        {
            await EnsureAnsweringAsync(cancellationToken);
        }

        var server = FindServer(supervisor);
        using var http = CreateHttpClient(options.Url);
        var retry = options.Chaos is { } chaosOptions ? new RetryPolicy(chaosOptions.StartTimeout + TimeSpan.FromSeconds(30)) : RetryPolicy.None;

        var dashboards = await ConnectDashboardsAsync(measurements, cancellationToken);
        await using var fleet = options.Browsers > 0 ? await BrowserFleet.LaunchAsync(options, measurements, progress, cancellationToken) : null;
        try
        {
            var circuits = fleet is null ? null : await fleet.OpenCircuitsAsync(() => CurrentServer(supervisor, server), cancellationToken);

            using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var startedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            var sampler = new ServerSampler(() => CurrentServer(supervisor, server));
            var sampling = sampler.RunAsync(run.Token);
            await progress.WriteLineAsync($"Load: {options.Participants} participants arriving over {Durations.Format(options.EffectiveRampUp)}, think time {options.ThinkTime}" +
                (supervisor is null ? $", for {Durations.Format(options.Duration)}." : $", until {options.Chaos!.Rounds} kill rounds are done."));
            var journeys = Enumerable.Range(0, options.Participants).Select(i => RunParticipantAsync(i, http, measurements, acknowledged, retry, run.Token)).ToList();
            var browserJourneys = fleet?.RunJourneysAsync(run.Token) ?? Task.CompletedTask;

            ChaosRounds? rounds = null;
            if (supervisor is not null)
            {
                rounds = new ChaosRounds(supervisor, options, acknowledged, progress);
                await rounds.RunAsync(http, cancellationToken);
            }
            else
            {
                await Task.Delay(options.Duration, cancellationToken);
            }

            await run.CancelAsync();
            await Task.WhenAll(journeys);
            await browserJourneys;
            var elapsed = clock.Elapsed;
            await sampling;

            // Messages for the last actions are on their way to the dashboards; give them a moment before hanging up.
            await Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None);
            foreach (var dashboard in dashboards)
            {
                await dashboard.DisposeAsync();
            }

            dashboards.Clear();
            var end = CurrentServer(supervisor, server)?.Sample();
            ChaosReport? chaosReport = null;
            if (supervisor is not null && rounds is not null)
            {
                await progress.WriteLineAsync("Chaos: stopping the server gracefully, then checking its store against every acknowledgement.");
                await supervisor.StopGracefullyAsync(cancellationToken);
                chaosReport = await rounds.ReportAsync(retry.Retries, cancellationToken);
            }

            return BuildReport(measurements, startedAt, elapsed, sampler, end, circuits, chaosReport);
        }
        finally
        {
            foreach (var dashboard in dashboards)
            {
                await dashboard.DisposeAsync();
            }
        }
    }

    private LoadReport BuildReport(
        LoadMeasurements measurements, DateTimeOffset startedAt, TimeSpan elapsed, ServerSampler sampler, ServerSample? end, CircuitReport? circuits, ChaosReport? chaos)
    {
        var api = measurements.ApiSummaries();
        var browser = measurements.BrowserSummaries();
        var errorsByType = api.SelectMany(a => a.Value.ErrorsByKind.Select(e => ($"{a.Key}: {e.Key}", e.Value)))
            .Concat(browser.SelectMany(a => a.Value.ErrorsByKind.Select(e => ($"browser {a.Key}: {e.Key}", e.Value))))
            .ToDictionary(e => e.Item1, e => e.Item2, StringComparer.Ordinal);
        var firstErrors = api.Values.Concat(browser.Values).SelectMany(a => a.FirstErrors).Take(10).ToList();
        var seconds = elapsed.TotalSeconds;
        var server = (end ?? sampler.Last) is { } last
            ? new ServerReport(sampler.Pid, Math.Round(last.RssMb, 1), Math.Round(Math.Max(sampler.PeakRssMb, last.RssMb), 1), Math.Round(sampler.CpuSeconds, 1),
                Math.Round(100 * sampler.CpuSeconds / Math.Max(seconds, 0.001), 0), last.Threads)
            : null;
        return new LoadReport(
            options.Participants,
            Math.Round(seconds, 1),
            api.ToDictionary(a => a.Key, a => ActionReport.From(a.Value), StringComparer.Ordinal),
            DashboardLagReport.From(measurements.DashboardLag.Summarize()),
            server?.RssMb)
        {
            Study = options.Study,
            StartedAt = startedAt,
            ThinkTime = options.ThinkTime.ToString(),
            Seed = options.Seed,
            ActionsPerSecond = Math.Round(api.Values.Sum(a => a.Count) / Math.Max(seconds, 0.001), 1),
            Browsers = options.Browsers,
            BrowserActions = browser.ToDictionary(a => a.Key, a => ActionReport.From(a.Value), StringComparer.Ordinal),
            Dashboards = options.Dashboards,
            Errors = new ErrorReport(errorsByType.Values.Sum(), errorsByType, firstErrors),
            Server = server,
            Circuits = circuits,
            Chaos = chaos,
        };
    }

    private async Task RunParticipantAsync(int index, HttpClient http, LoadMeasurements measurements, AcknowledgedActions acknowledged, RetryPolicy retry, CancellationToken cancellationToken)
    {
        // Each participant has its own seeded randomness, so a run's choices do not depend on the order tasks interleave.
        var random = new Random(HashCode.Combine(options.Seed, index));
        try
        {
            await Task.Delay(options.EffectiveRampUp * random.NextDouble(), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var api = new ParticipantApiClient(http, options.Study, measurements, retry);
        await new SimulatedParticipant(api, acknowledged, options.ThinkTime, random).RunAsync(cancellationToken);
    }

    private async Task<List<DashboardClient>> ConnectDashboardsAsync(LoadMeasurements measurements, CancellationToken cancellationToken)
    {
        var dashboards = new List<DashboardClient>();
        if (options.Dashboards == 0)
        {
            return dashboards;
        }

        var cookies = await FacilitatorSignIn.SignInAsync(options.Url, options.Facilitator!, cancellationToken);
        for (var i = 0; i < options.Dashboards; i++)
        {
            dashboards.Add(await DashboardClient.ConnectAsync(options.Url, options.Study, cookies, measurements.DashboardLag, cancellationToken));
        }

        await progress.WriteLineAsync($"Dashboards: {options.Dashboards} signed in as '{options.Facilitator!.Username}' and listening on the study hub.");
        return dashboards;
    }

    private ServerProcess? FindServer(ServerSupervisor? supervisor)
    {
        if (supervisor is not null)
        {
            return supervisor.Process;
        }

        var found = options.ServerPid is { } pid ? new ServerProcess(pid) : ServerProcess.FindListeningOn(options.Url.Port);
        if (found is null || !found.IsAlive)
        {
            progress.WriteLine($"Server: no process found listening on port {options.Url.Port}; memory and CPU will not be reported (give --server-pid).");
            return null;
        }

        return found;
    }

    // In the chaos mode the server's process changes at each restart.
    private static ServerProcess? CurrentServer(ServerSupervisor? supervisor, ServerProcess? server) => supervisor?.Process ?? server;

    private async Task EnsureAnsweringAsync(CancellationToken cancellationToken)
    {
        using var probe = CreateHttpClient(options.Url);
        try
        {
            using var response = await probe.GetAsync(string.Empty, cancellationToken);
        }
        catch (Exception e) when (ParticipantApiClient.IsConnectionFailure(e) || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"nothing answers at {options.Url} ({e.Message}). Start the server first, or use --chaos kill --server-command.", e);
        }
    }

    internal static HttpClient CreateHttpClient(Uri server) => new(new SocketsHttpHandler
    {
        // One machine's worth of participants: no cap on connections, no cookies (participants send bearer tokens).
        MaxConnectionsPerServer = int.MaxValue,
        UseCookies = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = server,
        Timeout = RequestTimeout,
    };
}
