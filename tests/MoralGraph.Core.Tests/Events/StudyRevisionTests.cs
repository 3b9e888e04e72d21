using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Events;

public class StudyRevisionTests
{
    private static Study Renamed(Study study, string title) =>
        new(study.Slug, title, study.Description, study.Questions, study.RedLines, study.Languages, StudyPhase.Draft, study.VoteDrawSize);

    [Fact]
    public void A_revision_keeps_the_running_study_in_its_phase_whatever_the_definition_says()
    {
        var state = StudyState.Replay([Defined(Study(("q", ["c"]))), PhaseMovedTo(StudyPhase.Closed)]);

        var revision = StudyDefinitionEvents.Revise(state, Renamed(Study(("q", ["c"])), "Renamed"), T0, "olivia");

        Assert.True(revision.IsValid);
        Assert.Equal("phase", Assert.Single(revision.Problems).Field);
        var defined = Assert.IsType<StudyDefined>(Assert.Single(revision.Value!));
        Assert.Equal(StudyPhase.Closed, defined.Study.Phase);
        Assert.Equal("olivia", defined.Actor);
        foreach (var studyEvent in revision.Value!)
        {
            state.Apply(studyEvent);
        }

        Assert.Equal(("Renamed", StudyPhase.Closed), (state.Study!.Title, state.Study.Phase));
    }

    [Fact]
    public void A_revision_may_not_change_the_slug_or_drop_a_context_that_was_voted_in()
    {
        var state = StudyState.Replay([Defined(Study(("q", ["c", "d"]))), Submitted("a", "ann"), Submitted("b", "ben"), Cast(Vote("v", "a", "b", context: "c"))]);
        var other = Study(("q", ["d"]));
        var moved = new Study("another-slug", other.Title, other.Description, other.Questions, other.RedLines, other.Languages, other.Phase, other.VoteDrawSize);

        var revision = StudyDefinitionEvents.Revise(state, moved, T0, "olivia");

        Assert.False(revision.IsValid);
        Assert.Equal(["slug", "questions"], revision.Problems.Select(p => p.Field));
        Assert.Contains("q/c", revision.Problems[1].Message, StringComparison.Ordinal);
        Assert.True(StudyDefinitionEvents.Revise(state, Study(("q", ["c"])), T0, "olivia").IsValid);
    }
}
