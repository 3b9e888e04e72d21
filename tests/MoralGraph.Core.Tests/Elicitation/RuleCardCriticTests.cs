using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Interview;

namespace MoralGraph.Core.Tests.Elicitation;

public sealed class RuleCardCriticTests
{
    [Fact]
    public void A_goal_and_a_lowercase_policy_are_named_by_their_rules_and_a_good_policy_by_none()
    {
        var draft = new CardDraft("Room to decide", "It gives the person room to decide.",
        [
            "MOMENTS when the user hesitates before deciding",
            "ensure the person feels heard before anything else",
            "CHOICE the user has not yet considered properly enough",
        ]);

        var critique = RuleCardCritic.Critique(draft, "en");

        Assert.Equal(
            [new CardCritique(1, CardCritiqueRules.AttendedNotAchieved, string.Empty), new CardCritique(1, CardCritiqueRules.PluralNounPhrase, string.Empty),
             new CardCritique(2, CardCritiqueRules.PluralNounPhrase, string.Empty)],
            critique);
    }

    [Fact]
    public void In_another_language_only_the_capitalized_phrase_is_checked()
    {
        var draft = new CardDraft("Raum zum Entscheiden", "Es lässt Raum.", ["MOMENTE, in denen die Person zögert", "sicherstellen, dass sie gehört wird", "ZEICHEN von Druck"]);

        var critique = RuleCardCritic.Critique(draft, "de");

        Assert.Equal([new CardCritique(1, CardCritiqueRules.PluralNounPhrase, string.Empty)], critique);
    }

    [Theory]
    [InlineData("plural-noun-phrase", true)]
    [InlineData("positive", true)]
    [InlineData("Positive", false)]
    [InlineData("be-nice", false)]
    [InlineData(null, false)]
    public void Only_the_five_rule_names_are_known(string? rule, bool known) => Assert.Equal(known, CardCritiqueRules.IsKnown(rule));
}
