using MoralGraph.Core.Elicitation;

namespace MoralGraph.Core.Tests.Elicitation;

public class ValuesCardTests
{
    private static readonly string[] GoodPolicies = ["MOMENTS when the person hesitates", "CHOICES that keep options open", "FEELINGS the person names"];

    [Fact]
    public void A_well_formed_card_is_built_with_its_text_normalized()
    {
        var result = ValuesCard.Create("c1", "p1", "  Informed   Autonomy ", "The AI lays out options.\nThe choice stays theirs.", GoodPolicies);

        Assert.True(result.IsValid);
        Assert.Equal("Informed Autonomy", result.Value!.Title);
        Assert.Equal("The AI lays out options. The choice stays theirs.", result.Value.Description);
        Assert.Equal(3, result.Value.Policies.Count);
    }

    [Fact]
    public void Every_card_problem_carries_a_code_and_the_numbers_a_translation_needs()
    {
        var tooMany = Enumerable.Range(0, 11).Select(i => $"MOMENTS number {i} of many").ToList();
        var cards = new[]
        {
            ValuesCard.Create("c1", "p1", "", "", ["be kind", "MOMENT when it hurts", "be kind", ""]),
            ValuesCard.Create("c1", "p1", new string('x', 81) + " y", new string('y', 1001) + ". A. B. C.", [new string('Z', 301)]),
            ValuesCard.Create("c1", "p1", "One", "Fine.", tooMany),
        };

        var problems = cards.SelectMany(c => c.Problems).Where(p => p.Field != "id" && p.Field != "participantId").ToList();

        Assert.All(problems, p => Assert.NotNull(p.Code));
        var codes = problems.Select(p => p.Code).ToHashSet();
        string[] expected = ["TitleEmpty", "TitleTooLong", "TitleWords", "DescriptionEmpty", "DescriptionTooLong", "DescriptionSentences",
            "PoliciesOverHardLimit", "PolicyCount", "PolicyEmpty", "PolicyTooLong", "PolicyNotCapitalizedPhrase", "PolicySingular", "PolicyDuplicate"];
        Assert.Empty(expected.Except(codes));
        var words = cards[2].Problems.Single(p => p.Code == "TitleWords");
        Assert.Equal([1, 2, 6], words.Arguments.Cast<int>());
        Assert.Equal("MOMENT", cards[0].Problems.Single(p => p.Code == "PolicySingular").Arguments.Single());
    }

    [Fact]
    public void Every_problem_is_reported_at_once_not_just_the_first()
    {
        var result = ValuesCard.Create("c1", "p1", "", "   ", ["be kind", "MOMENTS when it hurts"]);

        Assert.False(result.IsValid);
        var fields = result.Problems.Select(p => p.Field).ToList();
        Assert.Contains("title", fields);
        Assert.Contains("description", fields);
        Assert.Contains("policies", fields);
        Assert.Contains("policies[0]", fields);
        Assert.DoesNotContain("policies[1]", fields);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(6, true)]
    [InlineData(7, false)]
    public void Title_must_have_two_to_six_words(int words, bool valid)
    {
        var title = string.Join(' ', Enumerable.Repeat("Care", words));
        Assert.Equal(valid, ValuesCard.Create("c1", "p1", title, "One sentence.", GoodPolicies).IsValid);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(7, true)]
    [InlineData(8, false)]
    public void A_card_has_three_to_seven_policies(int count, bool valid)
    {
        var policies = Enumerable.Range(0, count).Select(i => $"MOMENTS when thing {i} happens");
        Assert.Equal(valid, ValuesCard.Create("c1", "p1", "Two Words", "One sentence.", policies).IsValid);
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(11, false)]
    [InlineData(12, false)]
    public void Historical_cards_may_break_method_rules_but_never_the_hard_policy_limit(int count, bool valid)
    {
        var policies = Enumerable.Range(0, count).Select(i => $"ALIGNMENT of thing {i}");
        var result = ValuesCard.Create("c1", "p1", "Title", "One. Two. Three. Four.", policies, ValuesCardRules.Historical);

        Assert.Equal(valid, result.IsValid);
        if (valid)
        {
            Assert.All(result.Problems, p => Assert.Equal(ProblemSeverity.Warning, p.Severity));
        }
        else
        {
            Assert.Contains(result.Problems, p => p.Field == "policies" && p.Message.Contains("no card may have more than 10", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("MOMENTS when the person is scared", null)]
    [InlineData("CHANGES in tone", null)]
    [InlineData("PEOPLE who could help", null)]
    [InlineData("SUBTLE SIGNS of distress", null)]
    [InlineData("ALIGNMENT between interests and homework", "singular")]
    [InlineData("PROCESS of deciding", "singular")]
    [InlineData("be kind to them", "capitalized plural noun phrase")]
    [InlineData("Moments when it matters", "capitalized plural noun phrase")]
    public void Policy_form_hints_say_what_to_change(string policy, string? expectedHint)
    {
        var hint = ValuesCardValidator.DescribePolicyFormProblem(policy);
        if (expectedHint is null)
        {
            Assert.Null(hint);
        }
        else
        {
            Assert.Contains(expectedHint, hint, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Oversized_text_is_refused_with_its_length()
    {
        var result = ValuesCard.Create("c1", "p1", "Two Words", new string('a', 1001) + ".", GoodPolicies);
        var problem = Assert.Single(result.Problems, p => p.Field == "description");
        Assert.Contains("1002 characters", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Markup_is_kept_as_plain_text_not_stripped_or_interpreted()
    {
        var result = ValuesCard.Create("c1", "p1", "Safe <script>alert(1)</script>", "One sentence.", GoodPolicies);
        Assert.True(result.IsValid);
        Assert.Equal("Safe <script>alert(1)</script>", result.Value!.Title);
    }

    [Fact]
    public void Duplicate_policies_are_refused()
    {
        var result = ValuesCard.Create("c1", "p1", "Two Words", "One sentence.", ["MOMENTS when x", "moments when X", "SIGNS of y"]);
        Assert.Contains(result.Problems, p => p.Message.Contains("more than once", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("de", "MOMENTE, in denen die Person zögert")]
    [InlineData("fr", "ÉLANS qui portent la personne")]
    [InlineData("ja", "迷っている瞬間")]
    public void Cards_in_other_languages_are_not_refused_for_English_grammar(string language, string policy)
    {
        var result = ValuesCard.Create("c1", "p1", "Zwei Wörter", "Ein Satz.", [policy, policy + " 2", policy + " 3"], ValuesCardRules.Strict.ForLanguage(language));

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
    }

    [Fact]
    public void Capitalized_words_of_any_script_count_as_capitalized()
    {
        Assert.Null(ValuesCardValidator.DescribePolicyFormProblem("ÉLANS qui portent la personne"));
    }

    [Fact]
    public void A_lone_surrogate_becomes_a_replacement_character_instead_of_failing()
    {
        var result = ValuesCard.Create("c1", "p1", "Broken \ud800 Text", "One sentence.", GoodPolicies);
        Assert.Equal("Broken \ufffd Text", result.Value!.Title);
    }
}
