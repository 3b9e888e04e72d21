using Bunit;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Components.Participation;

namespace MoralGraph.Web.Tests.Components.Participation;

public sealed class VotingItemTests : BunitTestContext
{
    private static readonly CanonicalValue From = new("v-options", "Informed personal choice", "The AI lays out the options.", ["FACTS about each option"], []);
    private static readonly CanonicalValue To = new("v-care", "Care in distress", "The AI first makes sure she is calm.", ["MOMENTS when panic decides"], []);
    private static readonly VoteItem Item = new("i0", new ContextRef("grief", "comforting"), From.Id, To.Id, "When comforting, I used to lay out the options. Now I notice panic first.");

    private readonly List<(Verdict Verdict, string? Why)> _votes = [];

    [Fact]
    public void Submit_stays_disabled_until_a_verdict_is_picked()
    {
        var item = RenderItem(Item);

        Assert.True(item.Find("[data-testid=vote-submit]").HasAttribute("disabled"));
        item.Find("[data-testid=vote-why]").Input("I cannot decide yet");
        Assert.True(item.Find("[data-testid=vote-submit]").HasAttribute("disabled"));

        Verdicts(item)[1].Click();

        Assert.False(item.Find("[data-testid=vote-submit]").HasAttribute("disabled"));
        Assert.Empty(_votes);
    }

    [Theory]
    [InlineData(0, Verdict.Wiser)]
    [InlineData(1, Verdict.NotWiser)]
    [InlineData(2, Verdict.Unsure)]
    public void Submitting_raises_the_picked_verdict_and_the_why(int radio, Verdict expected)
    {
        var item = RenderItem(Item);

        Verdicts(item)[radio].Click();
        item.Find("[data-testid=vote-why]").Input("She needed calm before facts.");
        item.Find("[data-testid=vote-submit]").Click();

        Assert.Equal((expected, "She needed calm before facts."), Assert.Single(_votes));
    }

    [Fact]
    public void The_radios_read_yes_no_and_not_sure()
    {
        var item = RenderItem(Item);

        var labels = item.FindAll("[data-testid=vote-verdict] label").Select(l => l.TextContent.Trim());

        Assert.Equal(["Yes", "No", "Not sure"], labels);
        Assert.Equal("Did this person become wiser?", item.Find("legend").TextContent.Trim());
    }

    [Fact]
    public void Other_peoples_answers_are_hidden_until_the_tallies_are_given()
    {
        var item = RenderItem(Item);

        Assert.Empty(item.FindAll("[data-testid=vote-tallies]"));
        Assert.DoesNotContain("said wiser", item.Markup, StringComparison.Ordinal);

        item.Render(parameters => parameters.Add(p => p.Tallies, new VoteTallies(Wiser: 4, NotWiser: 2, Unsure: 1)));

        Assert.Equal("So far, your answer included: 4 people said wiser, 2 people said not wiser, and 1 person was not sure.", item.Find("[data-testid=vote-tallies]").TextContent.Trim());
        Assert.Empty(item.FindAll("[data-testid=vote-submit]"));
        Assert.NotNull(item.Find("[data-testid=vote-next]"));
    }

    [Theory]
    [InlineData(1, 0, 0, "So far, your answer included: 1 person said wiser, nobody said not wiser, and nobody was not sure.")]
    [InlineData(0, 1, 3, "So far, your answer included: nobody said wiser, 1 person said not wiser, and 3 people were not sure.")]
    public void The_tallies_use_real_plurals(int wiser, int notWiser, int unsure, string expected)
    {
        var item = RenderItem(Item);

        item.Render(parameters => parameters.Add(p => p.Tallies, new VoteTallies(wiser, notWiser, unsure)));

        Assert.Equal(expected, item.Find("[data-testid=vote-tallies]").TextContent.Trim());
    }

    [Fact]
    public void After_answering_the_participant_still_sees_their_own_answer_and_reason()
    {
        var item = RenderItem(Item);
        Verdicts(item)[1].Click();
        item.Find("[data-testid=vote-why]").Input("Calm first is not always kind.");
        item.Find("[data-testid=vote-submit]").Click();

        item.Render(parameters => parameters.Add(p => p.Tallies, new VoteTallies(Wiser: 2, NotWiser: 1, Unsure: 0)));

        var own = item.Find("[data-testid=vote-own-answer]").TextContent;
        Assert.Contains("Your answer: No", own, StringComparison.Ordinal);
        Assert.Contains("Your reason: Calm first is not always kind.", own, StringComparison.Ordinal);
    }

    [Fact]
    public void The_item_repeats_the_question_the_study_asked()
    {
        var item = RenderItem(Item);

        Assert.Equal("Someone asks an AI: “My husband died. How do I go on?”", item.Find("[data-testid=vote-question]").TextContent.Trim());
    }

    [Theory]
    [InlineData("<script>alert(1)</script>", "script")]
    [InlineData("<b>x</b>", "b")]
    public void Markup_in_a_story_or_a_value_is_shown_as_text(string markup, string element)
    {
        var hostile = new CanonicalValue("v-hostile", "Title " + markup, "Description " + markup, ["POLICIES " + markup], []);
        var item = RenderItem(Item with { Story = "A story " + markup + " ends." }, to: hostile);

        Assert.Empty(item.FindAll(element));
        Assert.Equal("A story " + markup + " ends.", item.Find("[data-testid=vote-story]").TextContent);
        Assert.Contains("Title " + markup, item.Find("[data-testid=value-b]").TextContent, StringComparison.Ordinal);
        Assert.Contains("POLICIES " + markup, item.Find("[data-testid=value-b]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_item_starts_without_the_previous_answer()
    {
        var item = RenderItem(Item);
        Verdicts(item)[0].Click();
        Assert.False(item.Find("[data-testid=vote-submit]").HasAttribute("disabled"));

        item.Render(parameters => parameters.Add(p => p.Item, Item with { ItemId = "i1" }));

        Assert.True(item.Find("[data-testid=vote-submit]").HasAttribute("disabled"));
    }

    private IRenderedComponent<VotingItem> RenderItem(VoteItem voteItem, CanonicalValue? to = null) => Render<VotingItem>(parameters => parameters
        .Add(p => p.Item, voteItem)
        .Add(p => p.From, From)
        .Add(p => p.To, to ?? To)
        .Add(p => p.QuestionText, "My husband died. How do I go on?")
        .Add(p => p.ContextText, "When comforting someone")
        .Add(p => p.OnVote, ((Verdict Verdict, string? Why) answer) => _votes.Add(answer)));

    private static IReadOnlyList<AngleSharp.Dom.IElement> Verdicts(IRenderedComponent<VotingItem> item) => item.FindAll("[data-testid=vote-verdict] input[type=radio]");
}
