namespace MoralGraph.Core.Events;

/// <summary>
/// Loads a study's state as a copy its caller may keep and read at leisure: from the live state when the log is the
/// app's <see cref="StudyStates"/> (a copy of it, costing the state's size: for facilitators' and background work, never
/// a participant's action), else by replaying the study's events (the command line).
/// </summary>
/// <param name="log">The event log.</param>
public sealed class StudyRepository(IEventLog log)
{
    /// <summary>The study's current state, or null when the store has no such study.</summary>
    public async Task<StudyState?> LoadAsync(string slug, CancellationToken cancellationToken = default)
    {
        if (log is StudyStates live)
        {
            // Captured under the study's gate (references only), restored outside it.
            var capture = await live.ReadAsync(slug, state => state.Capture(), cancellationToken).ConfigureAwait(false);
            return capture is null ? null : StudyState.Restore(capture);
        }

        var events = await log.ReadStudyAsync(slug, cancellationToken).ConfigureAwait(false);
        if (events.Count == 0)
        {
            return null;
        }

        var state = StudyState.Replay(events.Select(e => e.Event));
        return state.Study is null ? null : state;
    }
}
