using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Synthetic;
using Spectre.Console;

namespace MoralGraph.Cli.Commands;

/// <summary>
/// <c>moralgraph bench</c>: end-to-end timings on synthetic graphs, and PageRank alone on a given edge list so
/// the same graph can be timed in a peer (igraph, networkx, SciPy). The BenchmarkDotNet project measures the
/// same kernels with statistical rigour; this command is the quick, scriptable view.
/// </summary>
internal static class BenchCommands
{
    private const int Runs = 5;

    public static Command Create(CliConsole console)
    {
        var sizes = new Option<string>("--sizes") { Description = "Comma-separated value counts.", DefaultValueFactory = _ => "10000,100000,1000000" };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples in the whole reconcile (the default profile's 200; 0 to leave it out).", DefaultValueFactory = _ => 200 };
        var command = new Command("bench", "Time the default profile's PageRank, the whole reconcile from a study's state and the spec JSON on synthetic studies (N values, 5 votes each).") { sizes, bootstrap };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var counts = ParseSizes(parse.GetValue(sizes)!);
            var ui = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
            ui.Profile.Width = 160;
            var table = new Table().AddColumns("values", "votes", "replay", "PageRank (median of 5)", "iterations", "reconcile", "+ spec", "spec JSON (size)", "allocated",
                "working set: state", "peak: reconcile", "peak: JSON write");
            var progress = new CliProgress(console.Error);
            foreach (var count in counts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                table.AddRow(await RunSizeAsync(count, parse.GetValue(bootstrap), progress, cancellationToken));
            }

            ui.Write(table);
            await console.Out.WriteLineAsync($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}. PageRank: damping 0.85, L1 tolerance 1e-10, sinks redistributed.");
            await console.Out.WriteLineAsync("replay: the study's events into a state (votes into its columns). reconcile: the state's snapshot and the default profile. "
                + "Working set: after replay (garbage collected); the peak while reconciling (state included); how far writing the JSON (to a counting stream) rose above where it started.");
            return 0;
        }));

        var edges = new Option<FileInfo>("--edges") { Description = "CSV with header source,target,weight and integer node ids.", Required = true };
        var tolerance = new Option<double>("--tolerance") { Description = "L1 tolerance (match the peer's convergence rule).", DefaultValueFactory = _ => 1e-10 };
        var maxIterations = new Option<int>("--max-iterations") { Description = "Iteration bound.", DefaultValueFactory = _ => 1000 };
        var pageRank = new Command("pagerank", "Time weighted PageRank alone on an edge list; prints the median seconds of 5 runs.") { edges, tolerance, maxIterations };
        pageRank.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var graph = await ReadEdgeListAsync(parse.GetValue(edges)!, cancellationToken);
            var algorithm = new WeightedPageRank(0.85, parse.GetValue(tolerance), parse.GetValue(maxIterations));
            var (median, result) = Median(() => algorithm.Compute(graph, cancellationToken));
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{median:0.######} s median of {Runs} runs; {graph.NodeCount} nodes, {graph.EdgeCount} edges, {result.Iterations} iterations, last L1 change {result.LastChange:E2}"));
            return 0;
        }));
        command.Subcommands.Add(pageRank);
        return command;
    }

    private static async Task<string[]> RunSizeAsync(int count, int bootstrap, CliProgress progress, CancellationToken cancellationToken)
    {
        StudyState state = null!;
        MoralGraphSnapshot snapshot = null!;
        CompactGraph graph = null!;
        Core.Export.AlignmentSpec spec = null!;
        (double Seconds, PageRankResult Last) pageRank = (0, new PageRankResult([], 0, 0));
        double replay = 0, reconcile = 0, withSpec = 0, json = 0;
        long allocated = 0, jsonBytes = 0, stateBytes = 0, reconcilePeak = 0, jsonStart = 0, jsonPeak = 0;
        await progress.RunAsync(
            ($"{count:N0} values: replay the study's events", () =>
            {
                // A live study's state, votes appended one by one into its columns, as the app holds it.
                var stopwatch = Stopwatch.StartNew();
                state = StudyState.Replay(SyntheticStudies.LargeStudyEvents(count));
                replay = stopwatch.Elapsed.TotalSeconds;
                var votes = state.Votes.Columns.Freeze();
                graph = CompactGraph.FromEdges(votes.ValueIds.Length, votes.FromValue, votes.ToValue, Enumerable.Repeat(1.0, votes.Count).ToArray());
                return Task.CompletedTask;
            }),
            ($"{count:N0} values: PageRank, 5 runs", () =>
            {
                var algorithm = new WeightedPageRank(0.85, 1e-10, 1000);
                pageRank = Median(() => algorithm.Compute(graph, cancellationToken));
                graph = null!;
                return Task.CompletedTask;
            }),
            ($"{count:N0} values: snapshot, reconcile and build the spec", () =>
            {
                // Aggressive: memory the replay's garbage left committed is given back, so what remains is the state.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                stateBytes = Environment.WorkingSet;
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                using var peak = PeakWorkingSet.Start();
                var stopwatch = Stopwatch.StartNew();
                snapshot = state.ToSnapshot();
                var reconciled = new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = bootstrap }).Reconcile(snapshot, cancellationToken);
                reconcile = stopwatch.Elapsed.TotalSeconds;
                spec = AlignmentSpecBuilder.Build(snapshot, reconciled);
                withSpec = stopwatch.Elapsed.TotalSeconds;
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                reconcilePeak = peak.Bytes;
                return Task.CompletedTask;
            }),
            ($"{count:N0} values: write the spec JSON", async () =>
            {
                jsonStart = Environment.WorkingSet;
                using var peak = PeakWorkingSet.Start();
                var stopwatch = Stopwatch.StartNew();
                await using var sink = new CountingStream();
                await AlignmentSpecJson.WriteAsync(spec, sink, cancellationToken);
                json = stopwatch.Elapsed.TotalSeconds;
                jsonBytes = sink.Length;
                jsonPeak = peak.Bytes;
            }));

        string[] row =
        [
            count.ToString("N0", CultureInfo.InvariantCulture), snapshot.Votes.Count.ToString("N0", CultureInfo.InvariantCulture), Seconds(replay),
            Seconds(pageRank.Seconds), pageRank.Last.Iterations.ToString(CultureInfo.InvariantCulture), Seconds(reconcile), Seconds(withSpec),
            $"{Seconds(json)} ({Megabytes(jsonBytes)})", Megabytes(allocated), Megabytes(stateBytes), Megabytes(reconcilePeak),
            "+" + Megabytes(Math.Max(0, jsonPeak - jsonStart)),
        ];

        // The steps share these locals, and that closure was found still alive when the next size started, adding the
        // previous study (~120 MB after 100,000 values) to the next one's memory figures: let go of them here.
        (state, snapshot, spec) = (null!, null!, null!);
        return row;
    }

    private static (double MedianSeconds, PageRankResult Last) Median(Func<PageRankResult> run)
    {
        var times = new double[Runs];
        PageRankResult? last = null;
        for (var i = 0; i < Runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            last = run();
            times[i] = stopwatch.Elapsed.TotalSeconds;
        }

        Array.Sort(times);
        return (times[Runs / 2], last!);
    }

    private static async Task<CompactGraph> ReadEdgeListAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliException($"{file.FullName}: file not found.");
        }

        var sources = new List<int>();
        var targets = new List<int>();
        var weights = new List<double>();
        using var reader = file.OpenText();
        var header = await reader.ReadLineAsync(cancellationToken);
        if (header?.Trim() != "source,target,weight")
        {
            throw new CliException($"{file.Name} line 1: expected the header 'source,target,weight', found '{header}'.");
        }

        var line = 1;
        var maxNode = -1;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var parts = text.Split(',');
            if (parts.Length != 3
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var source)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var target)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || !double.IsFinite(weight) || weight < 0)
            {
                throw new CliException($"{file.Name} line {line}: expected 'source,target,weight' with non-negative integer ids and a weight ≥ 0, found '{text}'.");
            }

            sources.Add(source);
            targets.Add(target);
            weights.Add(weight);
            maxNode = Math.Max(maxNode, Math.Max(source, target));
        }

        return CompactGraph.FromEdges(maxNode + 1, sources.ToArray(), targets.ToArray(), weights.ToArray());
    }

    private static int[] ParseSizes(string text)
    {
        var sizes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 2 ? n : throw new CliException($"--sizes: '{s}' is not a whole number ≥ 2."))
            .ToArray();
        return sizes.Length > 0 ? sizes : throw new CliException("--sizes is empty.");
    }

    /// <summary>
    /// The highest working set seen while it runs, sampled every few milliseconds on a thread of its own: the process's
    /// lifetime peak would include the steps before.
    /// </summary>
    private sealed class PeakWorkingSet : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stopped;
        private long _bytes = Environment.WorkingSet;

        private PeakWorkingSet() => _thread = new Thread(Sample) { IsBackground = true, Name = "bench: peak working set" };

        public long Bytes => Math.Max(Interlocked.Read(ref _bytes), Environment.WorkingSet);

        public static PeakWorkingSet Start()
        {
            var peak = new PeakWorkingSet();
            peak._thread.Start();
            return peak;
        }

        public void Dispose()
        {
            _stopped = true;
            _thread.Join();
        }

        private void Sample()
        {
            while (!_stopped)
            {
                var now = Environment.WorkingSet;
                if (now > Interlocked.Read(ref _bytes))
                {
                    Interlocked.Exchange(ref _bytes, now);
                }

                Thread.Sleep(5);
            }
        }
    }

    /// <summary>Counts what is written and keeps nothing, to time serialization without a disk.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static string Seconds(double seconds) => seconds.ToString("0.000 s", CultureInfo.InvariantCulture);

    private static string Megabytes(long bytes) => (bytes / 1024.0 / 1024.0).ToString("N0", CultureInfo.InvariantCulture) + " MB";
}
