using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;

namespace MoralGraph.Core.Events;

/// <summary>The events that bring a study definition into the store.</summary>
public static class StudyDefinitionEvents
{
    /// <summary>The study's definition followed by its seed values, each a canonical value of its question with no member card.</summary>
    public static List<StudyEvent> For(Study study, DateTimeOffset occurredAt, string actor)
    {
        ArgumentNullException.ThrowIfNull(study);
        var events = new List<StudyEvent> { new StudyDefined(study) { StudyId = study.Slug, OccurredAt = occurredAt, Actor = actor } };
        events.AddRange(study.SeedValues.Select(seed => new CanonicalValueDefined(new CanonicalValue(seed.ValueId, seed.Title, seed.Description, seed.Policies, []))
        {
            QuestionId = seed.QuestionId, StudyId = study.Slug, OccurredAt = occurredAt, Actor = actor,
        }));
        return events;
    }
}
