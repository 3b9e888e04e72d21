using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Voting;

public class VoteColumnsTests
{
    [Fact]
    public void Appending_interns_ids_and_writes_one_row_per_vote()
    {
        var columns = new VoteColumns();
        columns.Append(Vote("p1", "a", "b", Verdict.Wiser, minute: 1));
        columns.Append(Vote("p2", "b", "a", Verdict.Unsure, context: "d", minute: 2));

        var frozen = columns.Freeze();
        Assert.Equal(2, frozen.Count);
        Assert.Equal(["a", "b"], frozen.ValueIds.ToArray());
        Assert.Equal(["p1", "p2"], frozen.ParticipantIds.ToArray());
        Assert.Equal([new ContextRef("q", "c"), new ContextRef("q", "d")], frozen.Contexts.ToArray());
        Assert.Equal([0, 1], frozen.FromValue.ToArray());
        Assert.Equal([1, 0], frozen.ToValue.ToArray());
        Assert.Equal([Verdict.Wiser, Verdict.Unsure], frozen.Verdict.ToArray());
        Assert.Equal(T0.AddMinutes(2).UtcTicks, frozen.CastAtTicks[1]);
    }

    [Fact]
    public void A_row_reads_back_as_the_vote_without_its_comment_and_story()
    {
        var columns = new VoteColumns();
        var vote = Vote("p1", "a", "b", Verdict.NotWiser, minute: 3) with { Comment = "because", Story = "A story." };
        columns.Append(vote);

        Assert.Equal(vote with { Comment = null, Story = null }, columns.Freeze().Vote(0));
    }

    [Fact]
    public void The_latest_vote_per_item_counts_ties_go_to_the_later_append_and_items_keep_their_first_place()
    {
        var columns = new VoteColumns();
        columns.Append(Vote("p1", "a", "b", Verdict.Wiser, minute: 5, id: "1"));
        columns.Append(Vote("p2", "a", "b", Verdict.Wiser, minute: 1, id: "2"));
        columns.Append(Vote("p1", "a", "b", Verdict.NotWiser, minute: 4, id: "3"));
        columns.Append(Vote("p2", "a", "b", Verdict.Unsure, minute: 1, id: "4"));
        columns.Append(Vote("p1", "a", "b", Verdict.Unsure, minute: 5, id: "5"));

        var frozen = columns.Freeze();
        Assert.Equal(["5", "4"], frozen.EffectiveRows().Select(row => frozen.VoteId(row)));
        Assert.Equal(2, columns.EffectiveCount);
    }

    [Fact]
    public void A_replayed_vote_id_is_not_a_row()
    {
        var columns = new VoteColumns();

        Assert.True(columns.Append(Vote("p1", "a", "b", id: "v")));
        Assert.False(columns.Append(Vote("p2", "b", "c", Verdict.NotWiser, id: "v")));
        Assert.Equal(1, columns.Count);
        Assert.Equal(["a", "b"], columns.Freeze().ValueIds.ToArray());
        Assert.True(columns.HasVoted(new VoteKey("p1", "a", "b", new ContextRef("q", "c"))));
        Assert.False(columns.HasVoted(new VoteKey("p2", "b", "c", new ContextRef("q", "c"))));
    }

    [Theory]
    [InlineData("ümlaut-ß-✓-😀")]
    [InlineData("half a pair \uD800")]
    [InlineData("\uDC00 the other half")]
    public void A_vote_id_reads_back_exactly_and_names_one_vote(string id)
    {
        var columns = new VoteColumns();

        Assert.True(columns.Append(Vote("p1", "a", "b", id: id)));
        Assert.False(columns.Append(Vote("p2", "b", "a", id: id)));
        Assert.Equal(id, columns.Freeze().VoteId(0));
    }

    [Fact]
    public void Ids_that_differ_only_in_an_unpaired_surrogate_are_two_votes()
    {
        // UTF-8 would turn both into "x\uFFFD".
        var columns = new VoteColumns();

        Assert.True(columns.Append(Vote("p1", "a", "b", id: "x\uD800")));
        Assert.True(columns.Append(Vote("p1", "a", "b", id: "x\uD801")));
        Assert.Equal(["x\uD800", "x\uD801"], Enumerable.Range(0, 2).Select(columns.Freeze().VoteId));
    }

    [Fact]
    public void A_frozen_view_stays_as_it_was_while_appends_grow_the_columns()
    {
        var columns = new VoteColumns();
        for (var i = 0; i < 100; i++)
        {
            columns.Append(Vote($"p{i % 7}", $"v{i % 13}", $"v{(i + 1) % 13}", (Verdict)(i % 3), minute: i, id: $"first-{i}"));
        }

        var frozen = columns.Freeze();
        var (from, verdicts, effective, valueIds) = (frozen.FromValue.ToArray(), frozen.Verdict.ToArray(), frozen.EffectiveRows(), frozen.ValueIds.ToArray());
        for (var i = 0; i < 5_000; i++)
        {
            // New values, participants and changed minds on the frozen items: none of it may show in the view.
            columns.Append(Vote($"p{i % 7}", $"v{i % 13}", $"v{(i + 1) % 13}", Verdict.Unsure, minute: 10_000 + i, id: $"later-{i}"));
            columns.Append(Vote($"new-{i}", $"w{i}", "v0", Verdict.Wiser, minute: 10_000 + i, id: $"new-{i}"));
        }

        Assert.Equal(100, frozen.Count);
        Assert.Equal(from, frozen.FromValue.ToArray());
        Assert.Equal(verdicts, frozen.Verdict.ToArray());
        Assert.Equal(effective, frozen.EffectiveRows());
        Assert.Equal(valueIds, frozen.ValueIds.ToArray());
        Assert.Equal(10_100, columns.Freeze().Count);
    }

    [Fact]
    public async Task Readers_freeze_and_read_on_other_threads_while_one_writer_appends()
    {
        var columns = new VoteColumns();
        const int Votes = 200_000;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < Votes; i++)
            {
                // Every 10th vote changes an earlier answer; every 50th is a replay of the previous id.
                var id = i % 50 == 49 ? $"v{i - 1}" : $"v{i}";
                var item = i % 10 == 9 ? i / 10 : i;
                columns.Append(Vote($"p{item % 997}", $"a{item % 5_003}", $"b{item % 4_001}", (Verdict)(i % 3), minute: i, id: id));
            }
        });

        var checks = 0;
        while (!writer.IsCompleted || checks == 0)
        {
            var frozen = columns.Freeze();
            var (from, to, participants, keys, ids) = (frozen.FromValue.ToArray(), frozen.ToValue.ToArray(), frozen.Participant.ToArray(), frozen.Key.ToArray(), Enumerable.Range(0, frozen.Count).Select(frozen.VoteId).ToArray());
            Assert.All(from.Concat(to), v => Assert.InRange(v, 0, frozen.ValueIds.Length - 1));
            Assert.All(participants, p => Assert.InRange(p, 0, frozen.ParticipantIds.Length - 1));
            Assert.All(keys, k => Assert.InRange(k, 0, frozen.KeyCount - 1));
            Assert.Equal(ids.Length, ids.Distinct().Count());
            Assert.All(frozen.EffectiveRows(), row => Assert.InRange(row, 0, frozen.Count - 1));
            checks++;
        }

        await writer;
        var all = columns.Freeze();
        Assert.Equal(Votes - (Votes / 50), all.Count);
        Assert.Equal(columns.EffectiveCount, all.EffectiveRows().Length);
    }
}
