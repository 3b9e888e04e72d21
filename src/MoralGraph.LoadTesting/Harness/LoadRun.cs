using System.Diagnostics;
using System.Net;
using MoralGraph.LoadTesting.Browsers;
using MoralGraph.LoadTesting.Chaos;
using MoralGraph.LoadTesting.Dashboards;
using MoralGraph.LoadTesting.Instances;
using MoralGraph.LoadTesting.Measurement;
using MoralGraph.LoadTesting.Participants;
using MoralGraph.LoadTesting.Reporting;

namespace MoralGraph.LoadTesting.Harness;

/// <summary>
/// One load run, start to report: dashboards sign in and join the study hub, browsers open their circuits (memory is
/// measured then, before any load), simulated participants arrive over the ramp-up and take the journey at a human
/// pace while the server's process is sampled every second, and everything stops when the time is up — or, in the chaos
/// mode, after the last kill round, when the server is stopped gracefully and its store is checked against every
/// acknowledgement. With several instances (several URLs) participants and dashboards are spread over them round-robin,
/// each instance's process is sampled, and the chaos mode kills one at a time.
/// </summary>
public sealed class LoadRun(LoadRunOptions options, TextWriter progress)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the load and returns what was measured.</summary>
    /// <exception cref="ArgumentException">The options have problems (each listed).</exception>
    /// <exception cref="InvalidOperationException">A server does not answer, or refused the dashboards' sign-in.</exception>
    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }

        var urls = options.Urls;
        var measurements = new LoadMeasurements();
        var acknowledged = new AcknowledgedActions();
        var spread = new InstanceSpread(urls.Count, options.SwitchInstanceShare);
        var supervisors = new List<ServerSupervisor>();
        var https = urls.Select(CreateHttpClient).ToList();
        try
        {
            if (options.Chaos is { } chaos)
            {
                foreach (var (url, command) in urls.Zip(chaos.ServerCommands))
                {
                    var supervisor = new ServerSupervisor(url, command, chaos, progress);
                    supervisors.Add(supervisor);
                    await supervisor.StartAsync(cancellationToken);
                }
            }
            else
            {
                foreach (var url in urls)
                {
                    await EnsureAnsweringAsync(url, cancellationToken);
                }
            }

            return await RunOnInstancesAsync(https, supervisors, spread, measurements, acknowledged, cancellationToken);
        }
        finally
        {
            foreach (var supervisor in supervisors)
            {
                await supervisor.DisposeAsync();
            }

            foreach (var http in https)
            {
                http.Dispose();
            }
        }
    }

    private async Task<LoadReport> RunOnInstancesAsync(
        List<HttpClient> https, List<ServerSupervisor> supervisors, InstanceSpread spread, LoadMeasurements measurements, AcknowledgedActions acknowledged,
        CancellationToken cancellationToken)
    {
        var chaos = supervisors.Count > 0;
        var servers = FindServers(supervisors);
        var retry = options.Chaos is { } chaosOptions ? new RetryPolicy(chaosOptions.StartTimeout + TimeSpan.FromSeconds(30)) : RetryPolicy.None;

        var dashboards = await ConnectDashboardsAsync(measurements, cancellationToken);
        await using var fleet = options.Browsers > 0 ? await BrowserFleet.LaunchAsync(options, measurements, progress, cancellationToken) : null;
        try
        {
            // The browsers open the primary instance's pages, so its process is the one whose memory they are measured by.
            var circuits = fleet is null ? null : await fleet.OpenCircuitsAsync(() => servers(0), cancellationToken);

            using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var startedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            var samplers = Enumerable.Range(0, https.Count).Select(i => new ServerSampler(() => servers(i))).ToList();
            var sampling = Task.WhenAll(samplers.Select(s => s.RunAsync(run.Token)));
            await progress.WriteLineAsync($"Load: {options.Participants} participants arriving over {Durations.Format(options.EffectiveRampUp)}, think time {options.ThinkTime}" +
                (https.Count > 1 ? $", spread over {https.Count} instances" + (options.SwitchInstanceShare > 0 ? $" ({options.SwitchInstanceShare:0.##} of them switching before voting)" : string.Empty) : string.Empty) +
                (chaos ? $", until {options.Chaos!.Rounds} kill rounds are done." : $", for {Durations.Format(options.Duration)}."));
            var journeys = Enumerable.Range(0, options.Participants)
                .Select(i => RunParticipantAsync(i, https, spread, measurements, acknowledged, retry, run.Token)).ToList();
            var browserJourneys = fleet?.RunJourneysAsync(run.Token) ?? Task.CompletedTask;

            ChaosRounds? rounds = null;
            if (chaos)
            {
                rounds = new ChaosRounds(supervisors, options, acknowledged, progress);
                await rounds.RunAsync(https, cancellationToken);
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
            foreach (var (dashboard, _) in dashboards)
            {
                await dashboard.DisposeAsync();
            }

            var dashboardsPerInstance = Enumerable.Range(0, https.Count).Select(i => dashboards.Count(d => d.Instance == i)).ToList();
            dashboards.Clear();
            var ends = Enumerable.Range(0, https.Count).Select(i => servers(i)?.Sample()).ToList();
            ChaosReport? chaosReport = null;
            if (rounds is not null)
            {
                await progress.WriteLineAsync($"Chaos: stopping the server{(supervisors.Count > 1 ? "s" : string.Empty)} gracefully, then checking the store against every acknowledgement.");
                foreach (var supervisor in supervisors)
                {
                    await supervisor.StopGracefullyAsync(cancellationToken);
                }

                chaosReport = await rounds.ReportAsync(retry.Retries, cancellationToken);
            }

            var instances = Enumerable.Range(0, https.Count)
                .Select(i => InstanceReportFor(i, spread.Arrivals[i], dashboardsPerInstance[i], measurements, ServerReportFrom(samplers[i], ends[i], elapsed)))
                .ToList();
            return BuildReport(measurements, startedAt, elapsed, ServerReportFrom(samplers[0], ends[0], elapsed), circuits, chaosReport, instances);
        }
        finally
        {
            foreach (var (dashboard, _) in dashboards)
            {
                await dashboard.DisposeAsync();
            }
        }
    }

    private LoadReport BuildReport(
        LoadMeasurements measurements, DateTimeOffset startedAt, TimeSpan elapsed, ServerReport? server, CircuitReport? circuits, ChaosReport? chaos, List<InstanceReport> instances)
    {
        var api = measurements.ApiSummaries();
        var browser = measurements.BrowserSummaries();
        var errorsByType = api.SelectMany(a => a.Value.ErrorsByKind.Select(e => ($"{a.Key}: {e.Key}", e.Value)))
            .Concat(browser.SelectMany(a => a.Value.ErrorsByKind.Select(e => ($"browser {a.Key}: {e.Key}", e.Value))))
            .ToDictionary(e => e.Item1, e => e.Item2, StringComparer.Ordinal);
        var firstErrors = api.Values.Concat(browser.Values).SelectMany(a => a.FirstErrors).Take(10).ToList();
        var seconds = elapsed.TotalSeconds;
        var several = instances.Count > 1;
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
            Instances = instances,
            DashboardLagSameInstance = several ? DashboardLagReport.From(measurements.DashboardLagSameInstance.Summarize()) : null,
            DashboardLagCrossInstance = several ? DashboardLagReport.From(measurements.DashboardLagCrossInstance.Summarize()) : null,
            SwitchInstanceShare = options.SwitchInstanceShare,
            InstanceSwitches = several ? InstanceSwitchReport.From(measurements.Switches.Summarize()) : null,
        };
    }

    private InstanceReport InstanceReportFor(int instance, int participants, int dashboards, LoadMeasurements measurements, ServerReport? server)
    {
        var actions = measurements.InstanceApiSummaries(instance);
        return new InstanceReport(options.Urls[instance].ToString(), participants, dashboards)
        {
            Vote = actions.TryGetValue("vote", out var vote) ? ActionReport.From(vote) : null,
            Acknowledged = actions.Values.Sum(a => a.Count),
            Errors = actions.Values.Sum(a => a.Errors),
            Server = server,
        };
    }

    private static ServerReport? ServerReportFrom(ServerSampler sampler, ServerSample? end, TimeSpan elapsed) =>
        (end ?? sampler.Last) is { } last
            ? new ServerReport(sampler.Pid, Math.Round(last.RssMb, 1), Math.Round(Math.Max(sampler.PeakRssMb, last.RssMb), 1), Math.Round(sampler.CpuSeconds, 1),
                Math.Round(100 * sampler.CpuSeconds / Math.Max(elapsed.TotalSeconds, 0.001), 0), last.Threads)
            : null;

    private async Task RunParticipantAsync(
        int index, IReadOnlyList<HttpClient> https, InstanceSpread spread, LoadMeasurements measurements, AcknowledgedActions acknowledged, RetryPolicy retry,
        CancellationToken cancellationToken)
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

        var arrival = spread.Arrive();
        var api = new ParticipantApiClient(new InstanceRoute(https, arrival.Instance), options.Study, measurements, retry);
        await new SimulatedParticipant(api, acknowledged, options.ThinkTime, random, arrival.SwitchesInstance).RunAsync(cancellationToken);
    }

    /// <summary>Signs in on each instance that has dashboards (a session cookie need not travel between instances), then connects them round-robin.</summary>
    private async Task<List<(DashboardClient Client, int Instance)>> ConnectDashboardsAsync(LoadMeasurements measurements, CancellationToken cancellationToken)
    {
        var dashboards = new List<(DashboardClient, int)>();
        if (options.Dashboards == 0)
        {
            return dashboards;
        }

        var urls = options.Urls;
        var cookies = new Dictionary<int, CookieContainer>();
        for (var i = 0; i < options.Dashboards; i++)
        {
            var instance = i % urls.Count;
            if (!cookies.TryGetValue(instance, out var signedIn))
            {
                signedIn = cookies[instance] = await FacilitatorSignIn.SignInAsync(urls[instance], options.Facilitator!, cancellationToken);
            }

            dashboards.Add((await DashboardClient.ConnectAsync(urls[instance], instance, options.Study, signedIn, measurements, cancellationToken), instance));
        }

        await progress.WriteLineAsync($"Dashboards: {options.Dashboards} signed in as '{options.Facilitator!.Username}' and listening on the study hub" +
            (urls.Count > 1 ? $", spread over {Math.Min(urls.Count, options.Dashboards)} instances." : "."));
        return dashboards;
    }

    /// <summary>Each instance's process now: the supervisor's (it changes at each restart in the chaos mode), the one given, or the one on its port.</summary>
    private Func<int, ServerProcess?> FindServers(List<ServerSupervisor> supervisors)
    {
        if (supervisors.Count > 0)
        {
            return i => supervisors[i].Process;
        }

        var pids = options.EffectiveServerPids;
        var found = new ServerProcess?[options.Urls.Count];
        for (var i = 0; i < found.Length; i++)
        {
            var url = options.Urls[i];
            var process = pids.Count > 0 ? new ServerProcess(pids[i]) : ServerProcess.FindListeningOn(url.Port);
            if (process is null || !process.IsAlive)
            {
                progress.WriteLine($"Server: no process found listening on port {url.Port}; its memory and CPU will not be reported (give --server-pid).");
                continue;
            }

            found[i] = process;
        }

        return i => found[i];
    }

    private static async Task EnsureAnsweringAsync(Uri url, CancellationToken cancellationToken)
    {
        using var probe = CreateHttpClient(url);
        try
        {
            using var response = await probe.GetAsync(string.Empty, cancellationToken);
        }
        catch (Exception e) when (ParticipantApiClient.IsConnectionFailure(e) || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"nothing answers at {url} ({e.Message}). Start the server first, or use --chaos kill --server-command.", e);
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
