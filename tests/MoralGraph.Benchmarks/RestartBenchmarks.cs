using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using MoralGraph.Core.Events;
using MoralGraph.Core.Synthetic;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.Snapshots;

namespace MoralGraph.Benchmarks;

/// <summary>
/// A restart: a study of 100k or 1M events read back into memory, from its snapshot and the events after it (what the
/// app does; the snapshot is a few thousand events old) and from its whole log (what it did before snapshots).
/// Each iteration is one cold read by a new <see cref="StudyStates"/> over the same LiteDB file.
/// Run: <c>dotnet run -c Release --project tests/MoralGraph.Benchmarks -- --filter '*Restart*'</c>.
/// </summary>
[Config(typeof(ColdReadConfig))]
#pragma warning disable CA1852 // BenchmarkDotNet derives from benchmark classes: they must not be sealed.
public class RestartBenchmarks : IDisposable
#pragma warning restore CA1852
{
    private const string Slug = "restart";
    private string _folder = null!;
    private LiteDbEventLog _store = null!;
    private FileStudySnapshotStore _snapshots = null!;

    /// <summary>Study sizes: 100k and 1M events, or those in <c>MORALGRAPH_BENCH_EVENTS</c>.</summary>
    public static IEnumerable<int> Sizes => Environment.GetEnvironmentVariable("MORALGRAPH_BENCH_EVENTS") is { Length: > 0 } sizes
        ? sizes.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))
        : [100_000, 1_000_000];

    [ParamsSource(nameof(Sizes))]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("moralgraph-bench-restart-").FullName;
        var path = Path.Combine(_folder, "store.db");
        _store = new LiteDbEventLog(path);
        _snapshots = new FileStudySnapshotStore(FileStudySnapshotStore.FolderBeside(path));
        var events = SyntheticAssembly.Events(Slug, Math.Max(4, Events / 18), seed: 29);
        var tail = Math.Min(5_000, events.Count / 10);
        using var states = new StudyStates(_store, _snapshots);
        foreach (var chunk in events[..^tail].Chunk(5_000))
        {
            states.AppendAllAsync(chunk).GetAwaiter().GetResult();
        }

        states.WriteSnapshotAsync(Slug).GetAwaiter().GetResult();
        foreach (var chunk in events[^tail..].Chunk(1_000))
        {
            states.AppendAllAsync(chunk).GetAwaiter().GetResult();
        }

        var snapshotBytes = new DirectoryInfo(_snapshots.Folder).GetFiles().Sum(f => f.Length);
        Console.WriteLine($"// {events.Count} events, snapshot {snapshotBytes / 1e6:0.0} MB, store {new FileInfo(path).Length / 1e6:0.0} MB");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        _store?.Dispose();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>What the app does on its first request after a restart.</summary>
    [Benchmark(Baseline = true)]
    public long FromSnapshotAndTail()
    {
        using var states = new StudyStates(_store, _snapshots);
        return states.ReadAsync(Slug, state => state.EventCount).GetAwaiter().GetResult();
    }

    /// <summary>The whole log replayed, as without snapshots.</summary>
    [Benchmark]
    public long FromWholeLog()
    {
        using var states = new StudyStates(_store, new NoStudySnapshots());
        return states.ReadAsync(Slug, state => state.EventCount).GetAwaiter().GetResult();
    }

    private sealed class ColdReadConfig : ManualConfig
    {
        public ColdReadConfig() => AddJob(Job.Default.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.ColdStart).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5));
    }
}
