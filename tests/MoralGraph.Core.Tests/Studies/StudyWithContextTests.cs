using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Studies;

namespace MoralGraph.Core.Tests.Studies;

public sealed class StudyWithContextTests
{
    private static Study Study() => new("kindness", "Kindness", "About kindness.",
        [
            new Question("grief", "Grief", "My friend lost her father.", [new StudyContext("comforting", "When comforting someone")]),
            new Question("work", "Work", "My colleague misses deadlines.", [new StudyContext("feedback", "When giving feedback")]),
        ],
        [new RedLine("no-cruelty", "Never mock a grieving person.")], ["en", "de"], StudyPhase.Voting, 7)
    {
        QuestionAssignment = QuestionAssignment.Balanced,
        Capacity = 40,
        InviteCodes = [new InviteCode("KIND", 10)],
        SeedValues = [new SeedValue("grief", "Presence", "Be there.", ["MOMENTS when silence helps"])],
    };

    [Fact]
    public void A_context_is_added_to_its_question_only_and_everything_else_is_kept()
    {
        var study = Study();

        var revised = study.WithContext("grief", new StudyContext("unsure", "When the user is unsure"));

        Assert.Equal(["comforting", "unsure"], revised.FindQuestion("grief")!.Contexts.Select(c => c.Id));
        Assert.Equal(study.FindQuestion("work"), revised.FindQuestion("work"));
        Assert.Equal((study.Slug, study.Title, study.Description, study.Phase, study.VoteDrawSize, study.QuestionAssignment, study.Capacity),
            (revised.Slug, revised.Title, revised.Description, revised.Phase, revised.VoteDrawSize, revised.QuestionAssignment, revised.Capacity));
        Assert.Equal(study.RedLines, revised.RedLines);
        Assert.Equal(study.Languages, revised.Languages);
        Assert.Equal(study.InviteCodes, revised.InviteCodes);
        Assert.Equal(study.SeedValues, revised.SeedValues);
        Assert.Single(study.FindQuestion("grief")!.Contexts);
    }

    [Fact]
    public void An_unknown_question_or_a_taken_context_id_is_refused()
    {
        var study = Study();

        Assert.Throws<ArgumentException>(() => study.WithContext("nowhere", new StudyContext("x", "When x")));
        Assert.Throws<ArgumentException>(() => study.WithContext("grief", new StudyContext("comforting", "When comforting a friend")));
    }

    [Theory]
    [InlineData("When the user is unsure what she believes", 0, 1.0)]
    [InlineData("When the user is grieving", 1, 1.0)]
    [InlineData("When the weather is cold", -1, 0.0)]
    public void The_most_similar_text_is_found_word_for_word(string text, int index, double similarity)
    {
        var (found, score) = LexicalSimilarity.MostSimilar(text, ["when the user is unsure of what she believes.", "When the user is grieving"]);

        Assert.Equal(similarity, score, 6);
        if (index >= 0)
        {
            Assert.Equal(index, found);
        }
    }

    [Fact]
    public void Nothing_to_compare_with_is_no_match() => Assert.Equal((-1, 0.0), LexicalSimilarity.MostSimilar("When x", []));
}
