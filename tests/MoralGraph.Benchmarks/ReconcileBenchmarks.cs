using BenchmarkDotNet.Attributes;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Synthetic;

namespace MoralGraph.Benchmarks;

/// <summary>The whole default reconcile: effective votes → tallies → graph → ranking (± bootstrap) → alignment spec JSON.</summary>
[MemoryDiagnoser]
public class ReconcileBenchmarks
{
    private MoralGraphSnapshot _snapshot = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Values { get; set; }

    [Params(0, 200)]
    public int BootstrapResamples { get; set; }

    [GlobalSetup]
    public void Setup() => _snapshot = SyntheticStudies.LargeGraph(Values);

    [Benchmark]
    public int WholeReconcile()
    {
        var profile = new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = BootstrapResamples });
        var input = ExportFormats.Prepare(_snapshot, profile, null);
        return AlignmentSpecJson.Write(input.Spec).Length;
    }
}
