using System.Security.Cryptography;
using MoralGraph.Core.Events;

namespace MoralGraph.Storage.Snapshots;

/// <summary>
/// Whether a study's state as the app restores it (its latest snapshot, then the events after it) equals the replay of
/// its whole log: the check behind <c>moralgraph audit replay</c>, and the load harness's after it killed the server.
/// </summary>
public static class RestoredStateCheck
{
    /// <summary>Compares restored and replayed state of <paramref name="slug"/>; null when the store has no such study.</summary>
    /// <param name="log">The store, open (a LiteDB file only once the app has stopped).</param>
    /// <param name="snapshots">The snapshots the app keeps beside it.</param>
    /// <param name="slug">The study.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    public static async Task<RestoredStateComparison?> CompareAsync(IEventLog log, IStudySnapshotStore snapshots, string slug, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(snapshots);
        var events = await log.ReadStudyAsync(slug, cancellationToken);
        if (events.Count == 0)
        {
            return null;
        }

        using var states = new StudyStates(log, snapshots);
        var replayed = Hash(StudyState.Replay(events.Select(e => e.Event)).Capture());
        var restored = Hash((await states.ReadAsync(slug, state => state.Capture(), cancellationToken))!);
        return new RestoredStateComparison(slug, events.Count, replayed, restored, await DescribeSnapshotAsync(snapshots, log, slug, cancellationToken));
    }

    private static string Hash(StudyStateCapture capture) => Convert.ToHexStringLower(SHA256.HashData(capture.ToJsonBytes()));

    private static async Task<string> DescribeSnapshotAsync(IStudySnapshotStore snapshots, IEventLog log, string slug, CancellationToken cancellationToken)
    {
        await using var snapshot = await snapshots.OpenAsync(slug, cancellationToken);
        return snapshot is null ? "its log (no snapshot)"
            : await log.HashAtAsync(snapshot.Info.ThroughSequence, cancellationToken) == snapshot.Info.ThroughHash
                ? $"its snapshot through event {snapshot.Info.ThroughSequence} and the events after it"
                : $"its log (the snapshot through event {snapshot.Info.ThroughSequence} does not match the log and is not used)";
    }
}

/// <summary>A study's restored state against its replay.</summary>
/// <param name="Slug">The study.</param>
/// <param name="EventCount">Events in its log.</param>
/// <param name="ReplayedHash">SHA-256 of the replayed state's capture.</param>
/// <param name="RestoredHash">SHA-256 of the restored state's capture.</param>
/// <param name="RestoredFrom">What the restore started from, in words.</param>
public sealed record RestoredStateComparison(string Slug, int EventCount, string ReplayedHash, string RestoredHash, string RestoredFrom)
{
    /// <summary>True when the two states are the same.</summary>
    public bool IsSame => ReplayedHash == RestoredHash;

    /// <summary>One line, as <c>audit replay</c> prints it.</summary>
    public override string ToString() => IsSame
        ? $"{Slug}: restored from {RestoredFrom} equals the replay of its {EventCount} events (state {ReplayedHash[..16]})."
        : $"{Slug}: restored from {RestoredFrom} DIFFERS from the replay of its {EventCount} events (restored {RestoredHash[..16]}, replayed {ReplayedHash[..16]}).";
}
