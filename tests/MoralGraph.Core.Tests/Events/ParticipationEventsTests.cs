using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Events;

public class ParticipationEventsTests
{
    [Theory]
    [InlineData("participant-joined")]
    [InlineData("question-chosen")]
    [InlineData("interview-message-posted")]
    [InlineData("card-draft-saved")]
    [InlineData("value-membership-answered")]
    [InlineData("vote-items-drawn")]
    [InlineData("survey-answered")]
    [InlineData("canonical-value-defined")]
    [InlineData("study-defined")]
    public void Each_event_comes_back_from_its_stored_json_with_everything_it_said(string type)
    {
        var original = Example(type);

        var payload = EventHashChain.Serialize(original);
        var back = EventHashChain.Deserialize(payload);

        Assert.StartsWith($"{{\"type\":\"{type}\"", payload, StringComparison.Ordinal);
        Assert.IsType(original.GetType(), back);
        Assert.Equal(payload, EventHashChain.Serialize(back));
        Assert.Equal((original.StudyId, original.OccurredAt, original.Actor), (back.StudyId, back.OccurredAt, back.Actor));
        Assert.True(original.IsSameSubmissionAs(back));
        AssertSameContent(original, back);
    }

    [Fact]
    public void Idempotency_keys_make_a_replayed_submission_one_event()
    {
        Assert.Equal("join:test-study:alice", Joined("alice").IdempotencyKey);
        Assert.Equal("question:test-study:alice", Chose("alice").IdempotencyKey);
        Assert.Equal("message:test-study:alice:q:3", Said("alice", 3, InterviewRole.Participant, InterviewStage.Story).IdempotencyKey);
        Assert.Equal("draw:test-study:alice:1", Drawn("alice", 1).IdempotencyKey);
        Assert.Equal("survey:test-study:alice", Surveyed("alice").IdempotencyKey);
        Assert.Equal("membership:test-study:c-alice:v-1", Example("value-membership-answered").IdempotencyKey);
        // Every saved draft is kept: the latest one counts.
        Assert.Null(Example("card-draft-saved").IdempotencyKey);
    }

    [Fact]
    public void Two_posts_of_the_same_turn_share_a_key_and_differ_only_as_a_conflict_when_the_words_differ()
    {
        var first = Said("alice", 3, InterviewRole.Participant, InterviewStage.Story, "My story.", minute: 1);
        var retried = Said("alice", 3, InterviewRole.Participant, InterviewStage.Story, "My story.", minute: 2);
        var changed = Said("alice", 3, InterviewRole.Participant, InterviewStage.Story, "Another story.", minute: 2);
        var next = Said("alice", 4, InterviewRole.Interviewer, InterviewStage.Attention, "My story.", minute: 2);

        Assert.Equal(first.IdempotencyKey, retried.IdempotencyKey);
        Assert.True(first.IsSameSubmissionAs(retried));
        Assert.Equal(first.IdempotencyKey, changed.IdempotencyKey);
        Assert.False(first.IsSameSubmissionAs(changed));
        Assert.NotEqual(first.IdempotencyKey, next.IdempotencyKey);
        Assert.NotEqual(first.IdempotencyKey, Said("alice", 3, InterviewRole.Participant, InterviewStage.Story, question: "q2").IdempotencyKey);
        Assert.NotEqual(first.IdempotencyKey, Said("bob", 3, InterviewRole.Participant, InterviewStage.Story).IdempotencyKey);
    }

    [Fact]
    public void A_vote_on_a_drawn_item_has_one_id_however_often_it_is_submitted()
    {
        var item = Item("a", "b");

        Assert.Equal(Answered("alice", item, Verdict.Wiser).IdempotencyKey, Answered("alice", item, Verdict.NotWiser).IdempotencyKey);
        Assert.NotEqual(Answered("alice", item).IdempotencyKey, Answered("bob", item).IdempotencyKey);
        Assert.NotEqual(Answered("alice", item).IdempotencyKey, Answered("alice", Item("b", "a")).IdempotencyKey);
    }

    private static StudyEvent Example(string type) => type switch
    {
        "participant-joined" => Joined("alice", inviteCode: "CLASS-A", resumeCodeHash: "0f3a"),
        "question-chosen" => Chose("alice", "abortion"),
        "interview-message-posted" => new InterviewMessagePosted("alice", "abortion", new InterviewMessage(5, InterviewRole.Participant, "Done", InterviewStage.Policies, InterviewIntent.Done))
        { StudyId = "test-study", OccurredAt = T0, Actor = "alice" },
        "card-draft-saved" => new CardDraftSaved("alice", "abortion", "Room to Decide", "She decides.", ["MOMENTS when she is torn", "SIGNS of pressure"])
        { StudyId = "test-study", OccurredAt = T0, Actor = "alice" },
        "value-membership-answered" => new ValueMembershipAnswered("alice", "c-alice", "v-1", StillMine: false)
        { StudyId = "test-study", OccurredAt = T0, Actor = "alice" },
        "vote-items-drawn" => Drawn("alice", 2, Item("a", "b", "abortion", "in-distress"), Item("b", "c", "abortion", "making-decisions")),
        "survey-answered" => new SurveyAnswered("alice", new Dictionary<string, int> { ["values-expressed"] = 5, ["trust-process"] = 2 })
        { StudyId = "test-study", OccurredAt = T0, Actor = "alice" },
        "canonical-value-defined" => ValueDefined("seed-abortion-room", "abortion"),
        "study-defined" => Defined(Study() with
        {
            QuestionAssignment = QuestionAssignment.Balanced,
            Capacity = 40,
            InviteCodes = [new InviteCode("CLASS-A", 20), new InviteCode("open")],
            SeedValues = [new SeedValue("q", "Room to Decide", "She decides.", ["MOMENTS when she is torn"])],
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static void AssertSameContent(StudyEvent original, StudyEvent back)
    {
        switch ((original, back))
        {
            case (ParticipantJoined a, ParticipantJoined b):
                Assert.Equal(a, b);
                break;
            case (QuestionChosen a, QuestionChosen b):
                Assert.Equal(a, b);
                break;
            case (InterviewMessagePosted a, InterviewMessagePosted b):
                Assert.Equal(a, b);
                break;
            case (CardDraftSaved a, CardDraftSaved b):
                Assert.Equal((a.ParticipantId, a.QuestionId, a.Title, a.Description), (b.ParticipantId, b.QuestionId, b.Title, b.Description));
                Assert.Equal(a.Policies, b.Policies);
                break;
            case (ValueMembershipAnswered a, ValueMembershipAnswered b):
                Assert.Equal(a, b);
                break;
            case (VoteItemsDrawn a, VoteItemsDrawn b):
                Assert.Equal((a.ParticipantId, a.Round), (b.ParticipantId, b.Round));
                Assert.Equal(a.Items, b.Items);
                break;
            case (SurveyAnswered a, SurveyAnswered b):
                Assert.Equal(a.ParticipantId, b.ParticipantId);
                Assert.Equal(a.Answers.OrderBy(p => p.Key), b.Answers.OrderBy(p => p.Key));
                break;
            case (CanonicalValueDefined a, CanonicalValueDefined b):
                Assert.Equal("abortion", b.QuestionId);
                Assert.Equal((a.Value.Id, a.Value.Title, a.Value.Description), (b.Value.Id, b.Value.Title, b.Value.Description));
                Assert.Equal(a.Value.Policies, b.Value.Policies);
                break;
            case (StudyDefined a, StudyDefined b):
                Assert.Equal((QuestionAssignment.Balanced, 40), (b.Study.QuestionAssignment, b.Study.Capacity));
                Assert.Equal(a.Study.InviteCodes, b.Study.InviteCodes);
                var seed = Assert.Single(b.Study.SeedValues);
                Assert.Equal(("q", "Room to Decide", "She decides.", "seed-q-room-to-decide"), (seed.QuestionId, seed.Title, seed.Description, seed.ValueId));
                Assert.Equal(a.Study.SeedValues[0].Policies, seed.Policies);
                break;
            default:
                Assert.Fail($"No content check for {original.GetType().Name}.");
                break;
        }
    }
}
