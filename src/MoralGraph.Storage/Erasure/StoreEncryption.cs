using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.Snapshots;

namespace MoralGraph.Storage.Erasure;

/// <summary>What <see cref="StoreEncryption.EncryptAsync"/> did.</summary>
/// <param name="Rewritten">False when every participant text was already encrypted, and nothing was changed.</param>
/// <param name="EventCount">Events in the store.</param>
/// <param name="ClearTextEvents">Events that held participant text in clear before.</param>
/// <param name="OldHead">The old chain's head (<c>N:HASH</c>).</param>
/// <param name="NewHead">The new chain's head; the old one when nothing was rewritten.</param>
/// <param name="BackupPath">The store as it was before, kept beside it; null when nothing was rewritten.</param>
public sealed record StoreEncryptionResult(bool Rewritten, long EventCount, long ClearTextEvents, string OldHead, string NewHead, string? BackupPath);

/// <summary>
/// The one-off migration of a store written before participants' words were encrypted (<c>moralgraph store encrypt</c>):
/// every event is written again, in order, into a new file whose chain covers the ciphertext, which then takes the
/// store's place. Hashes cover the payloads, so the new chain has new hashes; the old head is recorded in the new store
/// (<see cref="LiteDbEventLog.RewrittenFrom"/>) so an auditor can link the two. The old file is kept beside it,
/// because it is the only copy of the old chain, and it must be deleted by hand: it holds the words in clear.
/// Running it again on an encrypted store changes nothing.
/// </summary>
public static class StoreEncryption
{
    private const int Page = 2_000;

    /// <summary>Encrypts the store at <paramref name="storePath"/> in place (the app must be stopped).</summary>
    /// <exception cref="InvalidOperationException">The store's chain does not verify; nothing was changed.</exception>
    public static async Task<StoreEncryptionResult> EncryptAsync(string storePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storePath);
        var path = Path.GetFullPath(storePath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no store there.", path);
        }

        var folder = Path.GetDirectoryName(path)!;
        var name = Path.GetFileNameWithoutExtension(path);
        var extension = Path.GetExtension(path);
        var rewriting = Path.Combine(folder, $"{name}.encrypting{extension}");
        DeleteStoreFiles(rewriting);

        using (var keys = new LiteDbParticipantKeyStore(LiteDbParticipantKeyStore.PathBeside(path)))
        {
            long clearTextEvents;
            ChainVerification before;
            using (var old = new LiteDbEventLog(path, keys))
            {
                before = await old.VerifyAsync(cancellationToken).ConfigureAwait(false);
                if (!before.IsIntact)
                {
                    throw new InvalidOperationException($"The store {path} does not verify (event {before.FirstBrokenSequence}: {before.Problem}); nothing was changed. Run 'moralgraph audit verify'.");
                }

                clearTextEvents = CountClearText(old, cancellationToken);
                var oldHead = $"{before.EventCount}:{before.HeadHash}";
                if (clearTextEvents == 0)
                {
                    return new StoreEncryptionResult(false, before.EventCount, 0, oldHead, oldHead, null);
                }

                using var rewritten = new LiteDbEventLog(rewriting, keys);
                var studies = new Dictionary<string, StudyState>(StringComparer.Ordinal);
                for (long after = 0; ;)
                {
                    var page = old.ReadAll(after, Page);
                    if (page.Count == 0)
                    {
                        break;
                    }

                    // Read decrypted and written encrypted: texts stay as they read, withdrawn ones as withdrawn.
                    await rewritten.AppendAllAsync([.. page.Select(e => WithQuotes(e.Event, studies))], cancellationToken).ConfigureAwait(false);
                    after = page[^1].Sequence;
                }

                var check = await rewritten.VerifyAsync(cancellationToken).ConfigureAwait(false);
                if (!check.IsIntact || check.EventCount != before.EventCount)
                {
                    throw new InvalidOperationException($"The rewritten store {rewriting} has {check.EventCount} events where {before.EventCount} were expected ({check.Problem}); the store was left as it was.");
                }

                rewritten.NoteRewrittenFrom(before.EventCount, before.HeadHash!);
            }

            var backup = FreeName(Path.Combine(folder, $"{name}.before-encryption{extension}"));
            MoveStoreFiles(path, backup);
            MoveStoreFiles(rewriting, path);
            DeleteSnapshots(path);

            using var encrypted = new LiteDbEventLog(path, keys);
            var result = await encrypted.VerifyAsync(cancellationToken).ConfigureAwait(false);
            return new StoreEncryptionResult(true, result.EventCount, clearTextEvents, $"{before.EventCount}:{before.HeadHash}", $"{result.EventCount}:{result.HeadHash}", backup);
        }
    }

    /// <summary>
    /// The event with the participants its stories and recorded titles quote, where it was stored before they were
    /// recorded: the authors of the cards the values spoke with just before it, from the study replayed so far. The
    /// study's state is then advanced by it.
    /// </summary>
    private static StudyEvent WithQuotes(StudyEvent studyEvent, Dictionary<string, StudyState> studies)
    {
        if (Core.Access.AccessLog.IsReserved(studyEvent.StudyId))
        {
            return studyEvent;
        }

        if (!studies.TryGetValue(studyEvent.StudyId, out var state))
        {
            studies[studyEvent.StudyId] = state = new StudyState();
        }

        var quoted = studyEvent switch
        {
            VoteItemsDrawn drawn when drawn.Items.Any(i => i.QuotedParticipants is null) =>
                drawn with { Items = [.. drawn.Items.Select(i => i.QuotedParticipants is null ? i with { QuotedParticipants = Quoted(state, i.FromValueId, i.ToValueId) } : i)] },
            VoteCast { Vote: { Story: not null, StoryQuotes: null } vote } cast => cast with { Vote = vote with { StoryQuotes = Quoted(state, vote.FromValueId, vote.ToValueId) } },
            Core.Assistance.TransitionStoryWritten { Quotes: null } story => story with { Quotes = Quoted(state, story.FromValueId, story.ToValueId) },
            Core.Assistance.ValueTranslated { Quotes: null } translation => translation with { Quotes = Quoted(state, translation.ValueId) },
            ExportRecorded export when export.Summary.Values.Any(v => v.Quotes is null) => export with
            {
                Summary = export.Summary with { Values = [.. export.Summary.Values.Select(v => v.Quotes is null ? v with { Quotes = Quoted(state, v.ValueId) } : v)] },
            },
            _ => studyEvent,
        };
        state.Apply(quoted);
        return quoted;
    }

    private static IReadOnlyList<string>? Quoted(StudyState state, params string[] valueIds)
    {
        IReadOnlyList<string> quoted = [.. valueIds.Select(id => state.FindValue(state.ResolveValue(id))).OfType<Core.Values.CanonicalValue>()
            .Where(v => v.Members.Count > 0).Select(v => v.Members[0].ParticipantId).Distinct(StringComparer.Ordinal)];
        return quoted.Count > 0 ? quoted : null;
    }

    private static long CountClearText(LiteDbEventLog log, CancellationToken cancellationToken)
    {
        long count = 0;
        for (long after = 0; ;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = log.ReadPayloads(after, Page);
            if (page.Count == 0)
            {
                return count;
            }

            count += page.Count(p => ParticipantTextProtector.HasClearText(EventHashChain.Deserialize(p.Payload)));
            after = page[^1].Sequence;
        }
    }

    // Snapshots are a cache of the old chain (their hashes no longer match) and hold words in clear.
    private static void DeleteSnapshots(string storePath)
    {
        var folder = FileStudySnapshotStore.FolderBeside(storePath);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                File.Delete(file);
            }
        }
    }

    private static string FreeName(string path)
    {
        var candidate = path;
        for (var i = 2; File.Exists(candidate); i++)
        {
            candidate = Path.Combine(Path.GetDirectoryName(path)!, $"{Path.GetFileNameWithoutExtension(path)}-{i}{Path.GetExtension(path)}");
        }

        return candidate;
    }

    /// <summary>A store's data file and, when there is one, LiteDB's log beside it (where LiteDB looks for it).</summary>
    private static void MoveStoreFiles(string from, string to)
    {
        File.Move(from, to);
        if (File.Exists(LogOf(from)))
        {
            File.Move(LogOf(from), LogOf(to));
        }

        File.Delete(from + ".lock");
    }

    private static void DeleteStoreFiles(string path)
    {
        File.Delete(path);
        File.Delete(LogOf(path));
        File.Delete(path + ".lock");
    }

    private static string LogOf(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));
}
