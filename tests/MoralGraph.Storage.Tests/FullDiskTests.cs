using System.Collections.Concurrent;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;
using Xunit.Abstractions;
using static MoralGraph.Storage.Tests.TestEvents;

namespace MoralGraph.Storage.Tests;

/// <summary>
/// A full disk on a real (tmpfs) file system: appends fail cleanly with <see cref="StoreFullException"/>, nothing of
/// them is stored, the chain stays intact, and the log carries on by itself once space is freed.
/// </summary>
public sealed class FullDiskTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_append_on_a_full_disk_fails_cleanly_and_the_next_one_after_space_returns_succeeds()
    {
        using var disk = new SmallDisk(megabytes: 4);
        var path = Path.Combine(disk.Folder, "store.db");
        RecordedEvent lastAcknowledged;
        using (var log = new LiteDbEventLog(path))
        {
            await log.AppendAsync(Defined());
            lastAcknowledged = await log.AppendAsync(VoteEvent("p", 1));
            disk.Fill();

            var full = await Assert.ThrowsAsync<StoreFullException>(() => log.AppendAsync(VoteEvent("p", 2)));
            Assert.Contains("is full, so this was not recorded", full.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<StoreFullException>(() => log.AppendAllAsync([VoteEvent("p", 3), VoteEvent("p", 4)]));

            // Nothing of the failed appends is stored, and the last acknowledged event is still the head.
            var verification = await log.VerifyAsync();
            Assert.True(verification.IsIntact, verification.Problem);
            Assert.Equal((2L, lastAcknowledged.Hash), (verification.EventCount, verification.HeadHash));
            Assert.Equal(["p-1"], VoteIds(await log.ReadStudyAsync("s")));

            disk.Free();
            var afterwards = await log.AppendAsync(VoteEvent("p", 2));
            Assert.Equal((3L, lastAcknowledged.Hash), (afterwards.Sequence, afterwards.PreviousHash));
        }

        using var reopened = new LiteDbEventLog(path);
        var reread = await reopened.VerifyAsync();
        Assert.True(reread.IsIntact, reread.Problem);
        Assert.Equal(3, reread.EventCount);
        Assert.Equal(["p-1", "p-2"], VoteIds(await reopened.ReadStudyAsync("s")));
    }

    [Fact]
    public async Task Writers_that_fill_the_disk_lose_no_acknowledged_vote_and_carry_on_once_space_returns()
    {
        using var disk = new SmallDisk(megabytes: 3);
        disk.Reserve("ballast", 1024 * 1024);
        var path = Path.Combine(disk.Folder, "store.db");
        var acknowledged = new ConcurrentBag<RecordedEvent>();

        // A small checkpoint threshold, so the disk also fills while the log is copied into the data file.
        using (var log = new LiteDbEventLog(path, checkpointLogBytes: 128 * 1024))
        {
            await log.AppendAsync(Defined());
            await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
            {
                // Each writer votes until the disk is full; any other failure fails the test.
                for (var i = 0; ; i++)
                {
                    try
                    {
                        acknowledged.Add(await log.AppendAsync(VoteEvent($"w{writer}", i)));
                    }
                    catch (StoreFullException)
                    {
                        return;
                    }
                }
            })));

            var verification = await log.VerifyAsync();
            Assert.True(verification.IsIntact, verification.Problem);
            Assert.Equal(acknowledged.Count + 1, verification.EventCount);
            output.WriteLine($"{acknowledged.Count} votes acknowledged before the disk was full; the store's files: "
                + string.Join(", ", Directory.GetFiles(disk.Folder).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length / 1024} KB")));

            disk.Free("ballast");
            for (var writer = 0; writer < 8; writer++)
            {
                acknowledged.Add(await log.AppendAsync(VoteEvent($"w{writer}", 100_000)));
            }
        }

        using var reopened = new LiteDbEventLog(path);
        var reread = await reopened.VerifyAsync();
        Assert.True(reread.IsIntact, reread.Problem);
        Assert.Equal(acknowledged.Count + 1, reread.EventCount);
        Assert.Equal(acknowledged.Select(e => ((VoteCast)e.Event).Vote.VoteId).Order(StringComparer.Ordinal), VoteIds(await reopened.ReadStudyAsync("s")).Order(StringComparer.Ordinal));
    }

    private static List<string> VoteIds(IEnumerable<RecordedEvent> events) => [.. events.Select(e => e.Event).OfType<VoteCast>().Select(v => v.Vote.VoteId)];
}
