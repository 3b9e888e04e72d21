using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Events;

public class StudyStateTests
{
    private static readonly string[] Policies = ["MOMENTS when x", "CHOICES that y", "SIGNS of z"];

    private static List<StudyEvent> Base() =>
    [
        new StudyDefined(Study()) { StudyId = "test-study", OccurredAt = T0.AddMinutes(0), Actor = "test" },
        new CardSubmitted("c1", "alice", "q", "Value One", "One.", Policies) { StudyId = "test-study", OccurredAt = T0.AddMinutes(1), Actor = "test" },
        new CardSubmitted("c2", "bob", "q", "Value Two", "Two.", Policies) { StudyId = "test-study", OccurredAt = T0.AddMinutes(2), Actor = "test" },
        new CardSubmitted("c3", "carol", "q", "Value Three", "Three.", Policies) { StudyId = "test-study", OccurredAt = T0.AddMinutes(3), Actor = "test" },
        new VoteCast(Vote("alice", "c1", "c2")) { StudyId = "test-study", OccurredAt = T0.AddMinutes(4), Actor = "test" },
        new VoteCast(Vote("bob", "c2", "c3")) { StudyId = "test-study", OccurredAt = T0.AddMinutes(5), Actor = "test" },
        new VoteCast(Vote("carol", "c1", "c3")) { StudyId = "test-study", OccurredAt = T0.AddMinutes(6), Actor = "test" },
    ];

    [Fact]
    public void A_withdrawn_participant_leaves_no_card_and_no_vote_in_the_snapshot()
    {
        var snapshot = StudyState.Replay([.. Base(), new ParticipantWithdrew("bob") { StudyId = "test-study", OccurredAt = T0.AddMinutes(7), Actor = "test" }]).ToSnapshot();

        Assert.DoesNotContain(snapshot.Values, v => v.Id == "c2");
        Assert.DoesNotContain(snapshot.Votes, v => v.ParticipantId == "bob");
        // alice's vote named bob's value, which is gone with him.
        Assert.DoesNotContain(snapshot.Votes, v => v.FromValueId == "c2" || v.ToValueId == "c2");
        Assert.Equal(["carol"], snapshot.Votes.Select(v => v.ParticipantId));
    }

    [Fact]
    public void Merges_and_splits_are_events_and_keep_every_member_and_author()
    {
        var merged = StudyState.Replay([.. Base(), new ValuesMerged("c2", "c1", "dedup") { StudyId = "test-study", OccurredAt = T0.AddMinutes(7), Actor = "test" }]).ToSnapshot();
        var value = Assert.Single(merged.Values, v => v.Id == "c1");
        Assert.Equal(["alice", "bob"], value.Members.Select(m => m.ParticipantId));
        Assert.Equal("Value One", value.Title);
        Assert.DoesNotContain(merged.Values, v => v.Id == "c2");

        var split = StudyState.Replay([.. Base(), new ValuesMerged("c2", "c1", "dedup") { StudyId = "test-study", OccurredAt = T0.AddMinutes(7), Actor = "test" }, new CardSplit("c2", "c2-own", "not my value") { StudyId = "test-study", OccurredAt = T0.AddMinutes(8), Actor = "test" }]).ToSnapshot();
        Assert.Equal(["alice"], split.Values.Single(v => v.Id == "c1").Members.Select(m => m.ParticipantId));
        Assert.Equal("Value Two", split.Values.Single(v => v.Id == "c2-own").Title);
    }

    [Fact]
    public void Votes_follow_a_merged_value_and_a_vote_that_now_compares_a_value_with_itself_is_dropped()
    {
        var snapshot = StudyState.Replay([.. Base(), new ValuesMerged("c2", "c1", "dedup") { StudyId = "test-study", OccurredAt = T0.AddMinutes(7), Actor = "test" }]).ToSnapshot();

        // alice's c1→c2 is now c1→c1 and says nothing; bob's c2→c3 counts as c1→c3, next to carol's.
        Assert.Equal(["bob:c1→c3", "carol:c1→c3"], snapshot.Votes.Select(v => $"{v.ParticipantId}:{v.FromValueId}→{v.ToValueId}").Order());
    }

    [Fact]
    public void Two_votes_of_one_person_that_a_merge_makes_the_same_item_count_once_latest_first()
    {
        var events = Base().Concat<StudyEvent>(
        [
            new VoteCast(Vote("dave", "c1", "c3", Verdict.Wiser, minute: 10)) { StudyId = "test-study", OccurredAt = T0.AddMinutes(10), Actor = "test" },
            new VoteCast(Vote("dave", "c2", "c3", Verdict.NotWiser, minute: 11)) { StudyId = "test-study", OccurredAt = T0.AddMinutes(11), Actor = "test" },
            new ValuesMerged("c2", "c1", "dedup") { StudyId = "test-study", OccurredAt = T0.AddMinutes(12), Actor = "test" },
        ]);
        var dave = Assert.Single(StudyState.Replay(events).ToSnapshot().Votes, v => v.ParticipantId == "dave");

        Assert.Equal(Verdict.NotWiser, dave.Verdict);
    }

    [Fact]
    public void A_merge_into_an_unknown_value_is_ignored_and_loses_nothing()
    {
        var snapshot = StudyState.Replay([.. Base(), new ValuesMerged("c2", "nowhere", "typo") { StudyId = "test-study", OccurredAt = T0.AddMinutes(7), Actor = "test" }]).ToSnapshot();

        Assert.Contains(snapshot.Values, v => v.Id == "c2");
        Assert.Equal(3, snapshot.Votes.Count);
    }

    [Fact]
    public void A_new_definition_keeps_the_phase_and_phases_never_move_back()
    {
        var events = Base().Concat<StudyEvent>(
        [
            new PhaseChanged(MoralGraph.Core.Studies.StudyPhase.Closed) { StudyId = "test-study", OccurredAt = T0.AddMinutes(8), Actor = "owner" },
            new StudyDefined(Study()) { StudyId = "test-study", OccurredAt = T0.AddMinutes(9), Actor = "owner" },
            new PhaseChanged(MoralGraph.Core.Studies.StudyPhase.Interviewing) { StudyId = "test-study", OccurredAt = T0.AddMinutes(10), Actor = "owner" },
        ]);

        Assert.Equal(MoralGraph.Core.Studies.StudyPhase.Closed, StudyState.Replay(events).Study!.Phase);
    }

    [Fact]
    public void A_split_to_an_id_already_used_is_ignored_and_the_card_stays_where_it_was()
    {
        List<StudyEvent> events =
        [
            .. Base(),
            new ValuesMerged("c2", "c1", "dedup") { StudyId = "test-study", OccurredAt = T0.AddMinutes(7), Actor = "test" },
            new CardSplit("c2", "c2", "back to the old id") { StudyId = "test-study", OccurredAt = T0.AddMinutes(8), Actor = "test" },
            new CardSplit("c2", "c3", "onto another value") { StudyId = "test-study", OccurredAt = T0.AddMinutes(9), Actor = "test" },
        ];
        var snapshot = StudyState.Replay(events).ToSnapshot();

        Assert.Equal(["alice", "bob"], snapshot.Values.Single(v => v.Id == "c1").Members.Select(m => m.ParticipantId));
        Assert.Equal(["carol"], snapshot.Values.Single(v => v.Id == "c3").Members.Select(m => m.ParticipantId));
    }

    [Fact]
    public void An_imported_value_merged_into_another_brings_its_members()
    {
        static CanonicalValueDefined Imported(string id, string author) =>
            new(new MoralGraph.Core.Values.CanonicalValue(id, $"Value {id}", "D.", Policies, [new MoralGraph.Core.Values.ValueMember($"card-{id}", author)]))
            { StudyId = "test-study", OccurredAt = T0, Actor = "import" };

        List<StudyEvent> events =
        [
            new StudyDefined(Study()) { StudyId = "test-study", OccurredAt = T0, Actor = "test" },
            Imported("d1", "erin"),
            Imported("d2", "frank"),
            new ValuesMerged("d1", "d2", "same value") { StudyId = "test-study", OccurredAt = T0.AddMinutes(1), Actor = "facilitator" },
        ];
        var value = Assert.Single(StudyState.Replay(events).ToSnapshot().Values);

        Assert.Equal(["erin", "frank"], value.Members.Select(m => m.ParticipantId).Order());
    }

    [Fact]
    public void A_changed_vote_counts_once_with_its_latest_verdict()
    {
        var snapshot = StudyState.Replay([.. Base(), new VoteCast(Vote("alice", "c1", "c2", Verdict.NotWiser, minute: 9)) { StudyId = "test-study", OccurredAt = T0.AddMinutes(9), Actor = "test" }]).ToSnapshot();

        Assert.Equal(Verdict.NotWiser, snapshot.Votes.Single(v => v.ParticipantId == "alice").Verdict);
        Assert.Equal(3, snapshot.Votes.Count);
    }

    [Fact]
    public void Events_survive_a_round_trip_through_their_stored_json()
    {
        foreach (var studyEvent in Base())
        {
            var payload = EventHashChain.Serialize(studyEvent);
            var back = EventHashChain.Deserialize(payload);
            Assert.Equal(payload, EventHashChain.Serialize(back));
            Assert.Equal(studyEvent.GetType(), back.GetType());
        }
    }

    [Fact]
    public void A_card_belongs_to_the_value_it_was_merged_into()
    {
        var state = StudyState.Replay([.. Base(), new ValuesMerged("c2", "c1", "dedup") { StudyId = "test-study", OccurredAt = T0.AddMinutes(7), Actor = "test" }]);

        Assert.Equal("c1", state.ValueOfCard("c2"));
        Assert.Equal("c3", state.ValueOfCard("c3"));
        Assert.Null(state.ValueOfCard("nowhere"));
    }

    [Fact]
    public void Each_value_answers_the_questions_of_its_cards_and_the_one_it_was_defined_for()
    {
        var state = StudyState.Replay(
        [
            Defined(Study(("q1", ["c"]), ("q2", ["c"]))),
            Submitted("c1", "alice", "q1"), Submitted("c2", "bob", "q2"), Submitted("c3", "carol", "q2"),
            ValueDefined("shared", question: null), ValueDefined("seed", "q2"),
            new ValuesMerged("c2", "c1", "dedup") { StudyId = "test-study", OccurredAt = T0.AddMinutes(7), Actor = "test" },
            Withdrew("carol"),
        ]);

        var questions = state.QuestionsOfValues();

        Assert.Equal(["c1", "seed", "shared"], questions.Keys.Order());
        Assert.Equal(["q1", "q2"], questions["c1"].Order());
        Assert.Equal([null], questions["shared"]);
        Assert.Equal(["q2"], questions["seed"]);
    }
}
