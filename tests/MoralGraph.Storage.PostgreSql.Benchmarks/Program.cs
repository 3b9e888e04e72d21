using System.Diagnostics;
using System.Globalization;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.PostgreSql.EventLog;
using MoralGraph.Tests.Servers;

// Durable appends per second on the PostgreSQL store, hash chain and encryption included, against a throwaway server
// with fsync on. Every writer casts a vote (with a story, so the payload has its real size and is encrypted), waits for
// its acknowledgement, and casts the next: the rate is what group commit makes of many waiting voters.
//
//   dotnet run -c Release --project tests/MoralGraph.Storage.PostgreSql.Benchmarks -- [writers] [instances] [seconds] [events-per-append]
//   (defaults: 256 writers over 2 store instances for 10 s, one event per append)
// The rate is bound by each group's latency (its two round trips, the chain head's lock, one WAL flush), not by CPU: more
// waiting writers make bigger groups. The run prints the CPU both processes used, to read a figure taken on a busy machine.
var writers = Argument(0, 256);
var instances = Argument(1, 2);
var seconds = Argument(2, 10);
var eventsPerAppend = Argument(3, 1);
const string Story = "I used to think that what mattered most was getting the facts straight before saying anything. "
    + "Then my friend called in tears and I realised she needed me to listen first, to notice what she was not saying, "
    + "and only later to help her sort out what to do. Now I pay attention to the moments when someone needs company more than answers.";

await using var server = await PostgreSqlServer.StartAsync();
var connectionString = await server.CreateDatabaseAsync();
var logs = new List<PostgreSqlEventLog>();
for (var i = 0; i < instances; i++)
{
    logs.Add(await PostgreSqlEventLog.OpenAsync(connectionString));
}

var study = new Study("bench", "Append benchmark", "", [new Question("q", "Q", "What should I do?", [new StudyContext("c", "When a friend is in distress")])], [], ["en"], StudyPhase.Voting, voteDrawSize: 8);
await logs[0].AppendAsync(new StudyDefined(study) { StudyId = "bench", OccurredAt = DateTimeOffset.UnixEpoch, Actor = "bench" });

long next = 0;
VoteCast Vote(int writer)
{
    var number = Interlocked.Increment(ref next);
    var participant = $"w{writer}";
    var castAt = DateTimeOffset.UnixEpoch.AddSeconds(number);
    return new VoteCast(new WiserThanVote($"{participant}-{number}", participant, $"v{number % 40}", $"v{(number + 1) % 40}", new ContextRef("q", "c"), Verdict.Wiser, null, Story, castAt))
    {
        StudyId = "bench", OccurredAt = castAt, Actor = participant,
    };
}

async Task<List<long>> RunAsync(TimeSpan duration)
{
    var latencies = new List<long>[writers];
    var stop = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
    {
        var log = logs[writer % logs.Count];
        var mine = latencies[writer] = [];
        while (stop.Elapsed < duration)
        {
            var started = Stopwatch.GetTimestamp();
            await log.AppendAllAsync([.. Enumerable.Range(0, eventsPerAppend).Select(_ => Vote(writer))]);
            mine.Add(Stopwatch.GetTimestamp() - started);
        }
    })));
    return [.. latencies.SelectMany(l => l)];
}

// Warm-up: the JIT, the connections, the participants' keys.
await RunAsync(TimeSpan.FromSeconds(2));
var before = (await logs[0].VerifyAsync()).EventCount;
var (clientBefore, serverBefore) = (Process.GetCurrentProcess().TotalProcessorTime, ServerProcessorTime());
var clock = Stopwatch.StartNew();
var measured = await RunAsync(TimeSpan.FromSeconds(seconds));
clock.Stop();
var (clientCpu, serverCpu) = (Process.GetCurrentProcess().TotalProcessorTime - clientBefore, ServerProcessorTime() - serverBefore);
var verification = await logs[^1].VerifyAsync();
var events = verification.EventCount - before;
measured.Sort();
double Milliseconds(double share) => measured[(int)Math.Min(measured.Count - 1, Math.Ceiling(share * measured.Count) - 1)] * 1_000.0 / Stopwatch.Frequency;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{writers} writers over {instances} instances, {eventsPerAppend} event(s) per append, {clock.Elapsed.TotalSeconds:F1} s: {events:N0} events, {events / clock.Elapsed.TotalSeconds:N0} durable events/s; append p50 {Milliseconds(0.5):F2} ms, p99 {Milliseconds(0.99):F2} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"CPU: this process {clientCpu.TotalSeconds:F1} s, PostgreSQL {serverCpu.TotalSeconds:F1} s over {clock.Elapsed.TotalSeconds:F1} s of {Environment.ProcessorCount} cores: {events / (clientCpu + serverCpu).TotalSeconds:N0} events per CPU-second; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
Console.WriteLine($"chain {(verification.IsIntact ? "intact" : "BROKEN: " + verification.Problem)}, {verification.EventCount:N0} events, head {verification.HeadHash}");
foreach (var log in logs)
{
    await log.DisposeAsync();
}

return verification.IsIntact ? 0 : 1;

// The postmaster and its children (backends, WAL writer, checkpointer), from /proc: they are not this process's children.
TimeSpan ServerProcessorTime()
{
    var postmaster = server.ProcessId;
    long ticks = 0;
    foreach (var folder in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(folder, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var (pid, parent) = (int.Parse(Path.GetFileName(folder), CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture));
            if (pid == postmaster || parent == postmaster)
            {
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
            // The process ended meanwhile.
        }
    }

    return TimeSpan.FromSeconds(ticks / 100.0);
}

int Argument(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
