using MoralGraph.Core.Elicitation;
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

    /// <summary>
    /// The events that replace a running study's definition with <paramref name="definition"/>, or every reason it may
    /// not: the slug is the study's identity and stays, and a context that votes were cast in may be renamed but not
    /// dropped. The definition keeps the study's phase (phases move by <see cref="PhaseChanged"/> only), and seed values
    /// the study already has are not defined twice.
    /// </summary>
    public static ValidationResult<List<StudyEvent>> Revise(StudyState existing, Study definition, DateTimeOffset occurredAt, string actor)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(definition);
        var current = existing.Study ?? throw new ArgumentException("The study has no definition yet; use For to create it.", nameof(existing));
        var problems = new List<ValidationProblem>();
        if (definition.Slug != current.Slug)
        {
            problems.Add(new("slug", $"The slug is the study's identity and stays '{current.Slug}'; create a new study for '{definition.Slug}'.") { Code = "SlugChanged", Arguments = [current.Slug, definition.Slug] });
        }

        var orphaned = existing.Votes.EffectiveVotes().Select(v => v.Context).Distinct()
            .Where(c => definition.FindQuestion(c.QuestionId)?.FindContext(c.ContextId) is null)
            .Select(c => c.ToString())
            .Order(StringComparer.Ordinal)
            .ToList();
        if (orphaned.Count > 0)
        {
            problems.Add(new("questions", $"The definition drops context(s) that votes were cast in: {string.Join(", ", orphaned)}. Keep them (their text may change).") { Code = "VotedContextsDropped", Arguments = [orphaned.Count, string.Join(", ", orphaned)] });
        }

        if (problems.Count > 0)
        {
            return ValidationResult<List<StudyEvent>>.Invalid(problems);
        }

        var events = For(definition with { Phase = current.Phase }, occurredAt, actor);
        var present = existing.ToSnapshot().Values.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        events.RemoveAll(e => e is CanonicalValueDefined defined && present.Contains(defined.Value.Id));
        List<ValidationProblem> warnings = definition.Phase == current.Phase
            ? []
            : [new("phase", $"The definition does not move the phase: the study stays {current.Phase.ToString().ToLowerInvariant()} until its phase is changed.", ProblemSeverity.Warning) { Code = "PhaseNotMoved" }];
        return ValidationResult<List<StudyEvent>>.Valid(events, warnings);
    }
}
