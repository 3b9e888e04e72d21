using System.CommandLine;
using System.Globalization;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Releases;

namespace MoralGraph.Cli.Commands;

/// <summary>
/// <c>moralgraph release</c>: publish a study's spec as a release (v1, v2, …), list releases, write a release's spec
/// again (checked against its hash) and compare two releases or a release and the live graph, against the store.
/// </summary>
internal static class ReleaseCommands
{
    /// <summary>What <c>release diff --to</c> accepts for the live graph.</summary>
    public const string Live = "live";

    public static Command Create(Option<string> db, CliConsole console)
    {
        var study = new Option<string>("--study") { Description = "The study's slug.", Required = true };

        var note = new Option<string>("--note") { Description = "What this release is for, what changed (kept with it).", Required = true };
        var profile = new Option<string>("--profile") { Description = $"Reconciliation profile: {ReconciliationProfiles.Names}.", DefaultValueFactory = _ => DefaultProfile.ProfileName };
        profile.AcceptOnlyFromAmong(DefaultProfile.ProfileName, Mai2023Profile.ProfileName);
        var actor = new Option<string>("--actor") { Description = "Who publishes (recorded in the log).", DefaultValueFactory = _ => "cli" };
        var publish = new Command("publish", "Publish the study's spec as it stands as its next release (v1, v2, …), with a note.") { study, note, profile, actor };
        publish.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var releases = new StudyReleases(log, TimeProvider.System);
            var released = await releases.PublishAsync(parse.GetValue(study)!, parse.GetValue(note)!, parse.GetValue(profile)!, parse.GetValue(actor)!, cancellationToken)
                ?? throw NoStudy(parse.GetValue(study)!);
            await console.Out.WriteLineAsync($"Released {released.ReleaseId} of '{released.StudyId}'{(released.PreviousReleaseId is { } previous ? $" (after {previous})" : " (the first)")}: "
                + $"events through {released.ThroughSequence}, profile {released.Profile}, spec {released.SpecSha256}");
            return 0;
        }));

        var list = new Command("list", "List the study's releases, oldest first.") { study };
        list.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var releases = await new StudyReleases(log, TimeProvider.System).ListAsync(parse.GetValue(study)!, cancellationToken) ?? throw NoStudy(parse.GetValue(study)!);
            if (releases.Count == 0)
            {
                await console.Out.WriteLineAsync($"'{parse.GetValue(study)}' has no release yet. Publish one with 'moralgraph release publish'.");
            }

            foreach (var release in releases)
            {
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{release.ReleaseId}\t{release.ReleasedAt:yyyy-MM-dd HH:mm:ss}Z\t{release.Actor}\tthrough {release.ThroughSequence}\t{release.Profile}\t{release.SpecSha256}\t{release.Note}"));
            }

            return 0;
        }));

        var releaseId = new Option<string>("--release") { Description = "The release (v1, v2, …).", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "File to write the release's spec to (default: only check it)." };
        var show = new Command("show", "Make a release's spec again from the log, check it against the released hash, and write it with --out.") { study, releaseId, output };
        show.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var releases = new StudyReleases(log, TimeProvider.System);
            var file = parse.GetValue(output);
            RegeneratedRelease? regenerated = null;
            if (file is null)
            {
                regenerated = await releases.RegenerateAsync(parse.GetValue(study)!, parse.GetValue(releaseId)!, Stream.Null, cancellationToken);
            }
            else
            {
                await CommandStore.WriteAtomicallyAsync(file.FullName, async stream =>
                    regenerated = await releases.RegenerateAsync(parse.GetValue(study)!, parse.GetValue(releaseId)!, stream, cancellationToken));
            }

            if (regenerated is null)
            {
                if (file is not null)
                {
                    File.Delete(file.FullName);
                }

                throw new CliException($"'{parse.GetValue(study)}' has no release {parse.GetValue(releaseId)}. 'moralgraph release list' lists them.");
            }

            var release = regenerated.Release;
            await console.Out.WriteLineAsync($"{release.ReleaseId} of '{release.StudyId}': {release.Note}");
            if (!regenerated.Reproduces)
            {
                // A file that says it is the release but is not its bytes would be worse than none.
                if (file is not null)
                {
                    File.Delete(file.FullName);
                }

                throw new CliException($"{release.ReleaseId} does not reproduce: released {release.SpecSha256}, made again {regenerated.SpecSha256}. "
                    + $"A participant whose words it held may have withdrawn since, or this build is not the one released (fingerprint {release.Fingerprint}, now {regenerated.Spec.Algorithm.Fingerprint}).");
            }

            await console.Out.WriteLineAsync($"Reproduced byte for byte: {release.SpecSha256}{(file is null ? "" : $", written to {file.FullName}")}");
            return 0;
        }));

        var from = new Option<string>("--from") { Description = "The older release (v1, …).", Required = true };
        var to = new Option<string>("--to") { Description = $"The newer release, or '{Live}' for the live graph.", Required = true };
        var format = new Option<string>("--format") { Description = "json|markdown (default markdown).", DefaultValueFactory = _ => "markdown" };
        format.AcceptOnlyFromAmong("json", "markdown", "md");
        var diffOut = new Option<FileInfo?>("--out") { Description = "File to write (default: standard output)." };
        var diff = new Command("diff", $"Compare two releases, or a release and the live graph (--to {Live}).") { study, from, to, format, diffOut };
        diff.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            using var log = CommandStore.OpenExisting(parse.GetValue(db)!);
            var releases = new StudyReleases(log, TimeProvider.System);
            var slug = parse.GetValue(study)!;
            var older = await releases.RegenerateAsync(slug, parse.GetValue(from)!, Stream.Null, cancellationToken)
                ?? throw new CliException($"'{slug}' has no release {parse.GetValue(from)}.");
            var newer = parse.GetValue(to) == Live
                ? await releases.LiveAsync(slug, ReconciliationProfiles.Find(older.Release.Profile)!, cancellationToken)
                : (await releases.RegenerateAsync(slug, parse.GetValue(to)!, Stream.Null, cancellationToken))?.Spec
                    ?? throw new CliException($"'{slug}' has no release {parse.GetValue(to)}.");
            var result = SpecDiff.Compare(older.Spec, newer!, cancellationToken);
            await DiffCommand.WriteAsync(console, parse.GetValue(diffOut),
                parse.GetValue(format) == "json" ? SpecDiffRendering.ToJson(result) + "\n" : SpecDiffRendering.ToMarkdown(result));
            return 0;
        }));

        return new Command("release", "Publish, list, check and compare releases of a study's alignment spec.") { publish, list, show, diff };
    }

    private static CliException NoStudy(string slug) =>
        new($"no study '{slug}' in the store. Import one with 'moralgraph import' or 'moralgraph import-mai'.");
}
