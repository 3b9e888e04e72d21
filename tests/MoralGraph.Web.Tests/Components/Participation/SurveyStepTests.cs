using Bunit;
using Microsoft.AspNetCore.Components;
using MoralGraph.Web.Components.Participation;

namespace MoralGraph.Web.Tests.Components.Participation;

public sealed class SurveyStepTests : BunitTestContext
{
    private readonly List<IReadOnlyDictionary<string, int>> _submitted = [];

    public SurveyStepTests() => SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    [Fact]
    public void The_survey_asks_the_papers_legitimacy_questions_and_sends_only_what_was_answered()
    {
        var survey = Render<SurveyStep>(parameters => parameters.Add(p => p.OnSubmit, (IReadOnlyDictionary<string, int> answers) => _submitted.Add(answers)));

        Assert.Equal("Do you feel well represented by this process?", survey.Find("[data-testid=survey-represented-by-process] legend").TextContent.Trim());
        Assert.Equal("Do you think the moral graph this process builds is fair?", survey.Find("[data-testid=survey-graph-fair] legend").TextContent.Trim());

        survey.FindAll("[data-testid=survey-represented-by-process] input[type=radio]")[4].Click();
        survey.FindAll("[data-testid=survey-graph-fair] input[type=radio]")[1].Click();
        survey.Find("[data-testid=survey-submit]").Click();

        var answers = Assert.Single(_submitted);
        Assert.Equal([("graph-fair", 2), ("represented-by-process", 5)], answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (a.Key, a.Value)));
    }
}
