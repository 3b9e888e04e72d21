using BenchmarkDotNet.Attributes;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Synthetic;

namespace MoralGraph.Benchmarks;

/// <summary>
/// The whole default reconcile of a study's state: its snapshot (effective votes chosen and encoded from the vote
/// columns) → tallies → graph → ranking (± bootstrap) → alignment spec JSON, streamed. <see cref="FromStrings"/> is
/// the same reconcile of a snapshot built by hand, whose votes are records to encode.
/// </summary>
[MemoryDiagnoser]
public class ReconcileBenchmarks
{
    private StudyState _state = null!;
    private MoralGraphSnapshot _byHand = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Values { get; set; }

    [Params(0, 200)]
    public int BootstrapResamples { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _state = StudyState.Replay(SyntheticStudies.LargeStudyEvents(Values));
        _byHand = SyntheticStudies.LargeGraph(Values);
    }

    [Benchmark(Baseline = true)]
    public async Task<string> WholeReconcile()
    {
        var input = ExportFormats.Prepare(_state.ToSnapshot(), Profile(), null);
        return await AlignmentSpecJson.WriteAsync(input.Spec, Stream.Null);
    }

    [Benchmark]
    public int ReconcileOnly() => Profile().Reconcile(_state.ToSnapshot()).Graphs.Count;

    [Benchmark]
    public int FromStrings() => Profile().Reconcile(_byHand).Graphs.Count;

    private DefaultProfile Profile() => new(new DefaultProfileOptions { BootstrapResamples = BootstrapResamples });
}
