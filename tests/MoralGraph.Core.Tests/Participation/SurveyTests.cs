using MoralGraph.Core.Participation;

namespace MoralGraph.Core.Tests.Participation;

public class SurveyTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void Answers_are_one_to_five(int answer, bool accepted)
    {
        var problems = Survey.Validate(new Dictionary<string, int> { ["trust-process"] = answer });

        Assert.Equal(accepted, problems.Count == 0);
    }

    [Fact]
    public void Skipped_questions_are_fine_and_unknown_ones_are_named()
    {
        Assert.Empty(Survey.Validate(new Dictionary<string, int>()));

        var problem = Assert.Single(Survey.Validate(new Dictionary<string, int> { ["values-expressed"] = 3, ["favourite-colour"] = 2 }));
        Assert.Contains("'favourite-colour'", problem, StringComparison.Ordinal);
    }
}
