using System.Text.RegularExpressions;

namespace MoralGraph.Core.Elicitation;

/// <summary>What may be wrong with an attentional policy as it is being written.</summary>
public enum PolicyHintKind
{
    /// <summary>It does not start with a capitalized noun phrase ("MOMENTS when…").</summary>
    NotCapitalizedPhrase,

    /// <summary>Its leading noun looks singular ("MOMENT when…").</summary>
    Singular,

    /// <summary>It states a goal to reach ("ensure the person…") rather than something attended to.</summary>
    Goal,

    /// <summary>It is too vague to guide a choice ("THINGS that are good").</summary>
    Vague,
}

/// <summary>A hint for a policy; <see cref="Detail"/> is the word concerned, when there is one.</summary>
/// <param name="Kind">What to change.</param>
/// <param name="Detail">The word concerned, or empty.</param>
public sealed record PolicyHint(PolicyHintKind Kind, string Detail);

/// <summary>
/// Live hints while a participant writes a policy. The form hints are <see cref="ValuesCardValidator"/>'s
/// rule; the goal and vagueness hints are advice (the method asks for what is attended to, in words specific
/// enough that two people would notice the same things), so they never refuse a card.
/// </summary>
public static partial class PolicyHints
{
    // Words that make a policy say where to get to rather than what to notice.
    private static readonly string[] GoalMarkers =
    [
        "ensure", "ensuring", "make sure", "making sure", "should", "must", "try to", "trying to", "in order to",
        "achieve", "achieving", "i want", "we want", "goal", "aim to", "so that they",
    ];

    // Words that could describe anything; a policy made of them guides no choice.
    private static readonly HashSet<string> VagueWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "things", "stuff", "good", "bad", "etc", "whatever", "something", "everything", "anything", "appropriate", "properly", "nice", "right",
    };

    /// <summary>Hints for <paramref name="policy"/>, most important first; empty when it reads well.</summary>
    public static IReadOnlyList<PolicyHint> For(string policy, bool english = true)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var text = policy.Trim();
        if (text.Length == 0)
        {
            return [];
        }

        var hints = new List<PolicyHint>();
        var formProblem = ValuesCardValidator.FindPolicyFormProblem(text, english);
        if (!english)
        {
            return formProblem is null ? hints : [formProblem];
        }

        var lower = " " + text.ToLowerInvariant() + " ";
        var goal = GoalMarkers.FirstOrDefault(m => lower.Contains(" " + m + " ", StringComparison.Ordinal))
            ?? (text.StartsWith("to ", StringComparison.OrdinalIgnoreCase) ? "to" : null);
        if (goal is not null)
        {
            hints.Add(new PolicyHint(PolicyHintKind.Goal, goal));
        }

        // A goal is the deeper problem (the policy names the wrong kind of thing), so it comes before the form.
        if (formProblem is not null)
        {
            hints.Add(formProblem);
        }

        var words = Words().Matches(text).Select(m => m.Value).ToList();
        var vague = words.FirstOrDefault(VagueWords.Contains);
        if (words.Count < 4 || vague is not null)
        {
            hints.Add(new PolicyHint(PolicyHintKind.Vague, vague ?? string.Empty));
        }

        return hints;
    }

    [GeneratedRegex(@"[\p{L}\p{N}'’-]+")]
    private static partial Regex Words();
}
