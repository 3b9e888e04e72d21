using MoralGraph.Core.Events;
using MoralGraph.LoadTesting.Chaos;
using MoralGraph.LoadTesting.Harness;
using MoralGraph.LoadTesting.Participants;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.LoadTesting.Tests;

/// <summary>
/// The chaos mode's store check reads whatever store <see cref="ChaosOptions.OpenStore"/> opens (the command line opens
/// <c>--db</c>, a LiteDB file today, PostgreSQL later), never a path of its own, and closes it when done.
/// </summary>
public sealed class StoreCheckTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("moralgraph-store-check-").FullName;

    [Fact]
    public async Task The_check_reads_the_store_the_factory_opens_and_closes_it()
    {
        var path = Path.Combine(_folder, "shared.db");
        using (var writer = new LiteDbEventLog(path))
        {
            await writer.AppendAsync(new ParticipantJoined("p1", "hash-p1", "consent-v1", "en", null) { StudyId = "s", OccurredAt = DateTimeOffset.UtcNow, Actor = "p1" });
        }

        var acknowledged = new AcknowledgedActions();
        acknowledged.Joined("p1", "token-1");
        acknowledged.Joined("p2", "token-2");
        var opened = 0;
        var closed = 0;
        var chaos = new ChaosOptions("start", TimeSpan.FromSeconds(1), 1, Path.Combine(_folder, "not-there", "never-opened.db"))
        {
            OpenStore = () =>
            {
                opened++;
                var log = new LiteDbEventLog(path);
                return new StoreUnderCheck(log, new NoStudies(), new NoStudySnapshots(), new Closing(log, () => closed++));
            },
        };
        var options = new LoadRunOptions { Url = new Uri("http://127.0.0.1:1/"), Study = "s", Chaos = chaos };

        var report = await new ChaosRounds([], options, acknowledged, TextWriter.Null).ReportAsync(requestsRetried: 0, CancellationToken.None);

        Assert.Equal((1, 1), (opened, closed));
        Assert.Equal(1, report.LostAcknowledgedActions);
        Assert.Equal("join of p2 was acknowledged but is not in the log.", Assert.Single(report.Lost));
        Assert.True(report.ChainVerified, string.Join('\n', report.StoreChecks));
        Assert.False(Directory.Exists(Path.Combine(_folder, "not-there")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class NoStudies : IStudyCatalog
    {
        public Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<StudySummary>>([]);
    }

    private sealed class Closing(IDisposable store, Action closed) : IDisposable
    {
        public void Dispose()
        {
            store.Dispose();
            closed();
        }
    }
}
