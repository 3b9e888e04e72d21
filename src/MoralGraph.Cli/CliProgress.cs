using Spectre.Console;

namespace MoralGraph.Cli;

/// <summary>
/// Shows long work as it happens: a Spectre.Console progress display on an interactive terminal, plain
/// lines on the error stream otherwise (CI logs, pipes, tests), so output meant for scripts stays clean.
/// </summary>
internal sealed class CliProgress(TextWriter error)
{
    private readonly bool _interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs the steps in order, each shown as a task that completes when its step does.</summary>
    public async Task RunAsync(params (string Description, Func<Task> Step)[] steps)
    {
        if (!_interactive)
        {
            foreach (var (description, step) in steps)
            {
                await error.WriteLineAsync($"… {description}");
                await step();
            }

            return;
        }

        await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var tasks = steps.Select(s => context.AddTask(s.Description, autoStart: false, maxValue: 1)).ToList();
                for (var i = 0; i < steps.Length; i++)
                {
                    tasks[i].StartTask();
                    tasks[i].IsIndeterminate = true;
                    await steps[i].Step();
                    tasks[i].IsIndeterminate = false;
                    tasks[i].Increment(1);
                    tasks[i].StopTask();
                }
            });
    }
}
