namespace MoralGraph.Core.Events;

/// <summary>Loads studies from the event log by replaying their events.</summary>
/// <param name="log">The event log.</param>
public sealed class StudyRepository(IEventLog log)
{
    /// <summary>The study's current state, or null when the store has no such study.</summary>
    public async Task<StudyState?> LoadAsync(string slug, CancellationToken cancellationToken = default)
    {
        var events = await log.ReadStudyAsync(slug, cancellationToken);
        if (events.Count == 0)
        {
            return null;
        }

        var state = StudyState.Replay(events.Select(e => e.Event));
        return state.Study is null ? null : state;
    }
}
