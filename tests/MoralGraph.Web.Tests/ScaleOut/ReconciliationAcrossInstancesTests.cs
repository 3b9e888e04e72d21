using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>
/// Two instances' background reconciliations of one study: the lease holder computes and keeps the result for both, the
/// other takes it as its latest; when the holder stops, the other takes over.
/// </summary>
public sealed class ReconciliationAcrossInstancesTests : IAsyncLifetime, IDisposable
{
    private static readonly LiveReconciliationOptions Schedule = new()
    {
        QuietPeriod = TimeSpan.FromSeconds(2), MinInterval = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(10), BootstrapResamples = 10,
    };

    private readonly LiveStore _live = new();
    private readonly InProcessWorkLeases _leases = new();
    private readonly InMemoryInstanceMessages _messages = new();
    private readonly InMemorySharedResults _shared = new();
    private LiveReconciliation _a = null!;
    private LiveReconciliation _b = null!;
    private StudyScript _script = null!;

    public async Task InitializeAsync()
    {
        _script = await _live.WithStudyAsync();
        _a = Instance("a");
        _b = Instance("b");
        await _a.StartAsync(CancellationToken.None);
        await _b.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _b.StopAsync(CancellationToken.None);
        await _a.StopAsync(CancellationToken.None);
    }

    public void Dispose() => _live.Dispose();

    [Fact]
    public async Task One_instance_computes_and_both_show_its_result_then_the_other_takes_over_when_it_stops()
    {
        using var onB = _live.Broadcaster.Subscribe(_script.Slug, n => n is ReconciliationUpdated);
        await VotesAsync(4);

        // Both noticed the votes; whichever ran first took the lease, the other took its result.
        _live.Time.Advance(TimeSpan.FromSeconds(2));
        await FeedReading.EventuallyAsync(() => _a.Latest(_script.Slug) is not null && _b.Latest(_script.Slug) is not null, "both instances have a result");
        Assert.Equal(1, _shared.Writes);
        var first = _a.Latest(_script.Slug)!;
        Assert.Equal(first.ThroughSequence, _b.Latest(_script.Slug)!.ThroughSequence);
        Assert.Equal(4, _b.Latest(_script.Slug)!.VoteCount);

        // The holder stops (its lease goes with it); the next change is computed by the one left.
        var (stopped, left) = await HolderFirstAsync();
        await stopped.StopAsync(CancellationToken.None);
        await VotesAsync(2, left);
        _live.Time.Advance(TimeSpan.FromSeconds(2));
        await FeedReading.EventuallyAsync(() => left.Latest(_script.Slug)?.VoteCount == 6, "the remaining instance computed the next run");
        Assert.Equal(2, _shared.Writes);
    }

    private async Task<(LiveReconciliation Holder, LiveReconciliation Other)> HolderFirstAsync()
    {
        // The holder is the one that cannot take the lease again from outside.
        await using var probe = await _leases.TryAcquireAsync(WorkLeaseNames.Reconciliation(_script.Slug));
        Assert.Null(probe);
        var computedOnA = _messages.Sent.Any(m => m.Topic == "reconciliation" && m.FromInstance == "a");
        return computedOnA ? (_a, _b) : (_b, _a);
    }

    private LiveReconciliation Instance(string id) => new(
        _live.Broadcaster, _live.States, _live.Time, Options.Create(Schedule), NullLogger<LiveReconciliation>.Instance, _leases, _messages.Connect(id), _shared);

    private async Task VotesAsync(int count, LiveReconciliation? watcher = null)
    {
        var services = watcher is null ? new[] { _a, _b } : [watcher];
        var before = services.Select(s => s.Status(_script.Slug).PendingChanges).ToList();
        for (var i = 0; i < count; i++)
        {
            await _live.Log.AppendAsync(_script.Vote($"voter-{Guid.NewGuid():N}", _script.Value(0), _script.Value(1), StudyScript.GriefComforting, Verdict.Wiser));
        }

        await FeedReading.EventuallyAsync(() => services.Select((s, i) => s.Status(_script.Slug).PendingChanges >= before[i] + count).All(x => x), $"{count} votes noticed");
    }
}
