using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Tests.Voting;

public class TransitionStoryTests
{
    private static readonly StudyContext InDistress = new("in-distress", "When in distress");

    private static readonly CanonicalValue Rules = new("a", "Clear Rules", "The AI says what the rules are.",
        ["RULES that apply to her case", "FACTS she may not know"], []);

    [Fact]
    public async Task The_story_tells_in_running_text_what_the_teller_attended_to_before_and_after_in_the_context()
    {
        var to = new CanonicalValue("b", "Room to Decide", "The AI helps her think it through.",
            ["MOMENTS when she feels torn between faith and future.", "SUBTLE SIGNS of pressure from others", "CHANGES she has not noticed"], []);

        var story = await new TemplateTransitionStoryWriter(new KeyPhrasebook()).WriteAsync(InDistress, Rules, to);

        Assert.Equal(
            "Story.Template|When in distress|Story.And|rules that apply to her case|facts she may not know|"
            + "Story.And|moments when she feels torn between faith and future|subtle signs of pressure from others",
            story);
    }

    [Fact]
    public async Task One_policy_is_quoted_alone_and_none_falls_back_to_what_the_title_stands_for()
    {
        var writer = new TemplateTransitionStoryWriter(new KeyPhrasebook());

        var one = await writer.WriteAsync(InDistress, Rules, new CanonicalValue("b", "Room to Decide", "She decides.", ["OPPORTUNITIES for her to decide"], []));
        var none = await writer.WriteAsync(InDistress, Rules, new CanonicalValue("b", "Room to Decide", "She decides.", [], []));

        Assert.EndsWith("|facts she may not know|opportunities for her to decide", one, StringComparison.Ordinal);
        Assert.EndsWith("|facts she may not know|Story.WhatItStandsFor|Room to Decide", none, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lower_case_words_and_a_lone_capital_letter_are_left_as_written()
    {
        var to = new CanonicalValue("b", "Room to Decide", "D.", ["WAYS I can help her decide with NASA-level care"], []);

        var story = await new TemplateTransitionStoryWriter(new KeyPhrasebook()).WriteAsync(InDistress, Rules, to);

        Assert.EndsWith("|ways I can help her decide with NASA-level care", story, StringComparison.Ordinal);
    }
}
