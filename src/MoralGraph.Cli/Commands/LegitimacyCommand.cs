using System.CommandLine;
using MoralGraph.Core.Legitimacy;

namespace MoralGraph.Cli.Commands;

/// <summary><c>moralgraph legitimacy</c>: the study's survey agreement and step counts, as JSON or a one-page Markdown or HTML report.</summary>
internal static class LegitimacyCommand
{
    public static Command Create(Option<string> db, CliConsole console)
    {
        var study = new Option<string>("--study") { Description = "The study's slug.", Required = true };
        var format = new Option<string>("--format") { Description = $"One of {LegitimacyDocument.Names}.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong([.. LegitimacyDocument.Formats]);
        var output = new Option<FileInfo?>("--out") { Description = "File to write (default: standard output)." };
        var command = new Command(
            "legitimacy",
            "Print a study's legitimacy report: per survey statement, how many answered, how many agreed (4 or 5 of 5), the share and its Wilson 95% interval, for the study and per question, and the participants who did each step. Counts only, no participant's words.")
        {
            study, format, output,
        };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var state = await CommandStore.LoadStudyAsync(log, parse.GetValue(study)!, cancellationToken);
            var chosen = LegitimacyDocument.Find(parse.GetValue(format))!;
            var text = LegitimacyDocument.Render(chosen, LegitimacyReport.Of(state), state.Study!);
            if (parse.GetValue(output) is { } file)
            {
                await CommandStore.WriteAtomicallyAsync(file.FullName, async stream =>
                {
                    await using var writer = new StreamWriter(stream, leaveOpen: true);
                    await writer.WriteAsync(text.AsMemory(), cancellationToken);
                });
                await console.Out.WriteLineAsync($"Wrote the {chosen} legitimacy report of '{parse.GetValue(study)}' to {file.FullName}");
            }
            else
            {
                await console.Out.WriteAsync(text);
            }

            return 0;
        }));
        return command;
    }
}
