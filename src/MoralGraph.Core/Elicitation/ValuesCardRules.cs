namespace MoralGraph.Core.Elicitation;

/// <summary>
/// The limits a card is judged by. Structural limits (lengths, at most <see cref="HardMaxPolicies"/>
/// policies) always refuse; the method's style rules refuse under <see cref="Strict"/> and only warn
/// under <see cref="Historical"/>, because cards imported from an earlier study were confirmed by their
/// authors as they are and must not be rewritten or dropped.
/// </summary>
public sealed record ValuesCardRules
{
    /// <summary>No card, however it arrived, has more policies than this (MAI's 2023 cards reach 10).</summary>
    public const int HardMaxPolicies = 10;

    /// <summary>Maximum characters in a title.</summary>
    public const int MaxTitleLength = 80;

    /// <summary>Maximum characters in a description.</summary>
    public const int MaxDescriptionLength = 1000;

    /// <summary>Maximum characters in one policy.</summary>
    public const int MaxPolicyLength = 300;

    /// <summary>Rules for cards articulated in MoralGraph: the method's rules refuse.</summary>
    public static ValuesCardRules Strict { get; } = new() { MethodRulesSeverity = ProblemSeverity.Error };

    /// <summary>Rules for cards imported from earlier studies: the method's rules warn.</summary>
    public static ValuesCardRules Historical { get; } = new() { MethodRulesSeverity = ProblemSeverity.Warning };

    /// <summary>Whether breaking a method rule (word counts, policy count and form) refuses or warns.</summary>
    public ProblemSeverity MethodRulesSeverity { get; init; }

    /// <summary>
    /// BCP-47 tag of the card's language. The policy-form rule ("a capitalized plural noun phrase") is English
    /// grammar: in other languages it only warns, and the plural test is skipped.
    /// </summary>
    public string Language { get; init; } = "en";

    /// <summary>True when <see cref="Language"/> is English.</summary>
    public bool IsEnglish => Language.Equals("en", StringComparison.OrdinalIgnoreCase) || Language.StartsWith("en-", StringComparison.OrdinalIgnoreCase);

    /// <summary>These rules for a card written in <paramref name="language"/>.</summary>
    public ValuesCardRules ForLanguage(string language) => this with { Language = language };

    /// <summary>Fewest words in a title.</summary>
    public int MinTitleWords { get; init; } = 2;

    /// <summary>Most words in a title.</summary>
    public int MaxTitleWords { get; init; } = 6;

    /// <summary>Fewest sentences in a description.</summary>
    public int MinDescriptionSentences { get; init; } = 1;

    /// <summary>Most sentences in a description.</summary>
    public int MaxDescriptionSentences { get; init; } = 3;

    /// <summary>Fewest attentional policies.</summary>
    public int MinPolicies { get; init; } = 3;

    /// <summary>Most attentional policies.</summary>
    public int MaxPolicies { get; init; } = 7;
}
