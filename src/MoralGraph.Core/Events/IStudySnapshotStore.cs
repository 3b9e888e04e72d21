namespace MoralGraph.Core.Events;

/// <summary>What a stored snapshot of a study's state says about itself.</summary>
/// <param name="StudyId">The study.</param>
/// <param name="ThroughSequence">The last event of the log the state includes.</param>
/// <param name="ThroughHash">That event's chain hash: a snapshot whose log has since been replaced (a restored backup) is not used.</param>
/// <param name="EventCount">Events of the study the state includes.</param>
/// <param name="Format">The capture format (<see cref="StudyStateCapture.CurrentFormat"/> when written).</param>
public sealed record StudySnapshotInfo(string StudyId, long ThroughSequence, string ThroughHash, long EventCount, int Format);

/// <summary>A stored snapshot, open for reading: its description and its state (a <see cref="StudyStateCapture"/> as JSON).</summary>
/// <param name="info">What it says about itself.</param>
/// <param name="state">The captured state; disposed with the snapshot.</param>
public sealed class OpenStudySnapshot(StudySnapshotInfo info, Stream state) : IAsyncDisposable
{
    /// <summary>What it says about itself.</summary>
    public StudySnapshotInfo Info { get; } = info;

    /// <summary>The captured state.</summary>
    public Stream State { get; } = state;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => State.DisposeAsync();
}

/// <summary>
/// Where snapshots of studies' states are kept, so a restart reads a snapshot and the events after it instead of the
/// whole log. Snapshots are a cache: losing one costs a full replay, never data; the log stays the truth.
/// </summary>
public interface IStudySnapshotStore
{
    /// <summary>The study's latest snapshot, or null when there is none.</summary>
    Task<OpenStudySnapshot?> OpenAsync(string studyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a snapshot in place of the study's previous one, atomically: readers see the old one or the new one whole.
    /// <paramref name="writeState"/> writes the state to the stream it is given.
    /// </summary>
    Task WriteAsync(StudySnapshotInfo info, Func<Stream, CancellationToken, Task> writeState, CancellationToken cancellationToken = default);
}

/// <summary>No snapshots: every study is read from its whole log (tests, one-shot command-line runs).</summary>
public sealed class NoStudySnapshots : IStudySnapshotStore
{
    /// <inheritdoc />
    public Task<OpenStudySnapshot?> OpenAsync(string studyId, CancellationToken cancellationToken = default) => Task.FromResult<OpenStudySnapshot?>(null);

    /// <inheritdoc />
    public Task WriteAsync(StudySnapshotInfo info, Func<Stream, CancellationToken, Task> writeState, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
