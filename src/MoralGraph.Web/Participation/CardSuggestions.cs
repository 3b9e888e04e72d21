using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Interview;

namespace MoralGraph.Web.Participation;

/// <summary>One suggestion on the review screen.</summary>
/// <param name="Rule">The rule (<see cref="CardCritiqueRules"/>); the page words it in the participant's language.</param>
/// <param name="PolicyText">The policy it is about, as it read when critiqued, or null for the card as a whole.</param>
/// <param name="Suggestion">The critic's own suggestion (plain text), or empty.</param>
public sealed record CardSuggestion(string Rule, string? PolicyText, string Suggestion);

/// <summary>
/// The "Suggestions" area of a participant's card review: asks the <see cref="ICardCritic"/> (the model when one is
/// configured, else the embedded rules) about the card as it reads now. Each suggestion quotes the policy it is about,
/// so it stays readable while the participant goes on editing. Advice only: nothing here stops a card being confirmed.
/// One per circuit.
/// </summary>
public sealed class CardSuggestions(ICardCritic critic)
{
    /// <summary>The latest suggestions.</summary>
    public IReadOnlyList<CardSuggestion> Items { get; private set; } = [];

    /// <summary>True while a critique is being made.</summary>
    public bool IsBusy { get; private set; }

    /// <summary>True once a critique has been made (so "no suggestions" can be told from "not asked yet").</summary>
    public bool HasRun { get; private set; }

    /// <summary>Critiques <paramref name="draft"/> (its policies without empty rows) in <paramref name="language"/>.</summary>
    public async Task CritiqueAsync(string studyId, CardDraft draft, string language, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (IsBusy)
        {
            return;
        }

        IsBusy = true;
        try
        {
            var critique = await critic.CritiqueAsync(studyId, draft, language, cancellationToken);
            Items = [.. critique.Select(c => new CardSuggestion(c.Rule, c.PolicyIndex is { } i && i < draft.Policies.Count ? draft.Policies[i] : null, c.Suggestion))];
            HasRun = true;
        }
        finally
        {
            IsBusy = false;
        }
    }
}
