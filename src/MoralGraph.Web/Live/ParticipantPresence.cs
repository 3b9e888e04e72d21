using MoralGraph.Core.Participation;

namespace MoralGraph.Web.Live;

/// <summary>Who is on a study's participant page right now.</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Online">
/// People online: distinct participants, plus each connection of someone who has not consented yet (no id to tell
/// two of their tabs apart).
/// </param>
/// <param name="Connections">Open participant pages (a participant with two tabs has two).</param>
/// <param name="ByStep">How many of the people online are on each step (a participant in two tabs counts once, at the further step).</param>
public sealed record StudyPresence(string StudyId, int Online, int Connections, IReadOnlyDictionary<JourneyStep, int> ByStep)
{
    /// <summary>No one online.</summary>
    public static StudyPresence Empty(string studyId) => new(studyId, 0, 0, new Dictionary<JourneyStep, int>());

    /// <summary>People online on <paramref name="step"/>.</summary>
    public int On(JourneyStep step) => ByStep.GetValueOrDefault(step);

    /// <summary>True when <paramref name="other"/> shows the same numbers.</summary>
    public bool SameAs(StudyPresence? other) =>
        other is not null && other.StudyId == StudyId && other.Online == Online && other.Connections == Connections
        && Enum.GetValues<JourneyStep>().All(step => other.On(step) == On(step));
}

/// <summary>
/// The participants connected to each study and the step each is on, across every circuit of the server. Participant
/// pages report through a circuit's <see cref="ParticipantPresenceReporter"/>; every change is published to the
/// <see cref="StudyEventBroadcaster"/> as a <see cref="PresenceChanged"/>.
/// </summary>
/// <param name="broadcaster">Where changes go.</param>
public sealed class ParticipantPresence(StudyEventBroadcaster broadcaster)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Position> _positions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StudyPresence> _studies = new(StringComparer.Ordinal);

    private sealed record Position(string StudyId, string? ParticipantId, JourneyStep Step);

    /// <summary>Records that <paramref name="connectionId"/> shows <paramref name="studyId"/> at <paramref name="step"/> (moving it from any other study).</summary>
    /// <param name="connectionId">The page's connection (one per circuit).</param>
    /// <param name="studyId">The study.</param>
    /// <param name="participantId">The participant, or null before consent.</param>
    /// <param name="step">The step the page shows.</param>
    public void Report(string connectionId, string studyId, string? participantId, JourneyStep step)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ArgumentException.ThrowIfNullOrEmpty(studyId);
        Update(connectionId, new Position(studyId, participantId, step));
    }

    /// <summary>Records that <paramref name="connectionId"/> left (page closed, navigated away, connection lost).</summary>
    public void Leave(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        Update(connectionId, null);
    }

    /// <summary>Who is online in <paramref name="studyId"/> now.</summary>
    public StudyPresence For(string studyId)
    {
        lock (_gate)
        {
            return _studies.GetValueOrDefault(studyId) ?? StudyPresence.Empty(studyId);
        }
    }

    private void Update(string connectionId, Position? position)
    {
        var changed = new List<StudyPresence>(2);
        lock (_gate)
        {
            var before = _positions.GetValueOrDefault(connectionId);
            if (before == position)
            {
                return;
            }

            if (position is null)
            {
                _positions.Remove(connectionId);
            }
            else
            {
                _positions[connectionId] = position;
            }

            foreach (var studyId in new[] { before?.StudyId, position?.StudyId }.OfType<string>().Distinct(StringComparer.Ordinal))
            {
                var presence = Count(studyId);
                if (!presence.SameAs(_studies.GetValueOrDefault(studyId)))
                {
                    if (presence.Connections == 0)
                    {
                        _studies.Remove(studyId);
                    }
                    else
                    {
                        _studies[studyId] = presence;
                    }

                    changed.Add(presence);
                }
            }
        }

        foreach (var presence in changed)
        {
            broadcaster.Publish(new PresenceChanged(presence));
        }
    }

    // A room of 1,000 is 1,000 positions: counting them again on each change is cheaper than keeping counts right by hand.
    private StudyPresence Count(string studyId)
    {
        var connections = 0;
        var anonymous = new List<JourneyStep>();
        var participants = new Dictionary<string, JourneyStep>(StringComparer.Ordinal);
        foreach (var position in _positions.Values.Where(p => p.StudyId == studyId))
        {
            connections++;
            if (position.ParticipantId is null)
            {
                anonymous.Add(position.Step);
            }
            else if (!participants.TryGetValue(position.ParticipantId, out var step) || step < position.Step)
            {
                participants[position.ParticipantId] = position.Step;
            }
        }

        var byStep = anonymous.Concat(participants.Values).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        return new StudyPresence(studyId, anonymous.Count + participants.Count, connections, byStep);
    }
}
