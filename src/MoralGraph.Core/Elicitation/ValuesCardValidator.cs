using System.Globalization;
using System.Text.RegularExpressions;

namespace MoralGraph.Core.Elicitation;

/// <summary>
/// Judges a card's fields against <see cref="ValuesCardRules"/> and returns every problem at once,
/// so a participant fixes their card in one pass rather than one error at a time.
/// </summary>
public static partial class ValuesCardValidator
{
    private static readonly HashSet<string> IrregularPlurals = new(StringComparer.Ordinal)
    {
        "PEOPLE", "CHILDREN", "MEN", "WOMEN", "DATA", "CRITERIA", "PHENOMENA", "FEET", "TEETH", "MICE", "GEESE",
    };

    /// <summary>Every problem with the (already normalized) fields; empty when the card is fine.</summary>
    public static List<ValidationProblem> Validate(string title, string description, IReadOnlyList<string> policies, ValuesCardRules rules)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(rules);
        var problems = new List<ValidationProblem>();
        var method = rules.MethodRulesSeverity;

        if (title.Length == 0)
        {
            problems.Add(new("title", "The title is empty: give the value a short name.") { Code = "TitleEmpty" });
        }
        else
        {
            if (title.Length > ValuesCardRules.MaxTitleLength)
            {
                problems.Add(new("title", $"The title has {title.Length} characters; keep it under {ValuesCardRules.MaxTitleLength}.") { Code = "TitleTooLong", Arguments = [title.Length, ValuesCardRules.MaxTitleLength] });
            }

            var words = CountWords(title);
            if (words < rules.MinTitleWords || words > rules.MaxTitleWords)
            {
                problems.Add(new("title", $"The title has {words} word(s); use {rules.MinTitleWords} to {rules.MaxTitleWords}.", method) { Code = "TitleWords", Arguments = [words, rules.MinTitleWords, rules.MaxTitleWords] });
            }
        }

        if (description.Length == 0)
        {
            problems.Add(new("description", "The description is empty: say in a sentence or two how an AI with this value would act.") { Code = "DescriptionEmpty" });
        }
        else
        {
            if (description.Length > ValuesCardRules.MaxDescriptionLength)
            {
                problems.Add(new("description", $"The description has {description.Length} characters; keep it under {ValuesCardRules.MaxDescriptionLength}.") { Code = "DescriptionTooLong", Arguments = [description.Length, ValuesCardRules.MaxDescriptionLength] });
            }

            var sentences = CountSentences(description);
            if (sentences < rules.MinDescriptionSentences || sentences > rules.MaxDescriptionSentences)
            {
                problems.Add(new("description", $"The description has {sentences} sentences; use {rules.MinDescriptionSentences} to {rules.MaxDescriptionSentences}.", method) { Code = "DescriptionSentences", Arguments = [sentences, rules.MinDescriptionSentences, rules.MaxDescriptionSentences] });
            }
        }

        if (policies.Count > ValuesCardRules.HardMaxPolicies)
        {
            problems.Add(new("policies", $"The card has {policies.Count} attentional policies; no card may have more than {ValuesCardRules.HardMaxPolicies}.") { Code = "PoliciesOverHardLimit", Arguments = [policies.Count, ValuesCardRules.HardMaxPolicies] });
        }
        else if (policies.Count < rules.MinPolicies || policies.Count > rules.MaxPolicies)
        {
            problems.Add(new("policies", $"The card has {policies.Count} attentional policies; write {rules.MinPolicies} to {rules.MaxPolicies}.", method) { Code = "PolicyCount", Arguments = [policies.Count, rules.MinPolicies, rules.MaxPolicies] });
        }

        for (var i = 0; i < policies.Count; i++)
        {
            var field = $"policies[{i}]";
            var policy = policies[i];
            if (policy.Length == 0)
            {
                problems.Add(new(field, "This policy is empty.") { Code = "PolicyEmpty" });
                continue;
            }

            if (policy.Length > ValuesCardRules.MaxPolicyLength)
            {
                problems.Add(new(field, $"This policy has {policy.Length} characters; keep it under {ValuesCardRules.MaxPolicyLength}.") { Code = "PolicyTooLong", Arguments = [policy.Length, ValuesCardRules.MaxPolicyLength] });
            }

            if (FindPolicyFormProblem(policy, rules.IsEnglish) is { } formProblem)
            {
                problems.Add(new(field, DescribePolicyFormProblem(policy, rules.IsEnglish)!, rules.IsEnglish ? method : ProblemSeverity.Warning)
                {
                    Code = $"Policy{formProblem.Kind}", Arguments = [formProblem.Detail],
                });
            }
        }

        var duplicates = policies.Where(p => p.Length > 0)
            .GroupBy(p => p, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key);
        foreach (var duplicate in duplicates)
        {
            problems.Add(new("policies", $"The policy \"{duplicate}\" appears more than once.") { Code = "PolicyDuplicate", Arguments = [duplicate] });
        }

        return problems;
    }

    /// <summary>
    /// Null when the policy starts with a capitalized plural noun phrase ("MOMENTS when…",
    /// "CHANGES in…"); otherwise a hint saying what to change. Used for live hints in the interview too.
    /// </summary>
    public static string? DescribePolicyFormProblem(string policy, bool english = true) => FindPolicyFormProblem(policy, english) switch
    {
        null => null,
        { Kind: PolicyHintKind.Singular, Detail: var word } =>
            $"\"{word}\" looks singular: name the things attended to in the plural, e.g. \"SIGNS of…\" or \"OPPORTUNITIES for…\".",
        _ => "Start with the things attended to, as a capitalized plural noun phrase, e.g. \"MOMENTS when…\" or \"CHOICES that…\".",
    };

    /// <summary>The form problem of a policy as data (no leading capitalized phrase, or a singular head noun), or null.</summary>
    public static PolicyHint? FindPolicyFormProblem(string policy, bool english = true)
    {
        ArgumentNullException.ThrowIfNull(policy);
        // Scripts without capitals (Arabic, Hebrew, Chinese…) cannot mark the things attended to by case, so the rule
        // has no meaning there and is switched off; in other languages it stays a warning (see ValuesCardRules.Language).
        if (policy.FirstOrDefault(char.IsLetter) is var first && first != default && char.GetUnicodeCategory(first) == UnicodeCategory.OtherLetter)
        {
            return null;
        }

        var match = LeadingCapitalizedPhrase().Match(policy.TrimStart());
        if (!match.Success)
        {
            return new PolicyHint(PolicyHintKind.NotCapitalizedPhrase, string.Empty);
        }

        var lastWord = match.Groups["last"].Value.TrimEnd('\'', '-');
        return !english || LooksPlural(lastWord) ? null : new PolicyHint(PolicyHintKind.Singular, lastWord);
    }

    private static bool LooksPlural(string word) =>
        IrregularPlurals.Contains(word)
        || (word.EndsWith('S') && !word.EndsWith("SS", StringComparison.Ordinal)
            && !word.EndsWith("US", StringComparison.Ordinal) && !word.EndsWith("IS", StringComparison.Ordinal));

    private static int CountWords(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static int CountSentences(string text) => SentenceEnd().Split(text).Count(s => s.Any(char.IsLetterOrDigit));

    // One or more all-capital words (at least two letters each) at the start; the last one is the head noun.
    [GeneratedRegex(@"^(?:\p{Lu}[\p{Lu}'\-]+\s+)*(?<last>\p{Lu}[\p{Lu}'\-]+)(?=\s|$|[,.;:])")]
    private static partial Regex LeadingCapitalizedPhrase();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();
}
