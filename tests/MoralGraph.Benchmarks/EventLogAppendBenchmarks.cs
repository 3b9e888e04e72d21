using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Benchmarks;

/// <summary>
/// Acknowledged votes per second on a real <see cref="LiteDbEventLog"/> file: 1, 8 or 32 participants each cast a vote
/// and wait for its acknowledgement before casting the next, as the voting page does. Every vote has its own id, so
/// every append also writes and looks up an idempotency key. The store already holds <see cref="StoredVotes"/> votes
/// before anything is measured, because checkpoints and index lookups cost more as the file grows.
/// Op/s is acknowledged appends per second (one invocation is <see cref="AppendsPerInvocation"/> appends);
/// p50/p99 are the latencies of single appends over the measured iterations.
/// </summary>
[Config(typeof(AppendConfig))]
public class EventLogAppendBenchmarks : IDisposable
{
    public const int AppendsPerInvocation = 2_048;
    private const string StudyId = "bench";
    private const int WarmupIterations = 2;
    private const int MeasuredIterations = 10;
    private const int PreloadBatch = 1_000;

    // A templated transition story as participants see it: real votes carry one, so payloads have their real size.
    private const string Story = "I used to think that what mattered most was getting the facts straight before saying anything. "
        + "Then my friend called in tears and I realised she needed me to listen first, to notice what she was not saying, "
        + "and only later to help her sort out what to do. Now I pay attention to the moments when someone needs company more than answers.";

    private string _folder = null!;
    private LiteDbEventLog _log = null!;
    private long _nextVote;
    private long[] _latencyTicks = [];
    private int _recorded;
    private int _iteration;
    private readonly List<long> _measuredLatencyTicks = [];

    [Params(1, 8, 32)]
    public int Writers { get; set; }

    [Params(100_000)]
    public int StoredVotes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(AppendLatencyColumn.ResultFile(Writers))!);
        File.Delete(AppendLatencyColumn.ResultFile(Writers));
        _folder = Path.Combine(Path.GetTempPath(), "mg-bench-appends-" + Guid.NewGuid().ToString("N"));
        _log = new LiteDbEventLog(Path.Combine(_folder, "store.db"));
        var study = new Study(StudyId, "Append benchmark", "", [new Question("q", "Q", "What should I do?", [new StudyContext("c", "When a friend is in distress")])],
            [], ["en"], StudyPhase.Voting, voteDrawSize: 8);
        _log.AppendAsync(new StudyDefined(study) { StudyId = StudyId, OccurredAt = DateTimeOffset.UnixEpoch, Actor = "bench" }).GetAwaiter().GetResult();

        var stopwatch = Stopwatch.StartNew();
        for (var stored = 0; stored < StoredVotes; stored += PreloadBatch)
        {
            var batch = Enumerable.Range(0, Math.Min(PreloadBatch, StoredVotes - stored)).Select(_ => NextVote(writer: -1)).ToList();
            _log.AppendAllAsync(batch).GetAwaiter().GetResult();
        }

        Console.WriteLine($"// preloaded {StoredVotes:N0} votes in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    [IterationSetup]
    public void StartIteration()
    {
        _iteration++;
        _latencyTicks = new long[AppendsPerInvocation];
        _recorded = 0;
    }

    [Benchmark(OperationsPerInvoke = AppendsPerInvocation)]
    public Task AcknowledgedVotes()
    {
        var perWriter = AppendsPerInvocation / Writers;
        return Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await _log.AppendAsync(NextVote(writer));
                _latencyTicks[Interlocked.Increment(ref _recorded) - 1] = Stopwatch.GetTimestamp() - started;
            }
        })));
    }

    [IterationCleanup]
    public void EndIteration()
    {
        // Warm-up iterations include the JIT and the first file growth; only measured ones count towards p50/p99.
        if (_iteration > WarmupIterations)
        {
            _measuredLatencyTicks.AddRange(_latencyTicks.Take(_recorded));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.Dispose();
        Directory.Delete(_folder, recursive: true);
        if (_measuredLatencyTicks.Count == 0)
        {
            return;
        }

        _measuredLatencyTicks.Sort();
        var p50 = Milliseconds(Percentile(0.50));
        var p99 = Milliseconds(Percentile(0.99));
        Console.WriteLine($"// latency over {_measuredLatencyTicks.Count:N0} appends with {Writers} writers: p50 {p50:F2} ms, p99 {p99:F2} ms");
        File.WriteAllText(AppendLatencyColumn.ResultFile(Writers), string.Create(CultureInfo.InvariantCulture, $"{p50:F2} {p99:F2}"));

        long Percentile(double share) => _measuredLatencyTicks[(int)Math.Min(_measuredLatencyTicks.Count - 1, Math.Ceiling(share * _measuredLatencyTicks.Count) - 1)];
        static double Milliseconds(long ticks) => ticks * 1_000.0 / Stopwatch.Frequency;
    }

    public void Dispose()
    {
        _log?.Dispose();
        GC.SuppressFinalize(this);
    }

    private VoteCast NextVote(int writer)
    {
        var number = Interlocked.Increment(ref _nextVote);
        var participant = writer < 0 ? $"p{number / 8}" : $"w{writer}";
        var castAt = DateTimeOffset.UnixEpoch.AddSeconds(number);
        var vote = new WiserThanVote($"{participant}-{number}", participant, $"v{number % 40}", $"v{(number + 1) % 40}", new ContextRef("q", "c"), Verdict.Wiser, null, Story, castAt);
        return new VoteCast(vote) { StudyId = StudyId, OccurredAt = castAt, Actor = participant };
    }

    private sealed class AppendConfig : ManualConfig
    {
        public AppendConfig()
        {
            // One invocation takes seconds, so no pilot stage: a fixed number of single-invocation iterations.
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(WarmupIterations).WithIterationCount(MeasuredIterations));
            AddColumn(StatisticColumn.OperationsPerSecond, new AppendLatencyColumn("p50 append", 0), new AppendLatencyColumn("p99 append", 1));
        }
    }

    /// <summary>
    /// Per-append latency percentiles, measured in the benchmark's own process and handed to the summary through a file
    /// (BenchmarkDotNet's percentile columns are over iterations, not over the single appends inside one).
    /// </summary>
    private sealed class AppendLatencyColumn(string name, int position) : IColumn
    {
        public static string ResultFile(int writers) => Path.Combine(Path.GetTempPath(), "mg-bench-append-latency", $"{writers}.txt");

        public string Id => nameof(AppendLatencyColumn) + name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => position;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => $"{name} latency of one acknowledged append, in ms";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var writers = (int)benchmarkCase.Parameters[nameof(Writers)];
            var file = ResultFile(writers);
            return File.Exists(file) ? File.ReadAllText(file).Split(' ')[position] + " ms" : "?";
        }

        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
