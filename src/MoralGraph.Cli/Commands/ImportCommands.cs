using System.CommandLine;
using System.Globalization;
using MoralGraph.Core.Events;
using MoralGraph.Core.Import;
using MoralGraph.Core.Studies;

namespace MoralGraph.Cli.Commands;

internal static class ImportCommands
{
    public static Command ImportMai(Option<string> db, CliConsole console)
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "Folder with MAI's dump: case.json, context.json, contextsOnCases.json, canonicalValuesCard.json, edge.json." };
        var study = new Option<string>("--study") { Description = "Slug of the study to create.", Required = true };
        var before = new Option<string?>("--before") { Description = "Import only votes created before this ISO-8601 instant, e.g. 2023-10-18T12:00:00Z." };
        var command = new Command("import-mai", "Import a study from Meaning Alignment Institute's public dump format.") { directory, study, before };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            DateTimeOffset? cut = null;
            if (parse.GetValue(before) is { } beforeText)
            {
                cut = DateTimeOffset.TryParse(beforeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : throw new CliException($"--before '{beforeText}' is not an ISO-8601 time such as 2023-10-18T12:00:00Z.");
            }

            var slug = parse.GetValue(study)!;
            var result = await MaiDumpReader.ReadAsync(parse.GetValue(directory)!.FullName, slug, cut, cancellationToken);
            if (!result.Succeeded)
            {
                foreach (var problem in result.Problems)
                {
                    await console.Error.WriteLineAsync(problem);
                }

                throw new CliException($"the dump has {result.Problems.Count} problem(s); nothing was imported.");
            }

            using var log = CommandStore.Open(parse.GetValue(db)!);
            await EnsureNewStudyAsync(log, slug, cancellationToken);
            await CommandStore.AppendAndSnapshotAsync(log, slug, result.Events, cancellationToken);
            var votes = result.Events.OfType<VoteCast>().Count();
            var values = result.Events.OfType<CanonicalValueDefined>().Count();
            await console.Out.WriteLineAsync($"Imported study '{slug}': {values} values, {votes} votes ({result.SkippedVotes} after the time cut left out), {result.Warnings.Count} warnings about historical cards.");
            return 0;
        }));
        return command;
    }

    public static Command ImportStudy(Option<string> db, CliConsole console)
    {
        var file = new Argument<FileInfo>("STUDY.yaml") { Description = "A study definition, as in studies/." };
        var redLines = new Option<FileInfo[]>("--red-lines") { Description = "A shared file of red lines (global minimums) to add, e.g. studies/red-lines/global-minimums.yaml. Repeatable.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("import", "Create a study (or update its definition) from a YAML file.") { file, redLines };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException($"{path.FullName}: file not found.");
            }

            var result = StudyDefinitionReader.Read(await File.ReadAllTextAsync(path.FullName, cancellationToken));
            if (!result.IsValid)
            {
                foreach (var problem in result.Problems)
                {
                    await console.Error.WriteLineAsync($"{path.Name}: {problem}");
                }

                throw new CliException($"{path.Name} has {result.Problems.Count} problem(s); nothing was imported.");
            }

            var definition = result.Value!;
            foreach (var shared in parse.GetValue(redLines) ?? [])
            {
                if (!shared.Exists)
                {
                    throw new CliException($"{shared.FullName}: file not found.");
                }

                var (lines, problems) = StudyDefinitionReader.ReadRedLines(await File.ReadAllTextAsync(shared.FullName, cancellationToken), shared.Name);
                if (problems.Count > 0)
                {
                    foreach (var problem in problems)
                    {
                        await console.Error.WriteLineAsync($"{shared.Name}: {problem}");
                    }

                    throw new CliException($"{shared.Name} has {problems.Count} problem(s); nothing was imported.");
                }

                definition = definition.WithSharedRedLines(lines);
            }

            using var log = CommandStore.Open(parse.GetValue(db)!);
            var now = TimeProvider.System.GetUtcNow();
            var events = StudyDefinitionEvents.For(definition, now, "cli");
            if (await new StudyRepository(log).LoadAsync(definition.Slug, cancellationToken) is { } existing)
            {
                // The same rules as the console's settings page: keep the slug and every context voted in, no seed value twice.
                var revision = StudyDefinitionEvents.Revise(existing, definition, now, "cli");
                if (!revision.IsValid)
                {
                    throw new CliException($"{path.Name}: {string.Join(" ", revision.Problems.Select(p => p.Message))} Nothing was imported.");
                }

                events = revision.Value!;
                // The phase in the file moves a running study forward; it never moves it back (a file that omits the
                // phase reads as "interviewing", so an earlier phase is kept with a note rather than refused).
                if (StudyPhases.CanMove(existing.Study!.Phase, definition.Phase))
                {
                    events.Add(new PhaseChanged(definition.Phase) { StudyId = definition.Slug, OccurredAt = now, Actor = "cli" });
                }
                else if (definition.Phase != existing.Study.Phase)
                {
                    await console.Error.WriteLineAsync($"note: the study stays {existing.Study.Phase.ToString().ToLowerInvariant()}: {path.Name} says {definition.Phase.ToString().ToLowerInvariant()}, and phases only move forward.");
                }
            }

            await log.AppendAllAsync(events, cancellationToken);
            await console.Out.WriteLineAsync($"Study '{definition.Slug}' ({definition.Questions.Count} questions, {definition.Questions.Sum(q => q.Contexts.Count)} contexts, {definition.RedLines.Count} red lines) is in {log.Location}.");
            return 0;
        }));
        return command;
    }

    public static async Task EnsureNewStudyAsync(IEventLog log, string slug, CancellationToken cancellationToken)
    {
        if ((await log.ReadStudyAsync(slug, cancellationToken)).Count > 0)
        {
            throw new CliException($"a study '{slug}' already exists in the store; choose another --study or --db. Nothing was imported.");
        }
    }
}
