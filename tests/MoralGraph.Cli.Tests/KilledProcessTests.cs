using System.Diagnostics;
using System.Globalization;
using MoralGraph.Core.Events;
using MoralGraph.Storage.EventLog;
using Xunit.Abstractions;

namespace MoralGraph.Cli.Tests;

/// <summary>
/// A process killed while it writes must leave a store that opens, verifies, and holds either the whole
/// import or none of it (imports are one transaction; LiteDB's log discards an unfinished one).
/// </summary>
public sealed class KilledProcessTests : IDisposable
{
    // Large enough that the import is still being written 120 ms after its log passes 1 MB, on a fast or a busy machine
    // (4,000 participants finished first once the keys of a batch stopped costing a flush of their own).
    private const int ImportedParticipants = 10_000;

    private CliSandbox _sandbox = new();
    private readonly ITestOutputHelper _output;

    public KilledProcessTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(120)]
    [InlineData(2000)]
    public async Task A_kill_mid_write_leaves_all_or_nothing_and_an_intact_chain(int extraDelayMilliseconds)
    {
        // The short delays must land while the import is being written, or they test nothing. How long the writing lasts
        // depends on the machine and its load (it has finished within 120 ms of the log passing 1 MB under CI's load), so
        // an import that finished first is run again, twice as large, in a fresh store.
        var participants = ImportedParticipants;
        for (var attempt = 1; ; attempt++)
        {
            var killedMidWrite = await ImportAndKillAsync(participants, extraDelayMilliseconds);
            if (killedMidWrite || extraDelayMilliseconds >= 2000)
            {
                break;
            }

            Assert.True(attempt < 3, $"the import of {participants} participants finished before the kill, three times");
            _output.WriteLine($"the import of {participants} participants finished before the kill; again with {participants * 2}");
            participants *= 2;
            _sandbox.Dispose();
            _sandbox = new CliSandbox();
        }

        await AssertAllOrNothingAsync(participants);
    }

    // Starts the import, waits until its pages reach the disk (LiteDB's log file passes 1 MB), waits the extra delay and
    // kills it; true when it was still running.
    private async Task<bool> ImportAndKillAsync(int participants, int extraDelayMilliseconds)
    {
        var cli = typeof(MoralGraphCli).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [cli, "--db", _sandbox.Store, "demo", "--participants", participants.ToString(CultureInfo.InvariantCulture), "--study", "killed"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var logFile = Path.ChangeExtension(_sandbox.Store, null) + "-log.db";
        var deadline = Stopwatch.StartNew();
        while (!(File.Exists(logFile) && new FileInfo(logFile).Length > 1_000_000) && !process.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(5);
        }

        await Task.Delay(extraDelayMilliseconds);
        var running = !process.HasExited;
        if (running)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        return running;
    }

    private async Task AssertAllOrNothingAsync(int participants)
    {
        using var log = new LiteDbEventLog(_sandbox.Store);
        Assert.True((await log.VerifyAsync()).IsIntact);
        var events = await log.ReadStudyAsync("killed");
        _output.WriteLine($"after the kill the store holds {events.Count} events of the study");
        if (events.Count > 0)
        {
            var expected = await MoralGraph.Core.Synthetic.DemoStudy.CreateAsync("killed", participants, 7, DateTimeOffset.UtcNow);
            Assert.Equal(expected.Count, events.Count);
            Assert.Equal(expected.OfType<VoteCast>().Count(), events.Count(e => e.Event is VoteCast));
        }

        // The store stays usable after the crash.
        var after = await log.AppendAsync(new ParticipantWithdrew("someone") { StudyId = "killed", OccurredAt = DateTimeOffset.UtcNow, Actor = "someone" });
        Assert.Equal(events.Count + 1, after.Sequence);
    }

    public void Dispose() => _sandbox.Dispose();
}
