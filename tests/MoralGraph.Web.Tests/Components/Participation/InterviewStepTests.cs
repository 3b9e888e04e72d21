using Bunit;
using MoralGraph.Core.Interview;
using MoralGraph.Web.Components.Participation;

namespace MoralGraph.Web.Tests.Components.Participation;

public sealed class InterviewStepTests : BunitTestContext
{
    // The input waits 250 ms after the last key before it updates the hints and the send button.
    private static readonly TimeSpan Debounce = TimeSpan.FromSeconds(3);

    private readonly List<string> _sent = [];

    [Theory]
    [InlineData("<script>alert(1)</script>", "script")]
    [InlineData("<b>bold</b> <img src=x onerror=alert(1)>", "img")]
    public void Messages_with_markup_are_shown_as_text(string markup, string element)
    {
        IReadOnlyList<InterviewMessage> messages =
        [
            new(0, InterviewRole.Interviewer, "Tell me a story.", InterviewStage.Story),
            new(1, InterviewRole.Participant, markup, InterviewStage.Story),
        ];

        var interview = RenderInterview(InterviewStage.Story, messages, pending: "pending " + markup);

        Assert.Empty(interview.FindAll(element));
        var bubbles = interview.FindAll("[data-testid=transcript] .mg-text").Select(b => b.TextContent).ToList();
        Assert.Equal(["Tell me a story.", markup, "pending " + markup], bubbles);
    }

    [Fact]
    public void A_models_markdown_shows_as_emphasis_and_lists_while_the_participants_stays_as_typed()
    {
        IReadOnlyList<InterviewMessage> messages =
        [
            new(0, InterviewRole.Interviewer, "What do you **care** about *most*?\n\n- her faith\n- her fear\n\n1. first\n2. second\n3. third", InterviewStage.Story) { Provenance = Model },
            new(1, InterviewRole.Participant, "**Her** choice", InterviewStage.Story),
        ];

        var interview = RenderInterview(InterviewStage.Story, messages);

        var reply = interview.Find("[data-role=Interviewer] .mg-text");
        Assert.Equal("care", Assert.Single(reply.QuerySelectorAll("strong")).TextContent);
        Assert.Equal("most", Assert.Single(reply.QuerySelectorAll("em")).TextContent);
        Assert.Equal(["her faith", "her fear"], reply.QuerySelectorAll("ul > li").Select(li => li.TextContent));
        Assert.Equal(["first", "second", "third"], reply.QuerySelectorAll("ol > li").Select(li => li.TextContent));
        Assert.DoesNotContain("**", reply.TextContent, StringComparison.Ordinal);
        Assert.Equal("**Her** choice", interview.Find("[data-role=Participant] .mg-text").TextContent);
        Assert.Single(interview.FindAll("strong"));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>", "script")]
    [InlineData("<b>bold</b> <img src=x onerror=alert(1)>", "img")]
    [InlineData("<b>bold</b> <img src=x onerror=alert(1)>", "b")]
    [InlineData("<div>\n<img src=x onerror=alert(1)>\n</div>", "img")]
    [InlineData("[alert(1)](javascript:alert(1)) ![x](https://example.com/x.png)", "a, img")]
    public void A_models_html_is_shown_as_text_stored_or_streaming(string markup, string element)
    {
        IReadOnlyList<InterviewMessage> messages = [new(0, InterviewRole.Interviewer, "Welcome. " + markup, InterviewStage.Story) { Provenance = Model }];

        var interview = RenderInterview(InterviewStage.Story, messages, streaming: "Next. " + markup);

        var transcript = interview.Find("[data-testid=transcript]");
        Assert.Empty(transcript.QuerySelectorAll(element));
        Assert.Empty(transcript.QuerySelectorAll("[onerror], [href]"));
        Assert.Contains("alert(1)", interview.Find("[data-role=Interviewer] .mg-text").TextContent, StringComparison.Ordinal);
        Assert.Contains("alert(1)", interview.Find("[data-testid=streaming]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_readers_hear_who_said_each_message()
    {
        IReadOnlyList<InterviewMessage> messages =
        [
            new(0, InterviewRole.Interviewer, "Tell me a story.", InterviewStage.Story),
            new(1, InterviewRole.Participant, "My friend lost her father.", InterviewStage.Story),
        ];

        var interview = RenderInterview(InterviewStage.Attention, messages);

        var speakers = interview.FindAll("[data-testid=transcript] .mg-visually-hidden").Select(s => s.TextContent.Trim());
        Assert.Equal(["Interviewer:", "You:"], speakers);
        Assert.Equal("Interview conversation", interview.Find("[data-testid=transcript]").GetAttribute("aria-label"));
    }

    [Fact]
    public void While_writing_a_policy_that_reads_as_a_goal_a_hint_says_so()
    {
        var interview = RenderInterview(InterviewStage.Policies);

        interview.Find("[data-testid=interview-input]").Input("to make sure she is ok");

        interview.WaitForAssertion(
            () => Assert.Contains("this reads like a goal (\"make sure\")", interview.Find("[data-testid=policy-hints]").TextContent, StringComparison.Ordinal),
            Debounce);
    }

    [Fact]
    public void A_well_formed_policy_gets_no_hint()
    {
        var interview = RenderInterview(InterviewStage.Policies);

        interview.Find("[data-testid=interview-input]").Input("MOMENTS when she holds back what she feels");

        interview.WaitForAssertion(() => Assert.False(interview.Find("[data-testid=interview-send]").HasAttribute("disabled")), Debounce);
        Assert.Empty(interview.FindAll("[data-testid=policy-hints]"));
    }

    [Fact]
    public void Hints_are_only_given_while_writing_policies()
    {
        var interview = RenderInterview(InterviewStage.Story);

        interview.Find("[data-testid=interview-input]").Input("to make sure she is ok");

        interview.WaitForAssertion(() => Assert.False(interview.Find("[data-testid=interview-send]").HasAttribute("disabled")), Debounce);
        Assert.Empty(interview.FindAll("[data-testid=policy-hints]"));
    }

    [Fact]
    public void Send_is_disabled_for_an_empty_or_blank_answer_and_sends_a_real_one()
    {
        var interview = RenderInterview(InterviewStage.Story);
        Assert.True(SendButton(interview).HasAttribute("disabled"));

        interview.Find("[data-testid=interview-input]").Input("My friend lost her father.");
        interview.WaitForAssertion(() => Assert.False(SendButton(interview).HasAttribute("disabled")), Debounce);
        interview.Find("[data-testid=interview-input]").Input("   \n  ");
        interview.WaitForAssertion(() => Assert.True(SendButton(interview).HasAttribute("disabled")), Debounce);
        SendButton(interview).Click();
        Assert.Empty(_sent);

        interview.Find("[data-testid=interview-input]").Input("My friend lost her father.");
        interview.WaitForAssertion(() => Assert.False(SendButton(interview).HasAttribute("disabled")), Debounce);
        SendButton(interview).Click();

        Assert.Equal(["My friend lost her father."], _sent);
    }

    [Fact]
    public void A_model_led_question_gets_a_neutral_label_and_the_guided_script_its_stage_label()
    {
        var model = new MoralGraph.Core.Assistance.ModelProvenance("interviewer", "0123456789abcdef", "llama3.1:8b", 0.3, DateTimeOffset.UnixEpoch);
        IReadOnlyList<InterviewMessage> modelLed = [new(0, InterviewRole.Interviewer, "Who do you look up to in moments like this?", InterviewStage.Story) { Provenance = model }];
        IReadOnlyList<InterviewMessage> guided = [.. modelLed, new(1, InterviewRole.Participant, "My aunt.", InterviewStage.Story), new(2, InterviewRole.Interviewer, "What did you pay attention to?", InterviewStage.Attention)];

        Assert.Equal("Your answer", RenderInterview(InterviewStage.Story, modelLed).Find("label.mud-input-label").TextContent.Trim());
        Assert.Equal("What you paid attention to", RenderInterview(InterviewStage.Attention, guided).Find("label.mud-input-label").TextContent.Trim());
    }

    [Fact]
    public void While_busy_the_input_and_send_are_disabled()
    {
        var interview = RenderInterview(InterviewStage.Story, busy: true);

        Assert.True(interview.Find("[data-testid=interview-input]").HasAttribute("disabled"));
        Assert.True(interview.Find("[data-testid=interview-send]").HasAttribute("disabled"));
    }

    [Fact]
    public void While_the_reply_has_no_words_yet_it_says_writing_and_the_words_replace_it()
    {
        var waiting = RenderInterview(InterviewStage.Story, busy: true, streaming: string.Empty);

        var writing = waiting.Find("[data-testid=streaming] [data-testid=interview-writing]");
        Assert.Equal("Writing…", writing.TextContent);
        Assert.Equal("status", writing.GetAttribute("role"));

        var answering = RenderInterview(InterviewStage.Story, busy: true, streaming: "Thank you for");

        Assert.Empty(answering.FindAll("[data-testid=interview-writing]"));
        Assert.Contains("Thank you for", answering.Find("[data-testid=streaming]").TextContent, StringComparison.Ordinal);
    }

    private static readonly MoralGraph.Core.Assistance.ModelProvenance Model = new("interviewer", "0123456789abcdef", "llama3.1:8b", 0.3, DateTimeOffset.UnixEpoch);

    private IRenderedComponent<InterviewStep> RenderInterview(
        InterviewStage stage, IReadOnlyList<InterviewMessage>? messages = null, string? pending = null, bool busy = false, string? streaming = null) =>
        Render<InterviewStep>(parameters => parameters
            .Add(p => p.Stage, stage)
            .Add(p => p.Streaming, streaming)
            .Add(p => p.Messages, messages ?? [new InterviewMessage(0, InterviewRole.Interviewer, "Write one policy.", stage)])
            .Add(p => p.PendingText, pending)
            .Add(p => p.Busy, busy)
            .Add(p => p.QuestionPrompt, "My friend just lost her father. What should I say to her?")
            .Add(p => p.OnSend, text =>
            {
                _sent.Add(text);
                return Task.FromResult(true);
            }));

    private static AngleSharp.Dom.IElement SendButton(IRenderedComponent<InterviewStep> interview) => interview.Find("[data-testid=interview-send]");
}
