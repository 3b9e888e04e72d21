using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Synthetic;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.Snapshots;
using MoralGraph.Web.Participation;

namespace MoralGraph.Benchmarks;

/// <summary>
/// One participant's action as the server runs it — the participation service over the live study state over a real
/// LiteDB file, durable write included — in studies of 1,000 to 1,000,000 events: the time should not grow with the
/// study. Each iteration is one action (a fresh participant is prepared outside the measurement), so the percentiles
/// are of single actions. Run: <c>dotnet run -c Release --project tests/MoralGraph.Benchmarks -- --filter '*ParticipantAction*'</c>.
/// </summary>
[Config(typeof(SingleActionConfig))]
#pragma warning disable CA1852 // BenchmarkDotNet derives from benchmark classes: they must not be sealed.
public class ParticipantActionBenchmarks : IDisposable
#pragma warning restore CA1852
{
    private const string Slug = "bench-assembly";
    private string _folder = null!;
    private LiteDbEventLog _store = null!;
    private StudyStates _states = null!;
    private ParticipationService _service = null!;
    private string _participant = null!;
    private VoteItem _item = null!;

    /// <summary>Study sizes: 1k, 10k, 100k and 1M events, or those in <c>MORALGRAPH_BENCH_EVENTS</c> (comma-separated) for a quick run.</summary>
    public static IEnumerable<int> Sizes => Environment.GetEnvironmentVariable("MORALGRAPH_BENCH_EVENTS") is { Length: > 0 } sizes
        ? sizes.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))
        : [1_000, 10_000, 100_000, 1_000_000];

    [ParamsSource(nameof(Sizes))]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("moralgraph-bench-actions-").FullName;
        var path = Path.Combine(_folder, "store.db");
        _store = new LiteDbEventLog(path);

        // About 18 events per participant; voting open, so new participants go straight to their items.
        var events = SyntheticAssembly.Events(Slug, Math.Max(4, Events / 18), seed: 17);
        events.Add(new PhaseChanged(StudyPhase.Voting) { StudyId = Slug, OccurredAt = events[^1].OccurredAt, Actor = "bench" });
        Console.WriteLine($"// {events.Count} events in the study");
        foreach (var chunk in events.Chunk(5_000))
        {
            _store.AppendAllAsync(chunk).GetAwaiter().GetResult();
        }

        _states = new StudyStates(_store, new FileStudySnapshotStore(FileStudySnapshotStore.FolderBeside(path)));
        var phrases = new EnglishPhrases();
        _service = new ParticipationService(_states, new GuidedInterviewer(phrases), new TemplateTransitionStoryWriter(phrases), TimeProvider.System);
        _states.ReadAsync(Slug, state => state.EventCount).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        _states?.Dispose();
        _store?.Dispose();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [IterationSetup(Targets = [nameof(Vote), nameof(Me)])]
    public void NewParticipantWithItems()
    {
        _participant = _service.JoinAsync(Slug, null).GetAwaiter().GetResult().ParticipantId;
        _item = _service.PendingItemsAsync(Slug, _participant).GetAwaiter().GetResult()[0];
    }

    [IterationSetup(Target = nameof(DrawItems))]
    public void NewParticipant() => _participant = _service.JoinAsync(Slug, null).GetAwaiter().GetResult().ParticipantId;

    /// <summary>Consent: the join and its question, one durable append.</summary>
    [Benchmark]
    public Task<JoinedParticipant> Join() => _service.JoinAsync(Slug, null);

    /// <summary>The first visit to voting: the draw (the pool, the loads, the stories) and its durable append.</summary>
    [Benchmark]
    public Task<IReadOnlyList<VoteItem>> DrawItems() => _service.PendingItemsAsync(Slug, _participant);

    /// <summary>One vote: validation, the durable append, and the item's tallies read back.</summary>
    [Benchmark]
    public Task<ItemTally> Vote() => _service.VoteAsync(Slug, _participant, _item.ItemId, Verdict.Wiser, null);

    /// <summary>What a participant's page reads on every step.</summary>
    [Benchmark]
    public Task<JourneyView?> Me() => _service.ViewAsync(Slug, _participant);

    private sealed class SingleActionConfig : ManualConfig
    {
        public SingleActionConfig()
        {
            AddJob(Job.Default.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Monitoring).WithInvocationCount(1).WithUnrollFactor(1)
                .WithWarmupCount(3).WithIterationCount(200).WithLaunchCount(1));
            AddColumn(StatisticColumn.P50, StatisticColumn.P95, StatisticColumn.Max);
            SummaryStyle = SummaryStyle.Default.WithTimeUnit(Perfolizer.Horology.TimeUnit.Millisecond);
        }
    }

    /// <summary>English interview phrases without the web app's resource files: the guided interviewer needs some.</summary>
    private sealed class EnglishPhrases : MoralGraph.Core.Text.IPhrasebook
    {
        public string Phrase(string key, params object?[] arguments) => $"{key} {string.Join(' ', arguments)}";
    }
}
