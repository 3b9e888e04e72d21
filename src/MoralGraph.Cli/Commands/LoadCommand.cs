using System.CommandLine;
using System.Globalization;
using MoralGraph.LoadTesting.Harness;
using MoralGraph.LoadTesting.Reporting;

namespace MoralGraph.Cli.Commands;

/// <summary>
/// <c>moralgraph load</c>: simulated participants, real browsers and dashboards against a server on this machine, and
/// the chaos mode that kills it. The harness lives in MoralGraph.LoadTesting; this is its command line.
/// </summary>
internal static class LoadCommand
{
    /// <summary>Where the dashboards' facilitator password is read from, when standard input does not carry it.</summary>
    public const string PasswordVariable = "MORALGRAPH_LOAD_PASSWORD";

    /// <summary>The exit code of a run that completed but found errors, lost actions or a failed store check.</summary>
    public const int FindingsExitCode = 2;

    public static Command Create(Option<string> db, CliConsole console)
    {
        var url = new Option<string[]>("--url")
        {
            Description = "The server, on a loopback address only (http://127.0.0.1:PORT). Give it once per instance to spread the load over several (the first is the primary).",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var switchShare = new Option<double>("--switch-instance-share")
        {
            Description = "With several --url: the share (0..1) of participants who carry on on another instance after their card, with the same token (a lost sticky session).",
            DefaultValueFactory = _ => 0,
        };
        var study = new Option<string>("--study") { Description = "The study's slug.", Required = true };
        var participants = new Option<int>("--participants") { Description = "Simulated participants on the HTTP API, each taking the journey once.", DefaultValueFactory = _ => 1000 };
        var duration = new Option<string>("--duration") { Description = "How long the load runs (60s, 2m); not used with --chaos, which runs for its rounds.", DefaultValueFactory = _ => "60s" };
        var thinkTime = new Option<string>("--think-time") { Description = "The pause before each action, a range for jitter (2s..8s) or one duration.", DefaultValueFactory = _ => "2s..8s" };
        var rampUp = new Option<string?>("--ramp-up") { Description = "Participants arrive over this time (default: a third of --duration, at most 10s)." };
        var browsers = new Option<int>("--browsers") { Description = "Real browsers (Chromium through Playwright) taking the journey; each is one Blazor circuit.", DefaultValueFactory = _ => 0 };
        var chromium = new Option<string>("--chromium")
        {
            Description = "The Chromium binary the browsers run.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MORALGRAPH_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
        };
        var dashboards = new Option<int>("--dashboards") { Description = "Dashboards on the study hub, measuring the lag of each event.", DefaultValueFactory = _ => 0 };
        var facilitator = new Option<string?>("--facilitator") { Description = $"The facilitator the dashboards sign in as; the password comes from ${PasswordVariable} or the first line of standard input." };
        var report = new Option<string?>("--report") { Description = "Write the report as JSON to this file." };
        var serverPid = new Option<int[]>("--server-pid")
        {
            Description = "The server's process id (default: the process listening on the URL's port); with several --url, once per instance in the same order.",
            AllowMultipleArgumentsPerToken = false,
        };
        var seed = new Option<int>("--seed") { Description = "Seed of every random choice (arrivals, pauses, answers).", DefaultValueFactory = _ => 1 };
        var chaos = new Option<string?>("--chaos") { Description = "'kill': own the server, SIGKILL it every --kill-every during the load, restart it, and check the store against every acknowledgement." };
        chaos.AcceptOnlyFromAmong("kill");
        var serverCommand = new Option<string[]>("--server-command")
        {
            Description = "With --chaos: the shell command that starts the server on --url's port and --db's store; with several --url, once per instance in the same order.",
            AllowMultipleArgumentsPerToken = false,
        };
        var killEvery = new Option<string>("--kill-every") { Description = "With --chaos: load time between a restart answering and the next kill.", DefaultValueFactory = _ => "3s" };
        var rounds = new Option<int>("--rounds") { Description = "With --chaos: kills (each followed by a restart).", DefaultValueFactory = _ => 10 };

        var command = new Command("load", "Load a server on this machine with simulated participants, real browsers and dashboards, and report latencies, errors and memory; --chaos kill proves no acknowledged action is lost when it is killed.")
        {
            url, switchShare, study, participants, duration, thinkTime, rampUp, browsers, chromium, dashboards, facilitator, report, serverPid, seed, chaos, serverCommand, killEvery, rounds,
        };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var urls = (parse.GetValue(url) ?? []).Select(given => Parse(() => LoopbackUrl.Require(given))).ToList();
            var commands = parse.GetValue(serverCommand) ?? [];
            var pids = parse.GetValue(serverPid) ?? [];
            // A LiteDB file as a full path (the servers may start elsewhere); any other store as --db names it.
            var databasePath = parse.GetValue(db)!;
            databasePath = databasePath.Contains(':', StringComparison.Ordinal) && !Path.IsPathRooted(databasePath) ? databasePath : Path.GetFullPath(databasePath);
            var options = new LoadRunOptions
            {
                Url = urls[0],
                OtherUrls = urls[1..],
                SwitchInstanceShare = parse.GetValue(switchShare),
                Study = parse.GetValue(study)!,
                Participants = parse.GetValue(participants),
                Duration = Parse(() => Durations.Parse(parse.GetValue(duration)!), "--duration"),
                ThinkTime = Parse(() => ThinkTime.Parse(parse.GetValue(thinkTime)!), "--think-time"),
                RampUp = parse.GetValue(rampUp) is { } ramp ? Parse(() => Durations.Parse(ramp), "--ramp-up") : null,
                Browsers = parse.GetValue(browsers),
                ChromiumPath = parse.GetValue(chromium)!,
                Dashboards = parse.GetValue(dashboards),
                Facilitator = parse.GetValue(facilitator) is { } name ? new FacilitatorCredentials(name, await ReadPasswordAsync(console)) : null,
                ServerPids = pids,
                Seed = parse.GetValue(seed),
                Chaos = parse.GetValue(chaos) is null ? null
                    : new ChaosOptions(commands.FirstOrDefault() ?? string.Empty, Parse(() => Durations.Parse(parse.GetValue(killEvery)!), "--kill-every"),
                        parse.GetValue(rounds), databasePath)
                    {
                        OtherServerCommands = commands.Skip(1).ToList(),
                        OpenStore = () => OpenStoreUnderCheck(databasePath),
                    },
            };
            if (options.Chaos is null && (parse.GetResult(serverCommand) is { Implicit: false } || parse.GetResult(rounds) is { Implicit: false } || parse.GetResult(killEvery) is { Implicit: false }))
            {
                throw new CliException("--server-command, --kill-every and --rounds go with --chaos kill.");
            }

            if (options.Validate() is { Count: > 0 } problems)
            {
                throw new CliException(string.Join(" ", problems));
            }

            var result = await new LoadRun(options, console.Out).RunAsync(cancellationToken);
            await console.Out.WriteLineAsync();
            await console.Out.WriteAsync(ReportTable.Render(result));
            if (parse.GetValue(report) is { } reportPath)
            {
                await CommandStore.WriteAtomicallyAsync(reportPath, stream => stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(result.ToJson())).AsTask());
                await console.Out.WriteLineAsync($"Report written to {Path.GetFullPath(reportPath)}.");
            }

            var chaosFailed = result.Chaos is { } found && (found.LostAcknowledgedActions > 0 || !found.ChainVerified || !found.StateEqualsReplay || found.InconsistentAnswers.Count > 0);
            var switchFailed = result.InstanceSwitches is { } switches && (switches.FailedActions > 0 || switches.ProgressMissing > 0);
            return result.Errors.Total > 0 || chaosFailed || switchFailed ? FindingsExitCode : 0;
        }));
        return command;
    }

    /// <summary>The store the chaos mode checks, opened as every command opens <c>--db</c>.</summary>
    private static StoreUnderCheck OpenStoreUnderCheck(string databasePath)
    {
        var log = CommandStore.OpenExisting(databasePath);
        return new StoreUnderCheck(log, log, log.Snapshots, log);
    }

    private static async Task<string> ReadPasswordAsync(CliConsole console)
    {
        if (Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        return await console.In.ReadLineAsync() is { Length: > 0 } line
            ? line.TrimEnd('\r')
            : throw new CliException($"--facilitator needs a password: set {PasswordVariable} or pipe it on standard input.");
    }

    private static T Parse<T>(Func<T> parse, string? option = null)
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new CliException(option is null ? e.Message : string.Create(CultureInfo.InvariantCulture, $"{option}: {e.Message}"));
        }
    }
}
