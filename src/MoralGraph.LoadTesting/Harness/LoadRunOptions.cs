using MoralGraph.Core.Events;

namespace MoralGraph.LoadTesting.Harness;

/// <summary>What a load run does; <see cref="Validate"/> lists every problem before anything starts.</summary>
public sealed record LoadRunOptions
{
    /// <summary>The most participants one run simulates: a bound on what the harness may send, whatever is typed.</summary>
    public const int MaxParticipants = 100_000;

    /// <summary>The longest run: the harness stops by itself.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    /// <summary>The server, on a loopback address (see <see cref="LoopbackUrl"/>); with several instances, the first (primary) one.</summary>
    public required Uri Url { get; init; }

    /// <summary>
    /// More instances of the same app behind one address (on a shared store), after <see cref="Url"/>: participants and
    /// dashboards are spread over all of them round-robin.
    /// </summary>
    public IReadOnlyList<Uri> OtherUrls { get; init; } = [];

    /// <summary>Every instance: <see cref="Url"/> first, then <see cref="OtherUrls"/>.</summary>
    public IReadOnlyList<Uri> Urls => [Url, .. OtherUrls];

    /// <summary>
    /// The share (0–1) of participants who, after their card and before voting, carry on on another instance with the
    /// same token: a load balancer that lost their sticky session.
    /// </summary>
    public double SwitchInstanceShare { get; init; }

    /// <summary>The study's slug.</summary>
    public required string Study { get; init; }

    /// <summary>Simulated participants on the HTTP API; each takes the journey once.</summary>
    public int Participants { get; init; } = 1000;

    /// <summary>How long the load lasts; participants still on their way are stopped then.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The pause before each action.</summary>
    public ThinkTime ThinkTime { get; init; } = ThinkTime.Human;

    /// <summary>Arrivals are spread over this time from the start, as people open a link over a few seconds, not at one instant.</summary>
    public TimeSpan? RampUp { get; init; }

    /// <summary>Real browsers (Blazor circuits) taking the journey in Chromium.</summary>
    public int Browsers { get; init; }

    /// <summary>The Chromium binary the browsers run.</summary>
    public string ChromiumPath { get; init; } = "/usr/bin/chromium";

    /// <summary>Dashboards listening on the study hub.</summary>
    public int Dashboards { get; init; }

    /// <summary>The facilitator the dashboards sign in as (needed when <see cref="Dashboards"/> &gt; 0).</summary>
    public FacilitatorCredentials? Facilitator { get; init; }

    /// <summary>The server's process id; found from the port it listens on when null.</summary>
    public int? ServerPid { get; init; }

    /// <summary>Each instance's process id, in the order of <see cref="Urls"/>; when given, it takes the place of <see cref="ServerPid"/>.</summary>
    public IReadOnlyList<int> ServerPids { get; init; } = [];

    /// <summary>The process ids given, one per instance in <see cref="Urls"/>' order, or none (each is then found from its port).</summary>
    public IReadOnlyList<int> EffectiveServerPids => ServerPids.Count > 0 ? ServerPids : ServerPid is { } pid ? [pid] : [];

    /// <summary>Seeds every random choice (arrivals, pauses, verdicts), so a run can be repeated.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The crash-proof mode, or null for a plain load run.</summary>
    public ChaosOptions? Chaos { get; init; }

    /// <summary>The arrival window: the given one, else a third of the run, at most ten seconds.</summary>
    public TimeSpan EffectiveRampUp => RampUp ?? TimeSpan.FromTicks(Math.Min(Duration.Ticks / 3, TimeSpan.FromSeconds(10).Ticks));

    /// <summary>Every problem with these options, one sentence each; empty when the run can start.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var url in Urls.Where(u => !LoopbackUrl.IsLoopback(u)))
        {
            problems.Add($"--url {url} is not a loopback address.");
        }

        if (Urls.Select(u => u.GetLeftPart(UriPartial.Authority)).Distinct(StringComparer.OrdinalIgnoreCase).Count() < Urls.Count)
        {
            problems.Add("--url names the same instance twice.");
        }

        if (!(SwitchInstanceShare is >= 0 and <= 1))
        {
            problems.Add($"--switch-instance-share {SwitchInstanceShare} is outside 0–1.");
        }
        else if (SwitchInstanceShare > 0 && Urls.Count < 2)
        {
            problems.Add("--switch-instance-share needs a second --url: there is no other instance to switch to.");
        }

        if (EffectiveServerPids.Count > 0 && EffectiveServerPids.Count != Urls.Count)
        {
            problems.Add($"--server-pid is given {EffectiveServerPids.Count} times for {Urls.Count} --url: give one per instance, in the same order, or none.");
        }

        if (string.IsNullOrWhiteSpace(Study))
        {
            problems.Add("--study names no study.");
        }

        if (Participants is < 0 or > MaxParticipants)
        {
            problems.Add($"--participants {Participants} is outside 0–{MaxParticipants}.");
        }

        if (Duration <= TimeSpan.Zero || Duration > MaxDuration)
        {
            problems.Add($"--duration {Durations.Format(Duration)} is outside 1ms–1h.");
        }

        if (Browsers is < 0 or > 100)
        {
            problems.Add($"--browsers {Browsers} is outside 0–100.");
        }

        if (Dashboards is < 0 or > 100)
        {
            problems.Add($"--dashboards {Dashboards} is outside 0–100.");
        }

        if (Dashboards > 0 && Facilitator is null)
        {
            problems.Add("--dashboards needs --facilitator NAME (and the password in MORALGRAPH_LOAD_PASSWORD or on standard input).");
        }

        if (Chaos is { } chaos)
        {
            if (chaos.Rounds is < 1 or > 1000)
            {
                problems.Add($"--rounds {chaos.Rounds} is outside 1–1000.");
            }

            if (chaos.KillEvery < TimeSpan.FromMilliseconds(100) || chaos.KillEvery > TimeSpan.FromMinutes(10))
            {
                problems.Add($"--kill-every {Durations.Format(chaos.KillEvery)} is outside 100ms–10m.");
            }

            if (string.IsNullOrWhiteSpace(chaos.ServerCommand))
            {
                problems.Add("--chaos kill needs --server-command: the harness starts, kills and restarts the server itself.");
            }
            else if (chaos.ServerCommands.Count != Urls.Count)
            {
                problems.Add($"--server-command is given {chaos.ServerCommands.Count} times for {Urls.Count} --url: with --chaos kill, give one per instance, in the same order.");
            }

            if (chaos.OpenStore is null)
            {
                problems.Add("--chaos kill needs the store (--db) to check every acknowledgement against after the last round.");
            }

            if (EffectiveServerPids.Count > 0)
            {
                problems.Add("--server-pid does not go with --chaos: the harness starts the server and knows its process.");
            }
        }

        return problems;
    }
}

/// <summary>A facilitator's sign-in.</summary>
/// <param name="Username">The account.</param>
/// <param name="Password">Its password (never printed or written to the report).</param>
public sealed record FacilitatorCredentials(string Username, string Password)
{
    /// <inheritdoc />
    public override string ToString() => $"{Username} (password hidden)";
}

/// <summary>The crash-proof mode: the harness owns the server process and kills it with SIGKILL during the load.</summary>
/// <param name="ServerCommand">A shell command that starts the server on <see cref="LoadRunOptions.Url"/>'s port, run with <c>/bin/sh -c</c>.</param>
/// <param name="KillEvery">Load time between one restart answering and the next kill.</param>
/// <param name="Rounds">Kills (each followed by a restart).</param>
/// <param name="DatabasePath">The store the servers write (<c>--db</c>); the check after the last round opens it through <see cref="OpenStore"/>, not by this path.</param>
public sealed record ChaosOptions(string ServerCommand, TimeSpan KillEvery, int Rounds, string DatabasePath)
{
    /// <summary>The longest a restarted server may take to answer before the run fails.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>With several instances: the commands that start <see cref="LoadRunOptions.OtherUrls"/>, in their order.</summary>
    public IReadOnlyList<string> OtherServerCommands { get; init; } = [];

    /// <summary>One command per instance: <see cref="ServerCommand"/> (the primary's) first.</summary>
    public IReadOnlyList<string> ServerCommands => [ServerCommand, .. OtherServerCommands];

    /// <summary>
    /// Opens the store the instances wrote, after they stopped, for the check against every acknowledgement. The command
    /// line builds it from <c>--db</c>, so the harness reads whatever store that names, not only a LiteDB file.
    /// </summary>
    public Func<StoreUnderCheck>? OpenStore { get; init; }
}

/// <summary>The store the chaos mode checks: its log, its study list and its snapshots, and what closes them.</summary>
/// <param name="Log">The event log the instances appended to.</param>
/// <param name="Catalog">The studies in it.</param>
/// <param name="Snapshots">The snapshots the instances wrote.</param>
/// <param name="Owner">Closes the store when the check is done.</param>
public sealed record StoreUnderCheck(IEventLog Log, IStudyCatalog Catalog, IStudySnapshotStore Snapshots, IDisposable Owner) : IDisposable
{
    /// <inheritdoc />
    public void Dispose() => Owner.Dispose();
}
