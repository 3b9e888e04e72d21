using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/MoralGraph.Benchmarks -- --filter '*'   (add --job short for a quick pass)
// Named by a benchmark class: the web project this references has a Program of its own.
BenchmarkSwitcher.FromAssembly(typeof(MoralGraph.Benchmarks.ReconcileBenchmarks).Assembly).Run(args);
