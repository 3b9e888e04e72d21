namespace MoralGraph.Core.Elicitation;

/// <summary>
/// A participant's articulated value: what a person wise in this value pays attention to when choosing.
/// Instances are always valid for their <see cref="ValuesCardRules"/>; build one with <see cref="Create"/>.
/// </summary>
public sealed record ValuesCard
{
    private ValuesCard(string id, string participantId, string title, string description, IReadOnlyList<string> policies)
    {
        Id = id;
        ParticipantId = participantId;
        Title = title;
        Description = description;
        Policies = policies;
    }

    /// <summary>Stable card id (unique within a study).</summary>
    public string Id { get; }

    /// <summary>Pseudonymous id of the participant who articulated and confirmed the card.</summary>
    public string ParticipantId { get; }

    /// <summary>A short name for the value (2–6 words under the strict rules).</summary>
    public string Title { get; }

    /// <summary>One to three sentences saying how an AI that holds this value would act.</summary>
    public string Description { get; }

    /// <summary>Attentional policies: what someone wise in this value attends to, e.g. "MOMENTS when…".</summary>
    public IReadOnlyList<string> Policies { get; }

    /// <summary>
    /// Validates and builds a card. Text is trimmed and inner whitespace collapsed first, so a card is
    /// stored in the form it was judged in.
    /// </summary>
    public static ValidationResult<ValuesCard> Create(
        string id, string participantId, string? title, string? description, IEnumerable<string?>? policies,
        ValuesCardRules? rules = null)
    {
        rules ??= ValuesCardRules.Strict;
        var normalizedTitle = TextNormalization.CollapseWhitespace(title);
        var normalizedDescription = TextNormalization.CollapseWhitespace(description);
        var normalizedPolicies = (policies ?? []).Select(TextNormalization.CollapseWhitespace).ToList();

        var problems = ValuesCardValidator.Validate(normalizedTitle, normalizedDescription, normalizedPolicies, rules);
        if (string.IsNullOrWhiteSpace(id))
        {
            problems.Insert(0, new ValidationProblem("id", "A card needs an id."));
        }

        if (string.IsNullOrWhiteSpace(participantId))
        {
            problems.Insert(0, new ValidationProblem("participantId", "A card needs the pseudonymous id of its author."));
        }

        return problems.Any(p => p.Severity == ProblemSeverity.Error)
            ? ValidationResult<ValuesCard>.Invalid(problems)
            : ValidationResult<ValuesCard>.Valid(
                new ValuesCard(id.Trim(), participantId.Trim(), normalizedTitle, normalizedDescription, normalizedPolicies),
                problems);
    }
}
