using Bunit;
using MoralGraph.Core.Participation;
using MoralGraph.Web.Components.Participation;

namespace MoralGraph.Web.Tests.Components.Participation;

public sealed class JourneyStepperTests : BunitTestContext
{
    [Fact]
    public void The_current_step_is_announced_and_the_earlier_ones_are_marked_completed()
    {
        var stepper = Render<JourneyStepper>(parameters => parameters.Add(p => p.Current, JourneyStep.Interview));

        var steps = stepper.FindAll("ol > li");
        Assert.Equal(7, steps.Count);
        var current = Assert.Single(stepper.FindAll("li[aria-current]"));
        Assert.Equal("step", current.GetAttribute("aria-current"));
        Assert.Equal("Interview", current.QuerySelector(".mg-step-name")!.TextContent);
        Assert.All(steps.Take(2), done => Assert.Contains("(completed)", done.TextContent, StringComparison.Ordinal));
        Assert.All(steps.Skip(2), notDone => Assert.DoesNotContain("(completed)", notDone.TextContent, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(JourneyStep.Consent, "Step 1 of 7: Consent")]
    [InlineData(JourneyStep.Interview, "Step 3 of 7: Interview")]
    [InlineData(JourneyStep.Card, "Step 4 of 7: Your value")]
    [InlineData(JourneyStep.Done, "Step 7 of 7: Thank you")]
    public void The_count_says_which_step_of_how_many(JourneyStep current, string expected)
    {
        var stepper = Render<JourneyStepper>(parameters => parameters.Add(p => p.Current, current));

        Assert.Equal(expected, stepper.Find("[data-testid=stepper-count]").TextContent);
    }

    [Fact]
    public void Without_the_question_step_the_count_and_the_list_leave_it_out()
    {
        JourneyStep[] steps = [JourneyStep.Consent, JourneyStep.Interview, JourneyStep.Card, JourneyStep.Voting, JourneyStep.Survey, JourneyStep.Done];

        var stepper = Render<JourneyStepper>(parameters => parameters.Add(p => p.Current, JourneyStep.Card).Add(p => p.Steps, steps));

        Assert.Equal("Step 3 of 6: Your value", stepper.Find("[data-testid=stepper-count]").TextContent);
        Assert.DoesNotContain(stepper.FindAll("ol > li"), step => step.GetAttribute("data-step") == nameof(JourneyStep.Question));
    }

    [Fact]
    public void The_progress_bar_and_the_list_have_accessible_names()
    {
        var stepper = Render<JourneyStepper>(parameters => parameters.Add(p => p.Current, JourneyStep.Voting));

        var bar = stepper.Find("[role=progressbar]");
        Assert.Equal("Progress through the study", bar.GetAttribute("aria-label"));
        Assert.Equal("Your progress", stepper.Find("nav").GetAttribute("aria-label"));
    }
}
