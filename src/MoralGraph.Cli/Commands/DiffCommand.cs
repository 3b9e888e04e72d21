using System.CommandLine;
using MoralGraph.Core.Export;
using MoralGraph.Core.Releases;

namespace MoralGraph.Cli.Commands;

/// <summary><c>moralgraph diff A.json B.json</c>: what changed between two alignment specs, on files alone (no store).</summary>
internal static class DiffCommand
{
    public static Command Create(CliConsole console)
    {
        var from = new Argument<FileInfo>("A.json") { Description = "The older alignment spec (a release, or any json export)." };
        var to = new Argument<FileInfo>("B.json") { Description = "The newer alignment spec." };
        var format = new Option<string>("--format") { Description = "json|markdown (default markdown).", DefaultValueFactory = _ => "markdown" };
        format.AcceptOnlyFromAmong("json", "markdown", "md");
        var output = new Option<FileInfo?>("--out") { Description = "File to write (default: standard output)." };
        var rows = new Option<int>("--rows") { Description = "Markdown: items listed per section before \"and N more\".", DefaultValueFactory = _ => SpecDiffRendering.DefaultMarkdownRows };
        var command = new Command("diff", "Compare two alignment specs: values added and removed, winners changed per context, rank and score moves with their intervals, edges appeared, vanished or flipped, participation.")
        {
            from, to, format, output, rows,
        };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            if (parse.GetValue(rows) < 1)
            {
                throw new CliException($"--rows {parse.GetValue(rows)}: list at least 1 item per section.");
            }

            // Parsing dominates on big specs (two 192 MB files take seconds, the diff under one): the two are read at once.
            var reading = ReadSpecAsync(parse.GetValue(from)!, cancellationToken);
            var after = await Task.Run(() => ReadSpecAsync(parse.GetValue(to)!, cancellationToken), cancellationToken);
            var before = await reading;
            var diff = SpecDiff.Compare(before, after, cancellationToken);
            var asJson = parse.GetValue(format) == "json";
            await WriteAsync(console, parse.GetValue(output), asJson ? SpecDiffRendering.ToJson(diff) + "\n" : SpecDiffRendering.ToMarkdown(diff, parse.GetValue(rows)));
            return 0;
        }));
        return command;
    }

    /// <summary>Reads an alignment spec file, naming the file in any failure.</summary>
    public static async Task<AlignmentSpec> ReadSpecAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliException($"{file.FullName}: file not found.");
        }

        try
        {
            await using var stream = file.OpenRead();
            return await AlignmentSpecJson.ReadAsync(stream, cancellationToken);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new CliException($"{file.Name} is not an alignment spec: {e.Message}");
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="file"/> (atomically) or, without one, to standard output.</summary>
    public static async Task WriteAsync(CliConsole console, FileInfo? file, string text)
    {
        if (file is null)
        {
            await console.Out.WriteAsync(text);
            return;
        }

        await CommandStore.WriteAtomicallyAsync(file.FullName, async stream =>
        {
            await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            await writer.WriteAsync(text);
        });
        await console.Out.WriteLineAsync($"Wrote {file.FullName}");
    }
}
