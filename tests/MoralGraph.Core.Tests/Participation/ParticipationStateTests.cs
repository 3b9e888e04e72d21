using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Participation;

public class ParticipationStateTests
{
    [Fact]
    public void Transcript_turns_that_arrive_out_of_order_or_twice_are_ignored()
    {
        var alice = StudyState.Replay(
        [
            Defined(Study()), Joined("alice"), Chose("alice"),
            Said("alice", 1, InterviewRole.Participant, InterviewStage.Story, "too early"),
            Said("alice", 0, InterviewRole.Interviewer, InterviewStage.Story, "Tell me a story."),
            Said("alice", 0, InterviewRole.Interviewer, InterviewStage.Story, "a replay of turn 0"),
            Said("alice", 1, InterviewRole.Participant, InterviewStage.Story, "My story."),
            Said("alice", 3, InterviewRole.Interviewer, InterviewStage.Attention, "skips turn 2"),
        ]).Participation.Find("alice")!;

        Assert.Equal(["Tell me a story.", "My story."], alice.Transcript.Select(m => m.Text));
        Assert.Equal([0, 1], alice.Transcript.Select(m => m.Turn));
    }

    [Fact]
    public void Messages_about_another_question_are_not_part_of_the_interview()
    {
        var alice = StudyState.Replay(
        [
            Defined(Study(("q1", ["c"]), ("q2", ["c"]))), Joined("alice"), Chose("alice", "q1"),
            Said("alice", 0, InterviewRole.Interviewer, InterviewStage.Review, question: "q2"),
        ]).Participation.Find("alice")!;

        Assert.Empty(alice.Transcript);
        Assert.Equal(InterviewStage.Story, alice.InterviewStage);
    }

    [Fact]
    public void The_first_question_chosen_stays_theirs()
    {
        var alice = StudyState.Replay([Defined(Study(("q1", ["c"]), ("q2", ["c"]))), Joined("alice"), Chose("alice", "q1"), Chose("alice", "q2")]).Participation.Find("alice")!;

        Assert.Equal("q1", alice.QuestionId);
    }

    [Fact]
    public void Events_before_joining_or_about_strangers_leave_no_record()
    {
        var participation = StudyState.Replay([Defined(Study()), Chose("alice"), Submitted("c-mallory", "mallory"), Joined("alice")]).Participation;

        Assert.Null(participation.Find("alice")!.QuestionId);
        Assert.Null(participation.Find("mallory"));
        Assert.Null(participation.Find(null));
    }

    [Fact]
    public void Draws_count_in_round_order_and_answered_items_are_no_longer_pending()
    {
        var (first, second, third) = (Item("a", "b"), Item("b", "c"), Item("c", "a"));
        var alice = StudyState.Replay(
        [
            Defined(Study()), Joined("alice"), Chose("alice"),
            Drawn("alice", 1, third),
            Drawn("alice", 0, first, second),
            Drawn("alice", 0, third),
            Answered("alice", first),
        ]).Participation.Find("alice")!;

        Assert.Equal([0], alice.Draws.Select(d => d.Round));
        Assert.Equal([second], alice.PendingItems);
        Assert.True(alice.HasAnswered(first));
        Assert.False(alice.HasAnswered(third));
    }

    [Fact]
    public void Capacity_counts_leave_out_those_who_withdrew()
    {
        var participation = StudyState.Replay(
        [
            Defined(Study(("q1", ["c"]), ("q2", ["c"]))),
            Joined("alice", inviteCode: "CLASS-A"), Chose("alice", "q1"),
            Joined("bob", inviteCode: "class-a"), Chose("bob", "q1"),
            Joined("carol", inviteCode: "CLASS-A"), Chose("carol", "q2"),
            Joined("dave"),
            Withdrew("bob"),
        ]).Participation;

        Assert.Equal(3, participation.ActiveCount);
        Assert.Equal(2, participation.ActiveCountWithInvite("class-A"));
        Assert.Equal(1, participation.ActiveCountOnQuestion("q1"));
        Assert.Equal(1, participation.ActiveCountOnQuestion("q2"));
        Assert.Equal(4, participation.All.Count());
    }

    [Fact]
    public void A_participant_is_found_by_the_hash_of_their_resume_code_even_after_withdrawing()
    {
        var participation = StudyState.Replay([Defined(Study()), Joined("alice", resumeCodeHash: "h-alice"), Joined("bob", resumeCodeHash: "h-bob"), Withdrew("bob")]).Participation;

        Assert.Equal("alice", participation.FindByResumeCodeHash("h-alice")?.Id);
        Assert.True(participation.FindByResumeCodeHash("h-bob")?.Withdrawn);
        Assert.Null(participation.FindByResumeCodeHash("h-nobody"));
    }

    [Fact]
    public void Joining_twice_keeps_the_first_record()
    {
        var participation = StudyState.Replay([Defined(Study()), Joined("alice", resumeCodeHash: "h-first"), Chose("alice"), Joined("alice", resumeCodeHash: "h-second")]).Participation;

        Assert.Single(participation.All);
        Assert.Equal("q", participation.Find("alice")!.QuestionId);
        Assert.Equal("alice", participation.FindByResumeCodeHash("h-first")?.Id);
        Assert.Null(participation.FindByResumeCodeHash("h-second"));
    }

    [Fact]
    public void Items_drawn_and_not_answered_are_outstanding_except_for_those_who_withdrew()
    {
        var (shared, answered) = (Item("a", "b"), Item("b", "a"));
        var outstanding = StudyState.Replay(
        [
            Defined(Study()),
            Joined("alice"), Drawn("alice", 0, shared, answered), Answered("alice", answered),
            Joined("bob"), Drawn("bob", 0, shared),
            Joined("carol"), Drawn("carol", 0, shared, answered), Withdrew("carol"),
        ]).Participation;

        var only = Assert.Single(outstanding.OutstandingItemsFrom.SelectMany(from => from.Value.Select(to => (from.Key, to.Key.To, to.Key.Context, Count: to.Value))));
        Assert.Equal(("a", "b", new ContextRef("q", "c"), 2), only);
        Assert.Equal(2, outstanding.OutstandingCount("a", "b", new ContextRef("q", "c")));
    }

    [Fact]
    public void The_latest_draft_counts_and_the_first_survey_answers_stay()
    {
        var alice = StudyState.Replay(
        [
            Defined(Study()), Joined("alice"), Chose("alice"),
            Draft("first title"), Draft("second title"),
            Surveyed("alice"),
            new SurveyAnswered("alice", new Dictionary<string, int> { ["values-expressed"] = 1 }) { StudyId = "test-study", OccurredAt = T0, Actor = "alice" },
        ]).Participation.Find("alice")!;

        Assert.Equal("second title", alice.Draft?.Title);
        Assert.Equal(4, alice.Survey!["values-expressed"]);

        static CardDraftSaved Draft(string title) =>
            new("alice", "q", title, "D.", ["MOMENTS when it matters"]) { StudyId = "test-study", OccurredAt = T0, Actor = "alice" };
    }

    [Fact]
    public void A_confirmed_card_for_their_question_is_theirs_and_a_second_one_does_not_replace_it()
    {
        var alice = StudyState.Replay(
        [
            Defined(Study(("q1", ["c"]), ("q2", ["c"]))), Joined("alice"), Chose("alice", "q1"),
            Submitted("c-other-question", "alice", "q2"),
            Submitted("c-first", "alice", "q1"),
            Submitted("c-second", "alice", "q1"),
        ]).Participation.Find("alice")!;

        Assert.Equal("c-first", alice.CardId);
    }
}
