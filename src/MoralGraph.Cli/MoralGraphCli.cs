using System.CommandLine;
using MoralGraph.Cli.Commands;

namespace MoralGraph.Cli;

/// <summary>The <c>moralgraph</c> command tree. Output goes to the given writers so tests can read it.</summary>
internal static class MoralGraphCli
{
    public const string DefaultDatabasePath = "data/moralgraph.db";

    /// <summary>Runs the command line. <paramref name="input"/> is standard input (default: the console's).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader? input = null)
    {
        var db = new Option<string>("--db")
        {
            Description = $"The store: a LiteDB file (a path or litedb:PATH) or postgres:CONNECTION-STRING (default: $MORALGRAPH_DB or {DefaultDatabasePath}).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MORALGRAPH_DB") is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultDatabasePath,
        };

        var console = new CliConsole(output, error) { In = input ?? Console.In, IsInteractive = input is null && !Console.IsInputRedirected };
        var root = new RootCommand("moralgraph: participatory value elicitation — import studies, reconcile moral graphs, export alignment specs.")
        {
            Options = { db },
        };
        foreach (var command in new[]
        {
            ImportCommands.ImportMai(db, console),
            ImportCommands.ImportStudy(db, console),
            ReconcileCommands.Reconcile(db, console),
            ReconcileCommands.Export(db, console),
            LegitimacyCommand.Create(db, console),
            ValidateCommand.Create(console),
            DiffCommand.Create(console),
            EvaluateCommand.Create(console),
            ReleaseCommands.Create(db, console),
            DedupCommand.Create(db, console),
            AuditCommands.Create(db, console),
            StoreCommands.Create(db, console),
            DemoCommand.Create(db, console),
            AccessCommands.Facilitator(db, console),
            AccessCommands.ApiKey(db, console),
            BenchCommands.Create(console),
            LoadCommand.Create(db, console),
        })
        {
            root.Subcommands.Add(command);
        }

        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}

/// <summary>Where a command writes, and how it reports a failure the user can fix.</summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    /// <summary>Standard input (passwords piped with <c>--password-stdin</c>).</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>True when a person at a terminal can be asked for input (a password, without echo).</summary>
    public bool IsInteractive { get; init; }

    /// <summary>Runs a command body: a <see cref="CliException"/> becomes its message and exit code 1.</summary>
    public async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliException e)
        {
            await Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Error.WriteLineAsync("cancelled.");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or FormatException or System.Text.Json.JsonException or System.Data.Common.DbException)
        {
            // Not a problem the command foresaw: say what happened in one line rather than a stack trace.
            await Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}

/// <summary>A failure caused by the user's input, reported as a message without a stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);
