using System.CommandLine;
using MoralGraph.Storage.Snapshots;

namespace MoralGraph.Cli.Commands;

internal static class AuditCommands
{
    public static Command Create(Option<string> db, CliConsole console)
    {
        var expectHead = new Option<string?>("--expect-head") { Description = "The head printed by an earlier verify: fails if events were removed from the end or the chain was rewritten." };
        var verify = new Command("verify", "Recompute the event log's hash chain and report the first altered or missing event.") { expectHead };
        verify.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var path = parse.GetValue(db)!;
            using var log = CommandStore.OpenExisting(path);
            var result = await log.VerifyAsync(cancellationToken);
            if (!result.IsIntact)
            {
                throw new CliException($"the audit log is broken at event {result.FirstBrokenSequence}: {result.Problem}. {result.EventCount} events before it verified.");
            }

            var head = $"{result.EventCount}:{result.HeadHash}";
            // A head recorded earlier must still be in the chain at its position (later events may follow it).
            if (parse.GetValue(expectHead) is { } expected
                && !(expected.Split(':', 2) is [var at, var hash]
                    && long.TryParse(at, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence)
                    && await log.HashAtAsync(sequence, cancellationToken) == hash))
            {
                throw new CliException($"the audit log's chain is intact but does not contain the expected head {expected} (now {head}): events were removed from its end, or it was rewritten.");
            }

            await console.Out.WriteLineAsync($"The audit log is intact: {result.EventCount} events, every hash and link verified. Head: {head}");
            return 0;
        }));
        var study = new Option<string?>("--study") { Description = "The study to check (every study when left out)." };
        var replay = new Command("replay", "Check that each study's state as the app restores it (its latest snapshot, then the events after it) equals the replay of its whole log.") { study };
        replay.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var path = parse.GetValue(db)!;
            using var log = CommandStore.OpenExisting(path);
            var snapshots = log.Snapshots;
            IReadOnlyList<string> slugs = parse.GetValue(study) is { } one ? [one] : [.. (await log.ListAsync(cancellationToken)).Select(s => s.Slug)];
            var differing = 0;
            foreach (var slug in slugs)
            {
                var comparison = await RestoredStateCheck.CompareAsync(log, snapshots, slug, cancellationToken)
                    ?? throw new CliException($"no study '{slug}' in the store.");
                differing += comparison.IsSame ? 0 : 1;
                await console.Out.WriteLineAsync(comparison.ToString());
            }

            return differing == 0 ? 0 : throw new CliException($"{differing} of {slugs.Count} studies restore differently from their log. {(snapshots is FileStudySnapshotStore files ? $"Delete {files.Folder}" : "Delete the store's snapshots")} to make the app replay the log.");
        }));
        return new Command("audit", "Audit the event log.") { verify, replay };
    }
}
