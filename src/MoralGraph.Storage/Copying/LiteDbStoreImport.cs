using MoralGraph.Core.Erasure;
using MoralGraph.Storage.Erasure;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Storage.Copying;

/// <summary>
/// Writes a log copied from another store (<c>moralgraph store copy</c>) into a new LiteDB file, byte for byte: each
/// event's stored payload, sequence and hashes, and the participants' keys with their ids, so the file verifies to the
/// source's head and its participants' words decrypt with the copied keys. All or nothing: everything is written to a
/// temporary file beside the target, which takes the target's name (with its key file) only once complete.
/// </summary>
public static class LiteDbStoreImport
{
    /// <summary>
    /// Imports <paramref name="pages"/> and <paramref name="keys"/> into the store at <paramref name="path"/>, which must
    /// not hold any event or key; returns the chain as checked (count and head).
    /// </summary>
    /// <exception cref="StoreNotEmptyException">The target holds events or keys; it was left as it was.</exception>
    /// <exception cref="InvalidDataException">A row breaks the chain; the target was left as it was.</exception>
    public static async Task<StoredChainCheck> ImportAsync(
        string path, IAsyncEnumerable<IReadOnlyList<StoredEventRow>> pages, IReadOnlyList<ParticipantKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(pages);
        ArgumentNullException.ThrowIfNull(keys);
        var target = Path.GetFullPath(path);
        var targetKeys = LiteDbParticipantKeyStore.PathBeside(target);
        await RefuseUnlessEmptyAsync(target, targetKeys, cancellationToken).ConfigureAwait(false);

        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(target)}.copying-{Guid.NewGuid():N}{Path.GetExtension(target)}");
        var temporaryKeys = LiteDbParticipantKeyStore.PathBeside(temporary);
        try
        {
            var chain = new StoredChainCheck();
            using (var log = new LiteDbEventLog(temporary))
            {
                log.KeyStore!.ImportStored(keys);
                await foreach (var page in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    log.ImportStored(page, chain);
                }
            }

            File.Move(temporaryKeys, targetKeys, overwrite: true);
            File.Move(temporary, target, overwrite: true);
            return chain;
        }
        finally
        {
            foreach (var leftover in new[] { temporary, temporaryKeys }.SelectMany(f => new[] { f, f + ".lock", LiteDbLogOf(f) }))
            {
                File.Delete(leftover);
            }
        }
    }

    private static async Task RefuseUnlessEmptyAsync(string target, string targetKeys, CancellationToken cancellationToken)
    {
        if (new FileInfo(target) is { Exists: true, Length: > 0 })
        {
            using var existing = new LiteDbEventLog(target);
            var verification = await existing.VerifyAsync(cancellationToken).ConfigureAwait(false);
            var studies = await existing.ListAsync(cancellationToken).ConfigureAwait(false);
            var keyCount = (await existing.ExportParticipantKeysAsync(cancellationToken).ConfigureAwait(false)).Count;
            if (verification.EventCount > 0 || keyCount > 0 || !verification.IsIntact)
            {
                var named = studies.Count == 0 ? "no study" : $"{studies.Count} {(studies.Count == 1 ? "study" : "studies")}: {string.Join(", ", studies.Select(s => s.Slug))}";
                throw new StoreNotEmptyException($"the target {target} already holds a store ({verification.EventCount} events, {named}; {keyCount} participant keys). Copy into a new file.");
            }
        }
        else if (File.Exists(targetKeys))
        {
            using var keys = new LiteDbParticipantKeyStore(targetKeys);
            if (keys.List().Count > 0)
            {
                throw new StoreNotEmptyException($"the key file {targetKeys} beside the target already holds {keys.List().Count} participant keys. Copy into a new file.");
            }
        }
    }

    // LiteDB keeps its write-ahead log in NAME-log.EXT beside the file until it is checkpointed on close.
    private static string LiteDbLogOf(string file) =>
        Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file) + "-log" + Path.GetExtension(file));
}
