using MoralGraph.Core.Studies;
using MoralGraph.Tests;

namespace MoralGraph.Core.Tests.Studies;

public class StudyDefinitionWriterTests
{
    [Fact]
    public void The_example_study_written_and_read_back_is_the_same_study()
    {
        var original = StudyDefinitionReader.Read(File.ReadAllText(RepositoryFiles.PathOf("studies/dft-2023.yaml"))).GetValueOrThrow("example");
        var withEverything = original with
        {
            Capacity = 200,
            InviteCodes = [new InviteCode("ROOM-A", 50), new InviteCode("online")],
            QuestionAssignment = QuestionAssignment.Balanced,
        };

        var yaml = StudyDefinitionWriter.Write(withEverything);
        var read = StudyDefinitionReader.Read(yaml);

        Assert.True(read.IsValid, string.Join("; ", read.Problems));
        var back = read.Value!;
        Assert.Equal(withEverything.Slug, back.Slug);
        Assert.Equal(withEverything.Description, back.Description);
        Assert.Equal(withEverything.Phase, back.Phase);
        Assert.Equal(withEverything.VoteDrawSize, back.VoteDrawSize);
        Assert.Equal(200, back.Capacity);
        Assert.Equal(QuestionAssignment.Balanced, back.QuestionAssignment);
        Assert.Equal(withEverything.InviteCodes, back.InviteCodes);
        Assert.Equal(withEverything.RedLines, back.RedLines);
        Assert.Equal(withEverything.Questions.Select(q => (q.Id, q.Title, q.Prompt, string.Join("|", q.Contexts))), back.Questions.Select(q => (q.Id, q.Title, q.Prompt, string.Join("|", q.Contexts))));
        Assert.Equal(withEverything.SeedValues.Select(v => (v.ValueId, v.Description, string.Join("|", v.Policies))), back.SeedValues.Select(v => (v.ValueId, v.Description, string.Join("|", v.Policies))));
    }

    [Fact]
    public void Settings_a_study_does_not_use_are_left_out_rather_than_written_empty()
    {
        var study = StudyDefinitionReader.Read(File.ReadAllText(RepositoryFiles.PathOf("studies/dft-2023.yaml"))).GetValueOrThrow("example");

        var yaml = StudyDefinitionWriter.Write(study with { Capacity = null, InviteCodes = [], SeedValues = [] });

        Assert.DoesNotContain("capacity", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("inviteCodes", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("seedValues", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("source", yaml, StringComparison.Ordinal);
        Assert.Contains("redLines:", yaml, StringComparison.Ordinal);
    }
}
