using MoralGraph.Core.Studies;
using MoralGraph.Tests;

namespace MoralGraph.Core.Tests.Studies;

public class StudyDefinitionReaderTests
{
    [Fact]
    public void The_shipped_example_study_is_valid_and_has_the_three_2023_prompts()
    {
        var result = StudyDefinitionReader.Read(File.ReadAllText(RepositoryFiles.PathOf("studies/dft-2023.yaml")));

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(["abortion", "parenting", "weapons"], result.Value!.Questions.Select(q => q.Id));
        Assert.Contains(result.Value.Questions[0].Contexts, c => c.Text == "When in distress");
        Assert.NotEmpty(result.Value.RedLines);
    }

    [Fact]
    public void Every_problem_names_its_field()
    {
        const string yaml = """
            slug: Bad Slug
            title: ""
            voteDrawSize: 0
            questions:
              - id: q1
                prompt: ""
                contexts: []
              - id: q1
                prompt: Again?
                contexts:
                  - text: When in distress
            """;
        var result = StudyDefinitionReader.Read(yaml);

        Assert.False(result.IsValid);
        var fields = result.Problems.Select(p => p.Field).ToList();
        Assert.Contains("slug", fields);
        Assert.Contains("title", fields);
        Assert.Contains("voteDrawSize", fields);
        Assert.Contains("questions[0].prompt", fields);
        Assert.Contains("questions[0].contexts", fields);
        Assert.Contains(result.Problems, p => p.Message.Contains("'q1' is used more than once", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("slug: [unclosed", "line")]
    [InlineData("slug: a\nunknownField: 1", "line 2")]
    [InlineData("", "empty")]
    public void Malformed_yaml_is_reported_with_where_it_went_wrong(string yaml, string expected)
    {
        var result = StudyDefinitionReader.Read(yaml);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => (p.Field + " " + p.Message).Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("When in distress", "when-in-distress")]
    [InlineData("困っているとき", "困っているとき")]
    [InlineData("Quand on hésite !", "quand-on-hésite")]
    [InlineData("!!!", "")]
    [InlineData("जब संकट में हों", "जब-संकट-में-हों")]
    public void Ids_made_from_text_keep_letters_of_any_script(string text, string expected)
    {
        Assert.Equal(expected, StudyDefinitionReader.Slugify(text));
    }

    [Fact]
    public void A_context_whose_text_gives_no_id_must_be_given_one()
    {
        var result = StudyDefinitionReader.Read("slug: s\ntitle: T\nquestions:\n  - id: q\n    prompt: P?\n    contexts:\n      - text: \"!!!\"\n");
        Assert.Contains(result.Problems, p => p.Field == "questions[0].contexts[0].id");
    }

    [Fact]
    public void Phases_only_move_forward()
    {
        var study = StudyDefinitionReader.Read(File.ReadAllText(RepositoryFiles.PathOf("studies/dft-2023.yaml"))).Value!;
        Assert.Equal(StudyPhase.Voting, study.MoveTo(StudyPhase.Voting).Phase);
        Assert.Throws<InvalidOperationException>(() => study.MoveTo(StudyPhase.Draft));
    }
}
