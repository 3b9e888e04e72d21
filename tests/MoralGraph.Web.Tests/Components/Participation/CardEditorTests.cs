using AngleSharp.Dom;
using Bunit;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Interview;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Web.Components.Participation;
using MoralGraph.Web.Participation;

namespace MoralGraph.Web.Tests.Components.Participation;

public sealed class CardEditorTests : BunitTestContext
{
    private const string Title = "Care before options";
    private const string Description = "The AI first makes sure she is calm enough to think.";
    private static readonly string[] Policies =
    [
        "MOMENTS when panic is making the decision for her",
        "SOURCES of support she can reach today",
        "WORDS that show she feels heard rather than lectured",
    ];

    private readonly List<CardDraft> _confirmed = [];
    private readonly List<CardDraft> _saved = [];

    public CardEditorTests()
    {
        Services.AddSingleton<ICardCritic, RuleCardCritic>();
        Services.AddScoped<CardSuggestions>();
    }

    [Fact]
    public void A_policy_in_lower_case_shows_the_form_error_under_that_policy_only()
    {
        var editor = RenderEditor(new CardDraft(Title, Description, [Policies[0], "moments when she is scared", Policies[2]]));

        var wrong = PolicyInput(editor, 1);
        Assert.Equal("true", wrong.GetAttribute("aria-invalid"));
        Assert.Contains("capitalized plural noun phrase", HelperTextOf(wrong), StringComparison.Ordinal);
        Assert.All(new[] { PolicyInput(editor, 0), PolicyInput(editor, 2) }, right =>
        {
            Assert.Equal("false", right.GetAttribute("aria-invalid"));
            Assert.DoesNotContain("capitalized", HelperTextOf(right), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Empty_fields_do_not_show_errors_before_the_first_attempt_to_confirm()
    {
        var editor = RenderEditor(new CardDraft(string.Empty, string.Empty, []));

        Assert.DoesNotContain(editor.FindAll("input, textarea"), field => field.GetAttribute("aria-invalid") == "true");
        Assert.Empty(editor.FindAll("[role=alert]"));

        editor.Find("[data-testid=card-confirm]").Click();

        Assert.Equal("true", editor.Find("[data-testid=card-title]").GetAttribute("aria-invalid"));
        Assert.Equal("true", editor.Find("[data-testid=card-description]").GetAttribute("aria-invalid"));
        Assert.Contains("3 to 7", editor.Find("[data-testid=card-policies-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Confirming_an_invalid_card_raises_nothing_and_says_how_many_problems_to_fix()
    {
        var editor = RenderEditor(new CardDraft(Title, Description, [Policies[0], "moments when she is scared", Policies[2]]));

        editor.Find("[data-testid=card-confirm]").Click();

        Assert.Empty(_confirmed);
        Assert.Equal("Please fix the problem marked above before confirming.", editor.Find("[data-testid=card-errors]").TextContent.Trim());
    }

    [Fact]
    public void After_the_problems_are_fixed_confirm_raises_the_trimmed_card_once()
    {
        var editor = RenderEditor(new CardDraft("x", Description, [Policies[0], "moments when she is scared"]));
        editor.Find("[data-testid=card-confirm]").Click();
        Assert.Empty(_confirmed);
        Assert.Contains("Please fix the 3 problems marked", editor.Find("[data-testid=card-errors]").TextContent, StringComparison.Ordinal);

        editor.Find("[data-testid=card-title]").Input("  " + Title + " ");
        PolicyInput(editor, 1).Input(Policies[1] + "  ");
        PolicyInput(editor, 2).Input(" " + Policies[2]);
        editor.Find("[data-testid=card-confirm]").Click();

        var card = Assert.Single(_confirmed);
        Assert.Equal(Title, card.Title);
        Assert.Equal(Description, card.Description);
        Assert.Equal(Policies, card.Policies);
        Assert.Empty(editor.FindAll("[data-testid=card-errors]"));
    }

    [Fact]
    public void A_cleared_title_is_an_error_on_confirm_and_the_draft_saved_on_leaving_it_has_no_title()
    {
        var editor = RenderEditor(new CardDraft(Title, Description, Policies));

        editor.Find("[data-testid=card-title]").Input(string.Empty);
        editor.Find("[data-testid=card-title]").Blur();
        editor.Find("[data-testid=card-confirm]").Click();

        Assert.Empty(_confirmed);
        Assert.Equal(string.Empty, Assert.Single(_saved).Title);
        Assert.Equal("true", editor.Find("[data-testid=card-title]").GetAttribute("aria-invalid"));
        Assert.Contains("The title is empty", HelperTextOf(editor.Find("[data-testid=card-title]")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_field_has_its_maximum_length_and_a_counter()
    {
        var editor = RenderEditor(new CardDraft(Title, Description, Policies));

        var title = editor.Find("[data-testid=card-title]");
        Assert.Equal(ValuesCardRules.MaxTitleLength.ToString(System.Globalization.CultureInfo.InvariantCulture), title.GetAttribute("maxlength"));
        Assert.Contains($"{Title.Length} / {ValuesCardRules.MaxTitleLength}", HelperTextOf(title), StringComparison.Ordinal);
        var description = editor.Find("[data-testid=card-description]");
        Assert.Equal(ValuesCardRules.MaxDescriptionLength.ToString(System.Globalization.CultureInfo.InvariantCulture), description.GetAttribute("maxlength"));
        Assert.Contains($"{Description.Length} / {ValuesCardRules.MaxDescriptionLength}", HelperTextOf(description), StringComparison.Ordinal);
        for (var i = 0; i < Policies.Length; i++)
        {
            var policy = PolicyInput(editor, i);
            Assert.Equal(ValuesCardRules.MaxPolicyLength.ToString(System.Globalization.CultureInfo.InvariantCulture), policy.GetAttribute("maxlength"));
            Assert.Contains($"{Policies[i].Length} / {ValuesCardRules.MaxPolicyLength}", HelperTextOf(policy), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Leaving_an_edited_field_saves_the_draft_and_leaving_an_untouched_one_does_not()
    {
        var editor = RenderEditor(new CardDraft(Title, Description, Policies));

        editor.Find("[data-testid=card-description]").Blur();
        Assert.Empty(_saved);

        editor.Find("[data-testid=card-description]").Input("The AI helps her breathe before anything else.");
        editor.Find("[data-testid=card-description]").Blur();

        var draft = Assert.Single(_saved);
        Assert.Equal("The AI helps her breathe before anything else.", draft.Description);
        Assert.Equal(Title, draft.Title);
        Assert.Equal(Policies, draft.Policies);
        editor.Find("[data-testid=card-title]").Blur();
        Assert.Single(_saved);
    }

    [Fact]
    public void This_is_my_value_comes_right_after_the_intro_as_well_as_after_the_fields_and_both_confirm_the_same_card()
    {
        var editor = RenderEditor(new CardDraft(Title, Description, Policies));

        // First in the card's Tab order (keyboard users reach it in one Tab from the heading), the fields after it.
        var controls = editor.FindAll("button, input, textarea").Select(c => c.GetAttribute("data-testid") ?? c.TagName).ToList();
        Assert.Equal("card-confirm-top", controls[0]);
        Assert.True(controls.IndexOf("card-confirm") > controls.IndexOf("card-policy-2"), $"The second confirm should follow the fields: {string.Join(", ", controls)}.");
        Assert.Equal(editor.Find("[data-testid=card-confirm]").TextContent.Trim(), editor.Find("[data-testid=card-confirm-top]").TextContent.Trim());

        editor.Find("[data-testid=card-confirm-top]").Click();

        var card = Assert.Single(_confirmed);
        Assert.Equal(new[] { Title, Description }, new[] { card.Title, card.Description });
        Assert.Equal(Policies, card.Policies);
    }

    [Fact]
    public void This_is_my_value_at_the_top_refuses_an_invalid_card_as_the_one_below_does()
    {
        var editor = RenderEditor(new CardDraft(string.Empty, Description, Policies));

        editor.Find("[data-testid=card-confirm-top]").Click();

        Assert.Empty(_confirmed);
        Assert.Equal("true", editor.Find("[data-testid=card-title]").GetAttribute("aria-invalid"));
        Assert.NotEmpty(editor.FindAll("[data-testid=card-errors]"));
    }

    private IRenderedComponent<CardEditor> RenderEditor(CardDraft draft) => Render<CardEditor>(parameters => parameters
        .Add(p => p.Draft, draft)
        .Add(p => p.OnConfirm, (CardDraft card) => _confirmed.Add(card))
        .Add(p => p.OnSave, (CardDraft card) => _saved.Add(card)));

    private static IElement PolicyInput(IRenderedComponent<CardEditor> editor, int index) => editor.Find($"[data-testid=card-policy-{index}]");

    // MudBlazor writes a field's helper, error and counter below the input, inside the same input control.
    private static string HelperTextOf(IElement input) =>
        input.Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")?.TextContent ?? string.Empty;
}
