using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Events;

public class ModerationTests
{
    private static T By<T>(T studyEvent, string actor = "facilitator:ana", int minute = 30)
        where T : StudyEvent => studyEvent with { StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = actor };

    [Fact]
    public void A_hidden_card_leaves_the_graph_the_votes_on_it_and_the_voting_draw_until_restored()
    {
        var events = new List<StudyEvent>
        {
            Defined(Study()), Joined("alice"), Submitted("a", "ann"), Submitted("b", "ben"), Submitted("c", "cas"),
            Cast(Vote("voter", "a", "b")),
            By(new CardHidden("b", "offensive") { StudyId = "", OccurredAt = default, Actor = "" }),
        };
        var state = StudyState.Replay(events);

        var snapshot = state.ToSnapshot();
        Assert.DoesNotContain(snapshot.Values, v => v.Id == "b");
        Assert.Empty(snapshot.Votes);
        Assert.DoesNotContain(state.CurrentCards(), c => c.Card.CardId == "b");
        Assert.Contains(state.CardsForModeration(), c => c.Card.CardId == "b");
        Assert.Equal("offensive", state.HiddenCards["b"]);
        Assert.DoesNotContain(VoteDraw.Choose(state, "alice", ["q"], 10), c => c.From.Id == "b" || c.To.Id == "b");

        state.Apply(By(new CardRestored("b", "reviewed") { StudyId = "", OccurredAt = default, Actor = "" }, minute: 40));
        Assert.Contains(state.ToSnapshot().Values, v => v.Id == "b");
        Assert.Single(state.ToSnapshot().Votes);
    }

    [Fact]
    public void An_edited_card_reads_as_edited_and_keeps_its_original()
    {
        var state = StudyState.Replay([
            Defined(Study()), Submitted("a", "ann"),
            By(new CardEdited("a", "Fixed title", "Fixed description.", ["MOMENTS when fixed"], "typo") { StudyId = "", OccurredAt = default, Actor = "" }),
        ]);

        var value = Assert.Single(state.ToSnapshot().Values);
        Assert.Equal("Fixed title", value.Title);
        Assert.Equal(["MOMENTS when fixed"], value.Policies);
        Assert.Equal("Value a", state.OriginalOf("a")!.Title);
        Assert.Equal("ann", value.Members.Single().ParticipantId);
    }

    [Fact]
    public void A_merge_proposal_waits_for_a_decision_and_disappears_once_decided_or_moot()
    {
        var proposal = MergeProposed.IdFor("b", "a");
        var state = StudyState.Replay([
            Defined(Study()), Submitted("a", "ann"), Submitted("b", "ben"), Submitted("c", "cas"),
            By(new MergeProposed(proposal, "b", "a", "same words") { StudyId = "", OccurredAt = default, Actor = "" }, actor: StudyState.DeduplicationActor),
            By(new MergeProposed(MergeProposed.IdFor("c", "a"), "c", "a", "close") { StudyId = "", OccurredAt = default, Actor = "" }, actor: StudyState.DeduplicationActor),
        ]);
        Assert.Equal(2, state.PendingMergeProposals().Count());
        Assert.Equal(3, state.ToSnapshot().Values.Count);

        state.Apply(By(new MergeProposalDecided(proposal, Accepted: true) { StudyId = "", OccurredAt = default, Actor = "" }));
        state.Apply(By(new ValuesMerged("b", "a", "accepted proposal") { StudyId = "", OccurredAt = default, Actor = "" }));
        state.Apply(By(new MergeProposalDecided(MergeProposed.IdFor("c", "a"), Accepted: false) { StudyId = "", OccurredAt = default, Actor = "" }));

        Assert.Empty(state.PendingMergeProposals());
        Assert.Equal(2, state.ToSnapshot().Values.Count);
        Assert.Equal("facilitator:ana", state.MergeProposals.First().DecidedBy);
        Assert.False(state.MergeProposals.Last().Accepted);
    }

    [Fact]
    public void Flags_are_kept_until_cleared_and_do_not_remove_the_card()
    {
        var state = StudyState.Replay([
            Defined(Study()), Submitted("a", "ann"),
            By(new CardFlagged("a", "possible personal data") { StudyId = "", OccurredAt = default, Actor = "" }),
        ]);
        Assert.Equal("possible personal data", state.FlaggedCards["a"]);
        Assert.Single(state.ToSnapshot().Values);

        state.Apply(By(new CardFlagCleared("a") { StudyId = "", OccurredAt = default, Actor = "" }));
        Assert.Empty(state.FlaggedCards);
    }

    [Fact]
    public void A_card_is_asked_about_a_value_it_was_merged_into_never_about_the_value_a_split_gave_it()
    {
        var state = StudyState.Replay([Defined(Study()), Submitted("a", "ann"), Submitted("b", "ben"), Submitted("c", "cas")]);
        Assert.Null(state.MergedValueOf("a"));

        state.Apply(By(new ValuesMerged("a", "b", "same") { StudyId = "", OccurredAt = default, Actor = "" }, actor: StudyState.DeduplicationActor));
        Assert.Equal("b", state.MergedValueOf("a"));

        state.Apply(By(new CardSplit("a", "a-own-1", "not mine") { StudyId = "", OccurredAt = default, Actor = "" }, actor: "ann"));
        Assert.Null(state.MergedValueOf("a"));

        state.Apply(By(new ValuesMerged("a-own-1", "c", "close") { StudyId = "", OccurredAt = default, Actor = "" }, actor: StudyState.DeduplicationActor));
        Assert.Equal("c", state.MergedValueOf("a"));
    }
}
