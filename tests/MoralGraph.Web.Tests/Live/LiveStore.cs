using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MoralGraph.Core.Events;
using MoralGraph.Storage.EventLog;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Tests.Live;

/// <summary>
/// The live pieces as the app wires them — a LiteDB log in a temporary folder wrapped in the notifying log and the
/// live study states, the broadcaster, presence — on a fake clock, with dashboards refreshing without delay.
/// </summary>
public sealed class LiveStore : IDisposable
{
    private readonly string _folder = TestFolder.Create();
    private readonly List<IDisposable> _owned = [];

    public LiveStore(int feedCapacity = 4096)
    {
        SessionOptions = Options.Create(new LiveSessionOptions { FeedCapacity = feedCapacity, DashboardRefreshInterval = TimeSpan.Zero });
        Store = new LiteDbEventLog(Path.Combine(_folder, "live.db"));
        Broadcaster = new StudyEventBroadcaster(SessionOptions);
        Notifying = new NotifyingEventLog(Store, Broadcaster);
        States = new StudyStates(Notifying, new NoStudySnapshots(), Time);
        Presence = new ParticipantPresence(Broadcaster);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    public IOptions<LiveSessionOptions> SessionOptions { get; }

    public LiteDbEventLog Store { get; }

    public StudyEventBroadcaster Broadcaster { get; }

    public NotifyingEventLog Notifying { get; }

    /// <summary>The live study states, through which everything is written (as in the app).</summary>
    public StudyStates States { get; }

    /// <summary>The app's log: the live states over the notifying log over the store.</summary>
    public StudyStates Log => States;

    public ParticipantPresence Presence { get; }

    /// <summary>A reconciliation service on the fake clock (not started).</summary>
    public LiveReconciliation Reconciliation(LiveReconciliationOptions? options = null)
    {
        var service = new LiveReconciliation(Broadcaster, States, Time, Options.Create(options ?? new LiveReconciliationOptions { BootstrapResamples = 20 }),
            NullLogger<LiveReconciliation>.Instance);
        _owned.Add(service);
        return service;
    }

    public StudyDashboards Dashboards(LiveReconciliation reconciliation) =>
        new(States, Presence, reconciliation, Broadcaster, Time, SessionOptions, NullLogger<StudyDashboards>.Instance);

    public async Task<StudyScript> WithStudyAsync(StudyScript? script = null)
    {
        script ??= new StudyScript();
        await Log.AppendAllAsync(script.Definition());
        return script;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        States.Dispose();
        Store.Dispose();
        TestFolder.Delete(_folder);
    }
}

/// <summary>Reads a feed with a deadline, for notifications that arrive from other threads.</summary>
public static class FeedReading
{
    public static async Task<T> NextAsync<T>(this StudyFeed feed, TimeSpan? timeout = null)
        where T : StudyNotification
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (await feed.WaitToReadAsync(deadline.Token))
        {
            while (feed.TryRead(out var notification))
            {
                if (notification is T wanted)
                {
                    return wanted;
                }
            }
        }

        throw new InvalidOperationException("The feed ended.");
    }

    public static List<StudyNotification> Drain(this StudyFeed feed)
    {
        var notifications = new List<StudyNotification>();
        while (feed.TryRead(out var notification))
        {
            notifications.Add(notification);
        }

        return notifications;
    }

    /// <summary>Waits (in real time) until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }
}
