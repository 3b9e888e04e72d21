using System.CommandLine;
using System.Globalization;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;

namespace MoralGraph.Cli.Commands;

internal static class ReconcileCommands
{
    public static Command Reconcile(Option<string> db, CliConsole console)
    {
        var study = StudyOption();
        var profile = ProfileOption();
        var top = new Option<int>("--top") { Description = "Values to list per graph.", DefaultValueFactory = _ => 3 };
        var command = new Command("reconcile", "Reconcile a study's moral graph and print the winning values per question and context.") { study, profile, top };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            if (parse.GetValue(top) < 1)
            {
                throw new CliException($"--top {parse.GetValue(top)}: list at least 1 value per graph.");
            }

            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var state = await CommandStore.LoadStudyAsync(log, parse.GetValue(study)!, cancellationToken);
            var snapshot = state.ToSnapshot();
            var chosen = ResolveProfile(parse.GetValue(profile));
            var result = chosen.Reconcile(snapshot, cancellationToken);
            var titles = snapshot.Values.ToDictionary(v => v.Id, v => v.Title);
            await console.Out.WriteLineAsync($"{snapshot.Study.Title}: {snapshot.Values.Count} values, {snapshot.Votes.Count} votes, profile {result.Profile} ({result.Fingerprint[..19]}…)");
            foreach (var graph in result.Graphs)
            {
                var contested = graph.Edges.Count(e => e.IsContested);
                await console.Out.WriteLineAsync();
                await console.Out.WriteLineAsync($"{graph.QuestionId ?? "all questions"} / {graph.ContextText ?? "all contexts"}: {graph.Ranking.Count} values, {graph.Edges.Count} edges ({contested} contested), {graph.ParticipantCount} voters");
                foreach (var ranked in graph.Ranking.Take(parse.GetValue(top)))
                {
                    var confidence = ranked.WinShare is { } share ? string.Create(CultureInfo.InvariantCulture, $", first in {share:P0} of resamples") : "";
                    await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {ranked.Rank,3}. {titles.GetValueOrDefault(ranked.ValueId, ranked.ValueId)} [{ranked.ValueId}] score {ranked.Score:0.0000}{confidence}"));
                }
            }

            return 0;
        }));
        return command;
    }

    public static Command Export(Option<string> db, CliConsole console)
    {
        var study = StudyOption();
        var profile = ProfileOption();
        var format = new Option<string>("--format") { Description = $"One of {ExportFormats.Names}.", Required = true };
        format.AcceptOnlyFromAmong([.. ExportFormats.All.Select(f => f.Name)]);
        var output = new Option<FileInfo>("--out") { Description = "File to write (csv writes a zip of values, edges, rankings and votes tables).", Required = true };
        var command = new Command("export", "Export a study's reconciled moral graph as an alignment spec (json), GraphML, CSV, Markdown or MAI's format.") { study, profile, format, output };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var state = await CommandStore.LoadStudyAsync(log, parse.GetValue(study)!, cancellationToken);
            var exportFormat = ExportFormats.Find(parse.GetValue(format))!;
            var input = ExportFormats.Prepare(state.ToSnapshot(), ResolveProfile(parse.GetValue(profile)), TimeProvider.System.GetUtcNow(), cancellationToken);
            var path = parse.GetValue(output)!.FullName;
            await CommandStore.WriteAtomicallyAsync(path, stream => exportFormat.WriteAsync(input, stream, cancellationToken));
            await console.Out.WriteLineAsync($"Wrote {exportFormat.Name} export of '{input.Spec.Study.Slug}' ({input.Spec.Counts.Values} values, {input.Spec.Counts.Edges} edges, profile {input.Result.Profile}) to {path}");
            return 0;
        }));
        return command;
    }

    private static Option<string> StudyOption() => new("--study") { Description = "The study's slug.", Required = true };

    private static Option<string> ProfileOption()
    {
        var option = new Option<string>("--profile") { Description = $"Reconciliation profile: {ReconciliationProfiles.Names}.", DefaultValueFactory = _ => DefaultProfile.ProfileName };
        option.AcceptOnlyFromAmong(DefaultProfile.ProfileName, Mai2023Profile.ProfileName);
        return option;
    }

    private static IReconciliationProfile ResolveProfile(string? name) =>
        ReconciliationProfiles.Find(name) ?? throw new CliException($"unknown profile '{name}'; use {ReconciliationProfiles.Names}.");
}
