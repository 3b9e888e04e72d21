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
        command.Subcommands.Add(DiffBench(console));
        command.Subcommands.Add(PreferencesBench(console));
        command.Subcommands.Add(BridgingBench(console));
        return command;
    }

    /// <summary>
    /// <c>bench diff</c>: two specs of one synthetic study, the older without its last tenth of votes (so rankings, winners
    /// and edges really move), written to files; then the median of 5 diffs of the records, and one diff from the files.
    /// </summary>
    private static Command DiffBench(CliConsole console)
    {
        var values = new Option<int>("--values") { Description = "Values in the synthetic study.", DefaultValueFactory = _ => 100_000 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples (for the score intervals the diff compares).", DefaultValueFactory = _ => 200 };
        var keep = new Option<DirectoryInfo?>("--keep") { Description = "Folder to leave the two spec files in (default: a temporary folder, deleted)." };
        var command = new Command("diff", "Time 'moralgraph diff' on two specs of a synthetic study (the older one without its last 10% of votes).") { values, bootstrap, keep };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var count = parse.GetValue(values);
            if (count < 2)
            {
                throw new CliException($"--values {count}: at least 2.");
            }

            var progress = new CliProgress(console.Error);
            var folder = parse.GetValue(keep) ?? Directory.CreateTempSubdirectory("moralgraph-bench-diff-");
            folder.Create();
            var (olderPath, newerPath) = (Path.Combine(folder.FullName, "older.json"), Path.Combine(folder.FullName, "newer.json"));
            Core.Releases.SpecDiff diff = null!;
            double readSeconds = 0, fromFiles = 0, markdownSeconds = 0;
            long fileBytes = 0;
            var gen2 = 0;
            var diffSeconds = new double[Runs];
            var diffCpu = new double[Runs];
            try
            {
                await progress.RunAsync(
                    ($"{count:N0} values: two specs", async () =>
                    {
                        if (parse.GetValue(keep) is not null && File.Exists(olderPath) && File.Exists(newerPath))
                        {
                            // Kept from an earlier run: the specs take minutes to make on a busy machine.
                            return;
                        }

                        var events = SyntheticStudies.LargeStudyEvents(count).ToList();
                        var votes = events.Count(e => e is VoteCast);
                        var dropped = 0;
                        var older = events.Where(e => e is not VoteCast || ++dropped <= votes - (votes / 10)).ToList();
                        var profile = new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = parse.GetValue(bootstrap) });
                        foreach (var (path, study) in new[] { (olderPath, older), (newerPath, events) })
                        {
                            var snapshot = StudyState.Replay(study).ToSnapshot();
                            var spec = AlignmentSpecBuilder.Build(snapshot, profile.Reconcile(snapshot, cancellationToken));
                            await using var file = File.Create(path);
                            await AlignmentSpecJson.WriteAsync(spec, file, cancellationToken);
                        }
                    }),
                    ($"{count:N0} values: diff", async () =>
                    {
                        var stopwatch = Stopwatch.StartNew();
                        // As 'moralgraph diff' reads them: both at once.
                        var reading = ReadAsync(olderPath, cancellationToken);
                        var newer = await Task.Run(() => ReadAsync(newerPath, cancellationToken), cancellationToken);
                        var older = await reading;
                        readSeconds = stopwatch.Elapsed.TotalSeconds;
                        fileBytes = new FileInfo(newerPath).Length;
                        fromFiles = readSeconds + Timed(() => diff = Core.Releases.SpecDiff.Compare(older, newer, cancellationToken));
                        gen2 = GC.CollectionCount(2);
                        for (var i = 0; i < Runs; i++)
                        {
                            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                            diffSeconds[i] = Timed(() => diff = Core.Releases.SpecDiff.Compare(older, newer, cancellationToken));
                            diffCpu[i] = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                        }

                        gen2 = GC.CollectionCount(2) - gen2;
                        markdownSeconds = Timed(() => Core.Releases.SpecDiffRendering.ToMarkdown(diff));
                    }));
            }
            finally
            {
                if (parse.GetValue(keep) is null)
                {
                    folder.Delete(recursive: true);
                }
            }

            Array.Sort(diffSeconds);
            Array.Sort(diffCpu);
            var moves = diff.Graphs.Sum(g => g.RankMoves.Count);
            var edges = diff.Graphs.Sum(g => g.EdgesAppeared.Count + g.EdgesVanished.Count + g.EdgesFlipped.Count);
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"""
                {count:N0} values; newer spec file {Megabytes(fileBytes)}.
                diff of the records: {Seconds(diffSeconds[Runs / 2])} median of {Runs} (min {Seconds(diffSeconds[0])}, max {Seconds(diffSeconds[^1])}); CPU time {Seconds(diffCpu[Runs / 2])} median (min {Seconds(diffCpu[0])}), the figure to read on a shared machine; {gen2} full collections in the {Runs} runs
                diff from the files: {Seconds(fromFiles)} (of which reading both specs {Seconds(readSeconds)}); Markdown: {Seconds(markdownSeconds)}
                changes: {diff.ValuesAdded.Count} values added, {diff.ValuesRemoved.Count} removed, {diff.Graphs.Count} graphs changed ({diff.Graphs.Count(g => g.WinnersChanged)} winners changed), {moves:N0} rank moves, {edges:N0} edges appeared/vanished/flipped, votes {diff.Participation.Votes.Before:N0} → {diff.Participation.Votes.After:N0}
                Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average when done {LoadAverage()}.
                """));
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// <c>bench preferences</c>: the jsonl-preferences export of synthetic graphs of N edges (N/5 values, one vote per
    /// edge), written to a counting stream: time, records, bytes, and how far the working set rose while writing, which
    /// stays flat as the edges grow tenfold when records are streamed.
    /// </summary>
    private static Command PreferencesBench(CliConsole console)
    {
        var sizes = new Option<string>("--edges") { Description = "Comma-separated edge counts.", DefaultValueFactory = _ => "100000,1000000" };
        var command = new Command("preferences", "Time the jsonl-preferences export and the working set it adds, on synthetic graphs of N edges.") { sizes };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            foreach (var edges in ParseSizes(parse.GetValue(sizes)!))
            {
                var snapshot = SyntheticStudies.LargeGraph(Math.Max(2, edges / 5));
                var input = ExportFormats.Prepare(snapshot, new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 0 }), null, cancellationToken);
                var contentHash = AlignmentSpecJson.ComputeHash(input.Spec);
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                var start = Environment.WorkingSet;
                long jsonlBytes, zipBytes;
                (long Records, long Contested) counts;
                double seconds;
                long peakBytes;
                using (var peak = PeakWorkingSet.Start())
                {
                    var stopwatch = Stopwatch.StartNew();
                    await using var lines = new CountingStream();
                    counts = await Core.TrainingData.JsonlPreferencesFormat.WriteRecordsAsync(input.Spec, contentHash, lines, cancellationToken: cancellationToken);
                    jsonlBytes = lines.Length;
                    await using var zip = new CountingStream();
                    await new Core.TrainingData.JsonlPreferencesFormat().WriteAsync(input, zip, cancellationToken);
                    zipBytes = zip.Length;
                    seconds = stopwatch.Elapsed.TotalSeconds;
                    peakBytes = peak.Bytes;
                }

                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{input.Spec.Counts.Edges:N0} edges ({input.Spec.Counts.Values:N0} values): {counts.Records:N0} records ({counts.Contested:N0} contested), JSONL {Megabytes(jsonlBytes)}, zip {Megabytes(zipBytes)}; "
                    + $"both written in {Seconds(seconds)}; working set {Megabytes(start)} before, +{Megabytes(Math.Max(0, peakBytes - start))} at most while writing"));
                input = null;
                snapshot = null;
            }

            await console.Out.WriteLineAsync($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average when done {LoadAverage()}.");
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// <c>bench bridging</c>: the opinion-group clustering (vote matrix, PCA, k-means for each k, silhouettes) on synthetic
    /// studies of N participants in three camps, and the whole bridging reconcile (the default profile without bootstrap,
    /// then ranked by bridging score), each the median of <see cref="Runs"/> runs.
    /// </summary>
    private static Command BridgingBench(CliConsole console)
    {
        var sizes = new Option<string>("--participants") { Description = "Comma-separated participant counts.", DefaultValueFactory = _ => "1000,10000" };
        var values = new Option<int>("--values") { Description = "Values in the study (each pair of values in each context is an item).", DefaultValueFactory = _ => 40 };
        var contexts = new Option<int>("--contexts") { Description = "Contexts of its question.", DefaultValueFactory = _ => 4 };
        var votes = new Option<int>("--votes") { Description = "Votes per participant.", DefaultValueFactory = _ => 30 };
        var command = new Command("bridging", "Time grouping voters by their votes (PCA + k-means) and the bridging reconcile on synthetic studies of N participants in three camps.")
        {
            sizes, values, contexts, votes,
        };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            foreach (var participants in ParseSizes(parse.GetValue(sizes)!))
            {
                var snapshot = OpinionCampStudies.Create(participants, parse.GetValue(values), parse.GetValue(contexts), parse.GetValue(votes), seed: 1);
                var (grouping, groups) = Median(() => Core.Bridging.OpinionGroups.Of(snapshot, cancellationToken: cancellationToken));
                var profile = new BridgingProfile(new DefaultProfileOptions { BootstrapResamples = 0 });
                var (reconcile, _) = Median(() => profile.Reconcile(snapshot, cancellationToken));
                var columns = snapshot.Votes.Select(v => (v.Context, string.CompareOrdinal(v.FromValueId, v.ToValueId) < 0 ? (v.FromValueId, v.ToValueId) : (v.ToValueId, v.FromValueId))).Distinct().Count();
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{participants:N0} participants × {columns:N0} items ({snapshot.Votes.Count:N0} votes): grouping {Seconds(grouping)} "
                    + $"(k = {groups.Summary.GroupCount}, sizes {string.Join("/", groups.Summary.GroupSizes)}, silhouette {groups.Summary.Silhouette:0.00}{groups.Summary.Reason}); "
                    + $"bridging reconcile {Seconds(reconcile)} (median of {Runs})"));
            }

            await console.Out.WriteLineAsync($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average when done {LoadAverage()}.");
            return 0;
        }));
        return command;
    }

    /// <summary>The 1-minute load average on Linux (wall times mean little when it is above the core count), else "n/a".</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static async Task<Core.Export.AlignmentSpec> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await AlignmentSpecJson.ReadAsync(file, cancellationToken);
    }

    private static double Timed(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed.TotalSeconds;
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

    private static (double MedianSeconds, T Last) Median<T>(Func<T> run)
    {
        var times = new double[Runs];
        T? last = default;
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
