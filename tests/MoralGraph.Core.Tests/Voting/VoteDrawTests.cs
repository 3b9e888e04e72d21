using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Voting;

public class VoteDrawTests
{
    [Fact]
    public void No_item_asks_a_participant_about_moving_to_their_own_value()
    {
        var state = StateWith(Joined("alice"), Submitted("c-alice", "alice"), Submitted("c-bob", "bob"), Submitted("c-carol", "carol"), Submitted("c-dave", "dave"));

        var items = Draw(state, "alice", 10);

        Assert.Equal(6, items.Count);
        Assert.DoesNotContain(items, i => i.To == "c-alice");
        // Every pair with their value is still asked, from their value.
        Assert.Equal(3, items.Count(i => i.From == "c-alice"));
    }

    [Fact]
    public void A_value_their_card_was_merged_into_counts_as_their_own()
    {
        var state = StateWith(
            Joined("alice"), Submitted("c-alice", "alice"), Submitted("c-bob", "bob"), Submitted("c-carol", "carol"), Submitted("c-dave", "dave"),
            new ValuesMerged("c-alice", "c-bob", "dedup") { StudyId = "test-study", OccurredAt = T0.AddMinutes(5), Actor = StudyState.DeduplicationActor });

        var items = Draw(state, "alice", 10);

        Assert.Equal(3, items.Count);
        Assert.DoesNotContain(items, i => i.To == "c-bob" || i.From == "c-alice" || i.To == "c-alice");
        Assert.Equal(2, items.Count(i => i.From == "c-bob"));
    }

    [Fact]
    public void Items_already_answered_or_already_drawn_for_the_participant_are_not_drawn_again()
    {
        // The other directions carry more votes, so only the rule, not the balancing, keeps x→y and y→z out.
        var state = StateWith(
        [
            Joined("alice"), Submitted("x", "ann"), Submitted("y", "ben"), Submitted("z", "cas"),
            Answered("alice", Item("x", "y")),
            Drawn("alice", 0, Item("y", "z")),
            .. Votes(3, "y", "x", prefix: "v").Select(Cast),
            .. Votes(3, "z", "y", prefix: "w").Select(Cast),
        ]);

        var items = Draw(state, "alice", 10);

        Assert.DoesNotContain(("x", "y"), items.Select(i => (i.From, i.To)));
        Assert.DoesNotContain(("y", "z"), items.Select(i => (i.From, i.To)));
        Assert.Contains(("y", "x"), items.Select(i => (i.From, i.To)));
        Assert.Contains(("z", "y"), items.Select(i => (i.From, i.To)));
    }

    [Fact]
    public void An_item_answered_before_a_merge_is_not_asked_again_under_the_merged_value()
    {
        var state = StateWith(
            Joined("alice"), Submitted("x", "ann"), Submitted("y", "ben"), Submitted("y2", "cas"),
            Answered("alice", Item("x", "y2")),
            new ValuesMerged("y2", "y", "dedup") { StudyId = "test-study", OccurredAt = T0.AddMinutes(5), Actor = StudyState.DeduplicationActor });

        var items = Draw(state, "alice", 10);

        Assert.DoesNotContain(("x", "y"), items.Select(i => (i.From, i.To)));
        Assert.Contains(("y", "x"), items.Select(i => (i.From, i.To)));
    }

    [Fact]
    public void The_next_participant_is_given_the_other_direction_of_each_pair_the_first_one_holds()
    {
        var state = StateWith(Joined("alice"), Joined("bob"), Submitted("x", "ann"), Submitted("y", "ben"), Submitted("z", "cas"));
        var alice = Draw(state, "alice", 3);
        state.Apply(Drawn("alice", 0, [.. alice.Select(i => Item(i.From, i.To))]));

        var bob = Draw(state, "bob", 3);

        Assert.Equal(3, alice.Count);
        Assert.Equal(alice.Select(i => (i.To, i.From)).Order(), bob.Select(i => (i.From, i.To)).Order());
    }

    [Fact]
    public void Under_voted_items_are_drawn_first()
    {
        string[] values = ["w", "x", "y", "z"];
        (string From, string To)[] unvoted = [("y", "z"), ("x", "w")];
        var voted = values.SelectMany(a => values.Where(b => b != a).Select(b => (From: a, To: b))).Except(unvoted).ToList();
        var state = StateWith(
        [
            Joined("alice"), .. values.Select(v => Submitted(v, $"author-{v}")),
            .. voted.SelectMany(item => Votes(2, item.From, item.To, prefix: "voter")).Select(Cast),
        ]);

        var items = Draw(state, "alice", 2);

        Assert.Equal(unvoted.Order(), items.Select(i => (i.From, i.To)).Order());
    }

    [Fact]
    public void Items_drawn_for_someone_else_and_not_yet_answered_count_as_load()
    {
        var state = StateWith(
            Joined("alice"), Joined("bob"), Submitted("x", "ann"), Submitted("y", "ben"), Submitted("z", "cas"),
            Drawn("bob", 0, Item("x", "y"), Item("y", "x"), Item("y", "z"), Item("z", "y"), Item("z", "x")));

        var item = Assert.Single(Draw(state, "alice", 1));

        Assert.Equal(("x", "z"), (item.From, item.To));
    }

    [Fact]
    public void A_pair_is_asked_once_per_draw_whatever_the_direction_or_context()
    {
        var state = StudyState.Replay([Defined(Study(("q", ["c1", "c2"]))), Joined("alice"), Submitted("x", "ann"), Submitted("y", "ben"), Submitted("z", "cas")]);

        var items = Draw(state, "alice", 10);

        Assert.Equal(3, items.Count);
        Assert.Equal(3, items.Select(i => string.CompareOrdinal(i.From, i.To) < 0 ? (i.From, i.To) : (i.To, i.From)).Distinct().Count());
    }

    [Fact]
    public void Values_of_participants_who_withdrew_are_not_drawn()
    {
        var state = StateWith(Joined("alice"), Submitted("c-bob", "bob"), Submitted("c-carol", "carol"), Submitted("c-dave", "dave"), Submitted("c-erin", "erin"), Withdrew("carol"));

        var items = Draw(state, "alice", 10);

        Assert.Equal(3, items.Count);
        Assert.DoesNotContain(items, i => i.From == "c-carol" || i.To == "c-carol");
    }

    [Fact]
    public void Only_values_of_the_question_and_values_for_any_question_are_drawn()
    {
        var state = StudyState.Replay(
        [
            Defined(Study(("q1", ["c"]), ("q2", ["c"]))), Joined("alice"),
            Submitted("c-ann", "ann", "q1"), Submitted("c-ben", "ben", "q1"), Submitted("c-cas", "cas", "q2"),
            ValueDefined("shared", question: null), ValueDefined("seed-q2", "q2"),
        ]);

        var candidates = VoteDraw.Choose(state, "alice", ["q1"], 10);

        Assert.Equal(3, candidates.Count);
        Assert.Equal(["c-ann", "c-ben", "shared"], candidates.SelectMany(c => new[] { c.From.Id, c.To.Id }).Distinct().Order());
        Assert.All(candidates, c => Assert.Equal("q1", c.Context.QuestionId));
        Assert.All(candidates, c => Assert.Equal("When c", c.ContextText.Text));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 3)]
    public void A_small_pool_gives_fewer_items_without_failing(int values, int expected)
    {
        var state = StateWith([Joined("alice"), .. Enumerable.Range(0, values).Select(i => Submitted($"v{i}", $"author-{i}"))]);

        Assert.Equal(expected, Draw(state, "alice", 4).Count);
    }

    [Fact]
    public void A_question_the_study_does_not_have_gives_nothing()
    {
        var state = StateWith(Joined("alice"), Submitted("x", "ann"), Submitted("y", "ben"));

        Assert.Empty(VoteDraw.Choose(state, "alice", ["no-such-question"], 4));
    }

    [Fact]
    public void The_draw_size_is_respected_when_the_pool_is_large()
    {
        var state = StateWith([Joined("alice"), .. Enumerable.Range(0, 6).Select(i => Submitted($"v{i}", $"author-{i}"))]);

        Assert.Equal(4, Draw(state, "alice", 4).Count);
    }

    [Fact]
    public void The_same_state_gives_the_same_participant_the_same_items_and_others_a_different_order()
    {
        StudyEvent[] events = [.. Enumerable.Range(0, 5).Select(i => Submitted($"v{i}", $"author-{i}"))];

        var first = Draw(StateWith(events), "alice", 4);
        var again = Draw(StateWith(events), "alice", 4);
        var firstItems = Enumerable.Range(0, 10).Select(i => Draw(StateWith(events), $"p{i}", 1).Single()).Distinct().Count();

        Assert.Equal(first, again);
        Assert.True(firstItems > 1, "Ten participants with the same loads were all given the same first item.");
    }

    [Fact]
    public void A_study_that_was_never_defined_cannot_be_drawn_from()
    {
        Assert.Throws<InvalidOperationException>(() => VoteDraw.Choose(new StudyState(), "alice", ["q"], 4));
    }

    private static StudyState StateWith(params StudyEvent[] events) => StudyState.Replay([Defined(Study()), .. events]);

    private static List<(string From, string To, string Context)> Draw(StudyState state, string participant, int size) =>
        [.. VoteDraw.Choose(state, participant, ["q"], size).Select(c => (c.From.Id, c.To.Id, c.Context.ContextId))];
}
