using MoralGraph.Core.Interview;

namespace MoralGraph.Core.Elicitation;

/// <summary>One thing a card could do better, named by the method's rule it breaks.</summary>
/// <param name="PolicyIndex">The 0-based policy concerned, or null when it is about the card as a whole.</param>
/// <param name="Rule">The rule (one of <see cref="CardCritiqueRules.All"/>).</param>
/// <param name="Suggestion">What to change, in the participant's language; empty when the rule's own wording says enough.</param>
public sealed record CardCritique(int? PolicyIndex, string Rule, string Suggestion);

/// <summary>The method's rules for attentional policies, as critiques name them.</summary>
public static class CardCritiqueRules
{
    /// <summary>A policy starts with a capitalized plural noun phrase and a qualifier ("MOMENTS when…").</summary>
    public const string PluralNounPhrase = "plural-noun-phrase";

    /// <summary>A policy names something attended to while choosing, not a goal to achieve.</summary>
    public const string AttendedNotAchieved = "attended-not-achieved";

    /// <summary>A policy speaks of "the user" or "a person" in general words, not of the particular asker.</summary>
    public const string GeneralWords = "general-words";

    /// <summary>The policies belong together: one value, one way of choosing.</summary>
    public const string Coherent = "coherent";

    /// <summary>A policy says what to attend to, not what to avoid.</summary>
    public const string Positive = "positive";

    /// <summary>Every rule, in the order a participant reads them.</summary>
    public static IReadOnlyList<string> All { get; } = [PluralNounPhrase, AttendedNotAchieved, GeneralWords, Coherent, Positive];

    /// <summary>True when <paramref name="rule"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string? rule) => rule is not null && All.Contains(rule, StringComparer.Ordinal);
}

/// <summary>
/// Critiques a card against the method's rules for attentional policies, for the participant's review screen. Advice
/// only: a critique never refuses a card (<see cref="ValuesCardValidator"/> decides what is refused). Implementations:
/// the embedded <see cref="RuleCardCritic"/>, and (when configured) a model.
/// </summary>
public interface ICardCritic
{
    /// <summary>What could be better in <paramref name="draft"/>, most important first; empty when nothing.</summary>
    /// <param name="studyId">The study (whose model budget pays, when a model critiques).</param>
    /// <param name="draft">The card as the participant is editing it.</param>
    /// <param name="language">The participant's language (BCP-47); suggestions are written in it.</param>
    /// <param name="cancellationToken">Cancels the critique.</param>
    Task<IReadOnlyList<CardCritique>> CritiqueAsync(string studyId, CardDraft draft, string language, CancellationToken cancellationToken = default);
}

/// <summary>
/// The embedded critic: what <see cref="PolicyHints"/> can tell from the words alone — a policy that does not start with
/// a capitalized plural noun phrase, or that reads like a goal. Whether policies are coherent, positive and in general
/// words needs language understanding, so only a model critiques those.
/// </summary>
public sealed class RuleCardCritic : ICardCritic
{
    /// <inheritdoc />
    public Task<IReadOnlyList<CardCritique>> CritiqueAsync(string studyId, CardDraft draft, string language, CancellationToken cancellationToken = default) =>
        Task.FromResult(Critique(draft, language));

    /// <summary>The critique of <paramref name="draft"/>, at once.</summary>
    public static IReadOnlyList<CardCritique> Critique(CardDraft draft, string language)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var english = ValuesCardRules.Strict.ForLanguage(language).IsEnglish;
        var critiques = new List<CardCritique>();
        for (var i = 0; i < draft.Policies.Count; i++)
        {
            foreach (var hint in PolicyHints.For(draft.Policies[i], english))
            {
                var rule = hint.Kind switch
                {
                    PolicyHintKind.Goal => CardCritiqueRules.AttendedNotAchieved,
                    PolicyHintKind.NotCapitalizedPhrase or PolicyHintKind.Singular => CardCritiqueRules.PluralNounPhrase,
                    // "Too vague" is advice the interview already gives while the policy is written, not one of the method's rules.
                    _ => null,
                };
                if (rule is not null && !critiques.Any(c => c.PolicyIndex == i && c.Rule == rule))
                {
                    critiques.Add(new CardCritique(i, rule, string.Empty));
                }
            }
        }

        return critiques;
    }
}
