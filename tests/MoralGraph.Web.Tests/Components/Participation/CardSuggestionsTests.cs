using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Interview;
using MoralGraph.Web.Components.Participation;
using MoralGraph.Web.Participation;

namespace MoralGraph.Web.Tests.Components.Participation;

/// <summary>The "Suggestions" area of the card review: what the participant sees of the critic's advice.</summary>
public sealed class CardSuggestionsTests : BunitTestContext
{
    private static readonly CardDraft Draft = new("Care before options", "The AI first makes sure she is calm enough to think.",
    [
        "MOMENTS when panic is making the decision for her",
        "ensure she feels heard rather than lectured",
        "SOURCES of support she can reach today",
    ]);

    [Fact]
    public void Without_a_model_the_embedded_rules_point_at_the_policy_that_reads_like_a_goal()
    {
        Services.AddSingleton<ICardCritic, RuleCardCritic>();
        var editor = RenderEditor(Draft, "en");
        Assert.Empty(editor.FindAll("[data-testid=card-suggestion]"));

        editor.Find("[data-testid=card-suggest]").Click();

        var item = editor.WaitForElement("[data-testid=card-suggestion]");
        // The goal first (it is the deeper problem), then its form.
        Assert.Equal(2, editor.FindAll("[data-testid=card-suggestion]").Count);
        Assert.StartsWith("Start with the things attended to", RuleAndDetail(editor.FindAll("[data-testid=card-suggestion]")[1]).Rule, StringComparison.Ordinal);
        Assert.Equal(("Name something a wise person notices along the way, not a goal to reach.", "About “ensure she feels heard rather than lectured”:"), RuleAndDetail(item));
    }

    [Fact]
    public void The_critics_suggestion_is_shown_as_plain_text_and_about_the_card_as_edited()
    {
        var critic = new RecordingCritic([new CardCritique(null, CardCritiqueRules.Coherent, "<b>One</b> value, please."), new CardCritique(0, CardCritiqueRules.Positive, "Say what to notice.")]);
        Services.AddSingleton<ICardCritic>(critic);
        var editor = RenderEditor(Draft with { Policies = [Draft.Policies[0], "", Draft.Policies[2]] });

        editor.Find("[data-testid=card-suggest]").Click();

        var items = editor.FindAll("[data-testid=card-suggestion]");
        Assert.Equal(2, items.Count);
        Assert.Equal(("Check that the policies describe one value together.", "<b>One</b> value, please."), RuleAndDetail(items[0]));
        Assert.Empty(items[0].QuerySelectorAll("b"));
        Assert.Equal(("Say what to attend to rather than what to avoid.", "About “MOMENTS when panic is making the decision for her”: Say what to notice."), RuleAndDetail(items[1]));
        var (studyId, draft, language) = Assert.Single(critic.Calls);
        Assert.Equal(("study-1", "de"), (studyId, language));
        Assert.Equal([Draft.Policies[0], Draft.Policies[2]], draft.Policies);
    }

    [Fact]
    public void A_card_with_nothing_to_improve_says_so()
    {
        Services.AddSingleton<ICardCritic>(new RecordingCritic([]));
        var editor = RenderEditor(Draft);

        editor.Find("[data-testid=card-suggest]").Click();

        Assert.Contains("No suggestions", editor.Find("[data-testid=card-suggestions-none]").TextContent, StringComparison.Ordinal);
    }

    private IRenderedComponent<CardEditor> RenderEditor(CardDraft draft, string language = "de")
    {
        Services.AddScoped<CardSuggestions>();
        return Render<CardEditor>(parameters => parameters.Add(p => p.Draft, draft).Add(p => p.StudyId, "study-1").Add(p => p.Language, language));
    }

    private static (string Rule, string Detail) RuleAndDetail(AngleSharp.Dom.IElement item) =>
        (item.QuerySelector("strong")!.TextContent.Trim(), item.QuerySelector("[data-testid=card-suggestion-detail]")?.TextContent.Trim() ?? string.Empty);

    private sealed class RecordingCritic(IReadOnlyList<CardCritique> critique) : ICardCritic
    {
        public List<(string StudyId, CardDraft Draft, string Language)> Calls { get; } = [];

        public Task<IReadOnlyList<CardCritique>> CritiqueAsync(string studyId, CardDraft draft, string language, CancellationToken cancellationToken = default)
        {
            Calls.Add((studyId, draft, language));
            return Task.FromResult(critique);
        }
    }
}
