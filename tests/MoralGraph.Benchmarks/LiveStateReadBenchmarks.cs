using BenchmarkDotNet.Attributes;
using MoralGraph.Core.Events;
using MoralGraph.Core.Synthetic;
using MoralGraph.Web.Live;

namespace MoralGraph.Benchmarks;

/// <summary>
/// What the console's readers cost while they hold a study's gate (participants wait for it meanwhile): the dashboard's
/// overview, the graph's input (<see cref="StudyState.ToSnapshot"/>) and a capture (what a snapshot or a detached copy
/// takes under the gate), on a synthetic assembly of 10k and 100k events.
/// </summary>
[MemoryDiagnoser]
public class LiveStateReadBenchmarks
{
    private StudyState _state = null!;

    [Params(10_000, 100_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup() => _state = StudyState.Replay(SyntheticAssembly.Events("bench", Events / 18, seed: 3));

    [Benchmark]
    public StudyOverview DashboardOverview() => StudyOverview.From(_state, _state.EventCount);

    [Benchmark]
    public MoralGraphSnapshot Snapshot() => _state.ToSnapshot();

    [Benchmark]
    public StudyStateCapture Capture() => _state.Capture();
}
