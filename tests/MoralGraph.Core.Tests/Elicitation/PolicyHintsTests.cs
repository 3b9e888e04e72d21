using MoralGraph.Core.Elicitation;

namespace MoralGraph.Core.Tests.Elicitation;

public class PolicyHintsTests
{
    [Theory]
    [InlineData("MOMENTS when the person feels torn between their faith and their future")]
    [InlineData("CHANGES in how she talks about what she wants")]
    [InlineData("PEOPLE in her life who would listen without judging")]
    [InlineData("  SIGNS that she is being pressured by someone else  ")]
    [InlineData("")]
    [InlineData("   ")]
    public void A_policy_that_reads_well_gets_no_hint(string policy)
    {
        Assert.Empty(PolicyHints.For(policy));
    }

    [Theory]
    [InlineData("ENSURING the person feels supported", "ensuring")]
    [InlineData("to make sure she is safe", "make sure")]
    [InlineData("MOMENTS when I should tell her what to do", "should")]
    [InlineData("To keep her calm at all costs", "to")]
    public void A_policy_that_states_a_goal_is_hinted_as_one(string policy, string marker)
    {
        var goal = Assert.Single(PolicyHints.For(policy), h => h.Kind == PolicyHintKind.Goal);

        Assert.Equal(marker, goal.Detail);
    }

    [Theory]
    [InlineData("THINGS that are good", "THINGS")]
    [InlineData("MOMENTS when stuff happens to her", "stuff")]
    [InlineData("SIGNS of care", "")]
    public void A_vague_or_very_short_policy_is_hinted_as_vague(string policy, string word)
    {
        var hint = Assert.Single(PolicyHints.For(policy));

        Assert.Equal(new PolicyHint(PolicyHintKind.Vague, word), hint);
    }

    [Fact]
    public void A_policy_that_does_not_start_with_a_capitalized_phrase_is_hinted_about_its_form()
    {
        var hint = Assert.Single(PolicyHints.For("moments when the person feels torn between faith and future"));

        Assert.Equal(new PolicyHint(PolicyHintKind.NotCapitalizedPhrase, string.Empty), hint);
    }

    [Theory]
    [InlineData("MOMENT when the person feels torn between faith and future", "MOMENT")]
    [InlineData("SUBTLE SIGN that she is being pressured", "SIGN")]
    public void A_singular_head_noun_is_hinted_with_the_word(string policy, string word)
    {
        var hint = Assert.Single(PolicyHints.For(policy));

        Assert.Equal(new PolicyHint(PolicyHintKind.Singular, word), hint);
    }

    [Fact]
    public void Outside_english_only_the_form_is_hinted_because_the_goal_and_vague_words_are_english()
    {
        Assert.Empty(PolicyHints.For("MOMENTS où elle doit ensure things", english: false));
        Assert.Equal([PolicyHintKind.NotCapitalizedPhrase], PolicyHints.For("to make sure things", english: false).Select(h => h.Kind));
    }

    [Fact]
    public void In_spanish_the_capitals_rule_still_hints_but_the_english_plural_test_does_not()
    {
        Assert.Empty(PolicyHints.For("MOMENTOS en que duda entre lo que cree y lo que necesita", english: false));
        Assert.Empty(PolicyHints.For("SEÑAL de que se siente presionada", english: false));
        Assert.Equal([PolicyHintKind.NotCapitalizedPhrase], PolicyHints.For("momentos en que duda", english: false).Select(h => h.Kind));
    }

    [Fact]
    public void In_arabic_which_has_no_capitals_the_capitals_rule_is_switched_off()
    {
        const string policy = "اللحظات التي يشعر فيها الشخص بالتمزق بين ما يؤمن به وما يحتاج إليه";

        Assert.Empty(PolicyHints.For(policy, english: false));
        Assert.Null(ValuesCardValidator.FindPolicyFormProblem(policy, english: false));
        var card = ValuesCard.Create("c1", "p1", "الحضور قبل النصيحة", "يساعدها الذكاء الاصطناعي على أن تكون حاضرة فحسب.",
            [policy, "العلامات على أنها تريد الحديث عنه", "الأسئلة التي تتركها تقود الحديث"], ValuesCardRules.Strict.ForLanguage("ar"));
        Assert.True(card.IsValid, string.Join("; ", card.Problems.Select(p => p.Message)));
        Assert.DoesNotContain(card.Problems, p => p.Code == "PolicyNotCapitalizedPhrase");
    }
}
