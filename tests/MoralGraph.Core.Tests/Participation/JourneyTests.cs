using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Participation;
using MoralGraph.Core.Studies;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Participation;

public class JourneyTests
{
    private static readonly Study Interviewing = Study() with { Phase = StudyPhase.Interviewing };

    [Fact]
    public void A_participant_goes_through_every_step_in_order_as_their_events_arrive()
    {
        var state = StudyState.Replay([Defined(Interviewing)]);
        var steps = new List<JourneyStep> { StepOf(state, "alice") };
        var first = Item("c-bob", "c-carol");
        var second = Item("c-carol", "c-bob");
        StudyEvent[] journey =
        [
            Joined("alice"),
            Chose("alice"),
            Said("alice", 0, InterviewRole.Interviewer, InterviewStage.Story),
            Said("alice", 1, InterviewRole.Participant, InterviewStage.Story),
            Said("alice", 2, InterviewRole.Interviewer, InterviewStage.Attention),
            Said("alice", 3, InterviewRole.Participant, InterviewStage.Attention),
            Said("alice", 4, InterviewRole.Interviewer, InterviewStage.Review),
            Submitted("c-alice", "alice"),
            Drawn("alice", 0, first, second),
            Answered("alice", first),
            Answered("alice", second),
            Surveyed("alice"),
        ];
        foreach (var studyEvent in journey)
        {
            state.Apply(studyEvent);
            steps.Add(StepOf(state, "alice"));
        }

        Assert.Equal(
            [
                JourneyStep.Consent,
                JourneyStep.Question,
                JourneyStep.Interview,
                JourneyStep.Interview, JourneyStep.Interview, JourneyStep.Interview, JourneyStep.Interview,
                JourneyStep.Card,
                JourneyStep.Voting,
                JourneyStep.Voting,
                JourneyStep.Voting,
                JourneyStep.Survey,
                JourneyStep.Done,
            ],
            steps);
    }

    [Fact]
    public void Once_the_study_is_voting_someone_without_a_card_goes_from_their_question_straight_to_voting()
    {
        var state = StudyState.Replay([Defined(Interviewing), Joined("alice"), Chose("alice"), Said("alice", 0, InterviewRole.Interviewer, InterviewStage.Story)]);
        Assert.Equal(JourneyStep.Interview, StepOf(state, "alice"));

        state.Apply(PhaseMovedTo(StudyPhase.Voting));

        Assert.Equal(JourneyStep.Voting, StepOf(state, "alice"));
    }

    [Fact]
    public void A_closed_study_is_done_for_everyone_wherever_they_were()
    {
        var state = StudyState.Replay([Defined(Interviewing), Joined("alice"), Chose("alice"), Joined("bob"), PhaseMovedTo(StudyPhase.Closed)]);

        Assert.Equal(JourneyStep.Done, StepOf(state, "alice"));
        Assert.Equal(JourneyStep.Done, StepOf(state, "bob"));
    }

    [Fact]
    public void A_withdrawn_participant_is_done()
    {
        var state = StudyState.Replay([Defined(Interviewing), Joined("alice"), Chose("alice"), Withdrew("alice")]);

        Assert.Equal(JourneyStep.Done, StepOf(state, "alice"));
    }

    [Fact]
    public void An_empty_draw_moves_on_to_the_survey()
    {
        var state = StudyState.Replay([Defined(Study()), Joined("alice"), Chose("alice")]);
        Assert.Equal(JourneyStep.Voting, StepOf(state, "alice"));

        state.Apply(Drawn("alice", 0));

        Assert.Equal(JourneyStep.Survey, StepOf(state, "alice"));
    }

    [Fact]
    public void A_new_draw_with_unanswered_items_brings_a_participant_back_to_voting()
    {
        var item = Item("c-bob", "c-carol");
        var state = StudyState.Replay([Defined(Study()), Joined("alice"), Chose("alice"), Drawn("alice", 0)]);

        state.Apply(Drawn("alice", 1, item));

        Assert.Equal(JourneyStep.Voting, StepOf(state, "alice"));
    }

    [Fact]
    public void An_interview_that_has_not_reached_review_stays_in_the_interview_even_after_the_participant_speaks()
    {
        var state = StudyState.Replay(
        [
            Defined(Interviewing), Joined("alice"), Chose("alice"),
            Said("alice", 0, InterviewRole.Interviewer, InterviewStage.Description),
            // A participant's own message never decides the stage: only what the interviewer asked.
            Said("alice", 1, InterviewRole.Participant, InterviewStage.Review),
        ]);

        Assert.Equal(JourneyStep.Interview, StepOf(state, "alice"));
    }

    private static JourneyStep StepOf(StudyState state, string participant) =>
        Journey.CurrentStep(state.Study!, state.Participation.Find(participant));
}
