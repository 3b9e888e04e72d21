using System.CommandLine;

namespace MoralGraph.Cli.Commands;

internal static class AuditCommands
{
    public static Command Create(Option<string> db, CliConsole console)
    {
        var verify = new Command("verify", "Recompute the event log's hash chain and report the first altered or missing event.");
        verify.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var path = parse.GetValue(db)!;
            if (!File.Exists(path))
            {
                throw new CliException($"{Path.GetFullPath(path)}: no store there.");
            }

            using var log = CommandStore.Open(path);
            var result = await log.VerifyAsync(cancellationToken);
            if (!result.IsIntact)
            {
                throw new CliException($"the audit log is broken at event {result.FirstBrokenSequence}: {result.Problem}. {result.EventCount} events before it verified.");
            }

            await console.Out.WriteLineAsync($"The audit log is intact: {result.EventCount} events, every hash and link verified.");
            return 0;
        }));
        return new Command("audit", "Audit the event log.") { verify };
    }
}
