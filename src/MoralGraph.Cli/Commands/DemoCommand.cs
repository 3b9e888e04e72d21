using System.CommandLine;
using MoralGraph.Core.Synthetic;

namespace MoralGraph.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create(Option<string> db, CliConsole console)
    {
        var participants = new Option<int>("--participants") { Description = "Number of synthetic participants (2–100000).", DefaultValueFactory = _ => 60 };
        var study = new Option<string>("--study") { Description = "Slug of the demo study.", DefaultValueFactory = _ => "demo" };
        var seed = new Option<int>("--seed") { Description = "Random seed (the same seed gives the same study).", DefaultValueFactory = _ => 7 };
        var command = new Command("demo", "Create a synthetic study (cards, dedup merges, votes) so you can see everything working.") { participants, study, seed };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var count = parse.GetValue(participants);
            if (count is < 2 or > 100_000)
            {
                throw new CliException($"--participants {count} is outside 2–100000.");
            }

            var slug = parse.GetValue(study)!;
            using var log = CommandStore.Open(parse.GetValue(db)!);
            await ImportCommands.EnsureNewStudyAsync(log, slug, cancellationToken);
            var events = await DemoStudy.CreateAsync(slug, count, parse.GetValue(seed), TimeProvider.System.GetUtcNow(), cancellationToken);
            await CommandStore.AppendAndSnapshotAsync(log, slug, events, cancellationToken);
            await console.Out.WriteLineAsync($"Created demo study '{slug}' with {count} participants ({events.Count} events) in {log.Location}.");
            await console.Out.WriteLineAsync($"Try: moralgraph reconcile --study {slug}   or   moralgraph export --study {slug} --format md --out {slug}.md");
            return 0;
        }));
        return command;
    }
}
