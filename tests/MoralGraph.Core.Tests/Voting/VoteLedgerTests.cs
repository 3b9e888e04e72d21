using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Voting;

public class VoteLedgerTests
{
    [Fact]
    public void The_latest_vote_on_the_same_item_counts_and_earlier_ones_stay_in_history()
    {
        var ledger = new VoteLedger();
        ledger.Append(Vote("p1", "a", "b", Verdict.Wiser, minute: 1));
        ledger.Append(Vote("p1", "a", "b", Verdict.NotWiser, minute: 2));

        var effective = Assert.Single(ledger.EffectiveVotes());
        Assert.Equal(Verdict.NotWiser, effective.Verdict);
        Assert.Equal(2, ledger.History.Count);
    }

    [Fact]
    public void A_late_arriving_older_vote_does_not_override_a_newer_one()
    {
        var ledger = new VoteLedger();
        ledger.Append(Vote("p1", "a", "b", Verdict.NotWiser, minute: 5));
        ledger.Append(Vote("p1", "a", "b", Verdict.Wiser, minute: 1));

        Assert.Equal(Verdict.NotWiser, Assert.Single(ledger.EffectiveVotes()).Verdict);
    }

    [Fact]
    public void The_context_is_part_of_the_key_so_one_person_can_judge_a_pair_differently_in_two_contexts()
    {
        var ledger = new VoteLedger();
        ledger.Append(Vote("p1", "a", "b", Verdict.Wiser, context: "distress"));
        ledger.Append(Vote("p1", "a", "b", Verdict.NotWiser, context: "decisions"));

        Assert.Equal(2, ledger.EffectiveCount);
    }

    [Fact]
    public void A_replayed_submission_is_one_vote()
    {
        var ledger = new VoteLedger();
        var vote = Vote("p1", "a", "b", id: "vote-1");

        Assert.True(ledger.Append(vote));
        Assert.False(ledger.Append(vote with { Verdict = Verdict.NotWiser }));
        Assert.Single(ledger.History);
        Assert.Equal(Verdict.Wiser, ledger.EffectiveVotes()[0].Verdict);
    }

    [Fact]
    public void Different_participants_and_directions_are_different_items()
    {
        var ledger = new VoteLedger();
        ledger.Append(Vote("p1", "a", "b"));
        ledger.Append(Vote("p2", "a", "b"));
        ledger.Append(Vote("p1", "b", "a"));

        Assert.Equal(3, ledger.EffectiveCount);
        Assert.True(ledger.HasVoted(new VoteKey("p1", "b", "a", new ContextRef("q", "c"))));
    }
}
