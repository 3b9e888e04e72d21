using System.Collections.Concurrent;
using MoralGraph.Core.Events;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Web.Live;

/// <summary>
/// Reads every study into memory when the app starts, and keeps the live study states' snapshots fresh in the
/// background: every few seconds it writes a snapshot of each study
/// that applied <see cref="StudyStatesOptions.SnapshotEveryEvents"/> events since its last one, and takes idle studies
/// out of memory; when the app stops it snapshots every study that changed, so the next start reads a snapshot and a
/// short tail instead of the whole log. A failed snapshot is logged and tried again later; the log stays the truth.
/// <para>
/// Of several app instances on one log, one writes each study's snapshots: the holder of its lease
/// (<see cref="WorkLeaseNames.Snapshots"/>), which it keeps while it runs; another instance takes the lease over once the
/// holder stops or dies.
/// </para>
/// </summary>
internal sealed partial class StudySnapshotWriter(
    StudyStates states, IStudyCatalog catalog, IWorkLeases leases, IServiceProvider services, TimeProvider time, ILogger<StudySnapshotWriter> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, IWorkLease> _held = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Every study is read into memory as the app starts, not by its first participant: a large study without a recent
        // snapshot takes seconds to replay, and a study read from its log alone is snapshotted on the first tick below.
        // (In the background: the store reads synchronously, and the host waits for this method's first yield.)
        await Task.Yield();
        foreach (var study in await catalog.ListAsync(stoppingToken).ConfigureAwait(false))
        {
            await TryAsync(study.Slug, () => states.ReadAsync(study.Slug, state => state.EventCount, stoppingToken)).ConfigureAwait(false);
        }

        if (services.GetService<LiteDbEventLog>() is { HasReadClearText: true } store)
        {
            LogClearText(store.Path);
        }

        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await TryAsync("(leases)", () => TakeLeasesAsync(stoppingToken)).ConfigureAwait(false);
            foreach (var slug in states.SnapshotsDue().Where(Holds))
            {
                await TryAsync(slug, () => states.WriteSnapshotAsync(slug, stoppingToken)).ConfigureAwait(false);
            }

            await TryAsync("(idle studies)", () => states.EvictIdleAsync(Holds, stoppingToken)).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await TryAsync("(all studies)", () => states.WriteAllSnapshotsAsync(Holds, cancellationToken)).ConfigureAwait(false);
        foreach (var slug in _held.Keys)
        {
            if (_held.TryRemove(slug, out var lease))
            {
                await TryAsync(slug, () => lease.DisposeAsync().AsTask()).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Takes the snapshot lease of each study in memory that has none yet; forgets leases that were lost.</summary>
    private async Task TakeLeasesAsync(CancellationToken cancellationToken)
    {
        foreach (var (slug, lease) in _held)
        {
            if (lease.Lost.IsCancellationRequested && _held.TryRemove(slug, out _))
            {
                await lease.DisposeAsync().ConfigureAwait(false);
            }
        }

        foreach (var slug in states.LoadedSlugs.Where(s => !_held.ContainsKey(s)))
        {
            if (await leases.TryAcquireAsync(WorkLeaseNames.Snapshots(slug), cancellationToken).ConfigureAwait(false) is { } lease && !_held.TryAdd(slug, lease))
            {
                await lease.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private bool Holds(string slug) => _held.TryGetValue(slug, out var lease) && !lease.Lost.IsCancellationRequested;

    private async Task TryAsync(string study, Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            LogFailed(e, study);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store {Path} holds participants' words in clear text from before they were encrypted: a withdrawal hides them but cannot erase them from the file. Stop the app and run 'moralgraph store encrypt --db {Path}' once (see the README's Erasure section).")]
    private partial void LogClearText(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A snapshot of study {Study} could not be written; the next start replays more of the log.")]
    private partial void LogFailed(Exception exception, string study);
}
