using System.Collections.Concurrent;

namespace MoralGraph.Core.Events;

/// <summary>
/// The right to do one piece of background work (a study's snapshots, its reconciliation, its model jobs) while other
/// app instances do not. Dispose it to hand the work back; <see cref="Lost"/> is cancelled if it was taken away (the
/// connection that held it broke), and the holder then stops.
/// </summary>
public interface IWorkLease : IAsyncDisposable
{
    /// <summary>The work's name.</summary>
    string Name { get; }

    /// <summary>Cancelled when the lease is lost.</summary>
    CancellationToken Lost { get; }
}

/// <summary>
/// Leases on named background work, so that of several instances exactly one does each job, and another takes over when
/// the holder dies. One instance alone (LiteDB) always gets its lease.
/// </summary>
public interface IWorkLeases
{
    /// <summary>The lease on <paramref name="name"/>, or null when another holder has it now (try again later).</summary>
    Task<IWorkLease?> TryAcquireAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>Well-known lease names.</summary>
public static class WorkLeaseNames
{
    /// <summary>Giving an empty store the seed folder's studies.</summary>
    public const string Seeding = "seeding";

    /// <summary>Writing the study's snapshots.</summary>
    public static string Snapshots(string studyId) => "snapshots/" + studyId;

    /// <summary>The study's background reconciliation.</summary>
    public static string Reconciliation(string studyId) => "reconciliation/" + studyId;

    /// <summary>The study's model jobs (dedup, stories, moderation).</summary>
    public static string ModelJobs(string studyId) => "model-jobs/" + studyId;
}

/// <summary>Leases within one process: a name is held by one holder at a time (one app instance owns its store).</summary>
public sealed class InProcessWorkLeases : IWorkLeases
{
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<IWorkLease?> TryAcquireAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Task.FromResult<IWorkLease?>(_held.TryAdd(name, 0) ? new Lease(this, name) : null);
    }

    private sealed class Lease(InProcessWorkLeases owner, string name) : IWorkLease
    {
        private int _released;

        public string Name { get; } = name;

        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner._held.TryRemove(Name, out _);
            }

            return ValueTask.CompletedTask;
        }
    }
}
