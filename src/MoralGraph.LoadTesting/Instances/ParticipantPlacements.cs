using System.Collections.Concurrent;

namespace MoralGraph.LoadTesting.Instances;

/// <summary>
/// Which instance each participant was sending their actions to, and since when: a dashboard that hears a participant's
/// event asks which instance decided it (the one they were on when it occurred), to tell same-instance lag from
/// cross-instance lag.
/// </summary>
public sealed class ParticipantPlacements
{
    private readonly ConcurrentDictionary<string, Placement[]> _placements = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="participantId"/>'s actions go to <paramref name="instance"/> from <paramref name="since"/> on.</summary>
    public void Placed(string participantId, int instance, DateTimeOffset since) =>
        _placements.AddOrUpdate(participantId, _ => [new(since, instance)], (_, earlier) => [.. earlier, new(since, instance)]);

    /// <summary>
    /// The instance <paramref name="participantId"/> was on at <paramref name="at"/>: the latest placement from before
    /// it, or their first one (their join's event is stamped before its acknowledgement placed them); null when unknown.
    /// </summary>
    public int? InstanceAt(string participantId, DateTimeOffset at)
    {
        if (!_placements.TryGetValue(participantId, out var placements))
        {
            return null;
        }

        var found = placements[0].Instance;
        foreach (var placement in placements)
        {
            if (placement.Since <= at)
            {
                found = placement.Instance;
            }
        }

        return found;
    }

    private readonly record struct Placement(DateTimeOffset Since, int Instance);
}
