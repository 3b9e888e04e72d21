using System.Runtime.CompilerServices;
using MoralGraph.Core.Erasure;
using MoralGraph.Storage.Copying;
using MoralGraph.Storage.EventLog;
using Npgsql;

namespace MoralGraph.Cli.Commands;

/// <summary>What <see cref="StoreCopy.CopyAsync"/> copied.</summary>
/// <param name="From">The source, for messages.</param>
/// <param name="To">The target, for messages.</param>
/// <param name="EventCount">Events copied (the studies' and the access log's).</param>
/// <param name="StudyCount">Studies among them.</param>
/// <param name="KeyCount">Participants' keys copied.</param>
/// <param name="DestroyedKeyCount">Of them, destroyed keys (withdrawn participants), copied as destroyed.</param>
/// <param name="Head">The head both stores verify to, as <c>audit verify</c> prints it.</param>
internal sealed record StoreCopyResult(string From, string To, long EventCount, int StudyCount, int KeyCount, int DestroyedKeyCount, string Head);

/// <summary>
/// <c>moralgraph store copy</c>: moves a whole store between LiteDB and PostgreSQL (either way) without changing a byte
/// of its log. Events are copied as stored, participants' words as the ciphertext they are, with the keys that open
/// them under the same ids: decrypting and encrypting again would give new ciphertext, new hashes and a new head.
/// The source is verified first and every row again as it is written; the target must be empty and is written all or
/// nothing; the target is verified after. Snapshots are a cache of the log and are not copied.
/// </summary>
internal static class StoreCopy
{
    private const int Page = 2_000;

    public static async Task<StoreCopyResult> CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        // The target's name is checked before the source is opened: a mistyped scheme costs no verification of a large log.
        var target = StoreLocation.Parse(to);
        using var source = CommandStore.OpenExisting(from);
        var verified = await source.VerifyAsync(cancellationToken);
        if (!verified.IsIntact)
        {
            throw new CliException($"the source's audit log is broken at event {verified.FirstBrokenSequence}: {verified.Problem}. {verified.EventCount} events before it verified. Nothing was copied.");
        }

        var keys = await source.Stored.ExportParticipantKeysAsync(cancellationToken);
        var studies = await source.ListAsync(cancellationToken);

        // The log as verified: events a running app appends meanwhile are not part of this copy.
        var pages = ReadPagesAsync(source.Stored, verified.EventCount, cancellationToken);
        StoredChainCheck copied;
        try
        {
            copied = target.Kind == StoreKind.LiteDb
                ? await LiteDbStoreImport.ImportAsync(target.Target, pages, keys, cancellationToken)
                : await ImportIntoPostgreSqlAsync(to, pages, keys, cancellationToken);
        }
        catch (Exception e) when (e is StoreNotEmptyException or InvalidDataException or StoreInUseException)
        {
            throw new CliException($"{e.Message} Nothing was copied.");
        }
        catch (Exception e) when (e is NpgsqlException or LiteDB.LiteException or IOException)
        {
            throw new CliException($"the copy into {target.Describe()} failed, and nothing of it was kept: {e.Message}");
        }

        using var written = CommandStore.OpenExisting(to);
        var check = await written.VerifyAsync(cancellationToken);
        if (!check.IsIntact || check.EventCount != copied.Count || check.HeadHash != copied.Head)
        {
            throw new CliException($"the copy in {written.Location} does not verify to the source's head {copied.Describe()} (it verifies to {check.EventCount}:{check.HeadHash}{(check.Problem is null ? "" : $", {check.Problem}")}).");
        }

        return new StoreCopyResult(source.Location, written.Location, copied.Count, studies.Count, keys.Count, keys.Count(k => k.IsDestroyed), copied.Describe());
    }

    private static async Task<StoredChainCheck> ImportIntoPostgreSqlAsync(
        string to, IAsyncEnumerable<IReadOnlyList<StoredEventRow>> pages, IReadOnlyList<ParticipantKey> keys, CancellationToken cancellationToken)
    {
        using var target = CommandStore.Open(to);
        return await target.PostgreSql!.ImportStoredAsync(pages, keys, cancellationToken);
    }

    private static async IAsyncEnumerable<IReadOnlyList<StoredEventRow>> ReadPagesAsync(
        IStoredEventSource source, long through, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (long after = 0; after < through;)
        {
            var page = await source.ReadStoredAsync(after, (int)Math.Min(Page, through - after), cancellationToken);
            if (page.Count == 0)
            {
                yield break;
            }

            yield return page;
            after = page[^1].Sequence;
        }
    }
}
