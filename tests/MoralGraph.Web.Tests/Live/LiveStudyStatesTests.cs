using MoralGraph.Core.Events;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Tests.Live;

public sealed class LiveStudyStatesTests
{
    [Fact]
    public async Task Events_appended_after_the_first_read_are_applied_without_reading_the_log_again()
    {
        using var live = new LiveStore();
        var script = await live.WithStudyAsync();
        Assert.Equal(0, await ParticipantsAsync(live, script));

        await live.Log.AppendAsync(script.Join("p1"));
        await live.Log.AppendAsync(script.Join("p2"));

        var (count, through) = await live.States.ReadAsync(script.Slug, (state, through) => (state.Participation.ActiveCount, through));
        Assert.Equal(2, count);
        Assert.Equal((await live.Log.ReadStudyAsync(script.Slug))[^1].Sequence, through);
    }

    [Fact]
    public async Task A_study_that_fell_behind_its_feed_is_read_again_from_the_log()
    {
        using var live = new LiveStore(feedCapacity: 4);
        var script = await live.WithStudyAsync();
        await ParticipantsAsync(live, script);

        for (var i = 0; i < 20; i++)
        {
            await live.Log.AppendAsync(script.Join($"p{i}"));
        }

        Assert.Equal(20, await ParticipantsAsync(live, script));
    }

    [Fact]
    public async Task An_event_published_out_of_log_order_makes_the_log_decide()
    {
        using var live = new LiveStore();
        var script = await live.WithStudyAsync();
        await ParticipantsAsync(live, script);

        // Written around the notifying log, then announced late and in the wrong order.
        var card = await live.Store.AppendAsync(script.Card("p1", "card-1", "Quiet presence"));
        var hidden = await live.Store.AppendAsync(script.Hide("card-1"));
        live.Broadcaster.Publish(new EventRecorded(hidden));
        live.Broadcaster.Publish(new EventRecorded(card));

        var isHidden = await live.States.ReadAsync(script.Slug, (state, _) => state.HiddenCards.ContainsKey("card-1"));
        Assert.True(isHidden);
    }

    [Fact]
    public async Task A_study_not_in_the_store_reads_as_null()
    {
        using var live = new LiveStore();

        Assert.Null(await live.States.ReadAsync("nowhere", (state, _) => state.Study));
    }

    [Fact]
    public async Task A_study_nobody_reads_is_forgotten_and_read_afresh_later()
    {
        using var live = new LiveStore();
        var script = await live.WithStudyAsync();
        var other = await live.WithStudyAsync(new StudyScript("other"));
        await ParticipantsAsync(live, script);

        live.Time.Advance(live.SessionOptions.Value.IdleStudyEviction + TimeSpan.FromSeconds(1));
        await live.Log.AppendAsync(script.Join("p1"));
        await ParticipantsAsync(live, other);

        Assert.Equal(1, live.States.CachedCount);
        Assert.Equal(0, live.Broadcaster.SubscriberCount(script.Slug));
        Assert.Equal(1, await ParticipantsAsync(live, script));
    }

    [Fact]
    public async Task The_cached_state_matches_a_replay_of_the_log_after_a_busy_session()
    {
        using var live = new LiveStore(feedCapacity: 16);
        var script = await live.WithStudyAsync();
        await ParticipantsAsync(live, script);

        await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            await live.Log.AppendAsync(script.Join($"p{i}"));
            await live.Log.AppendAsync(script.Choose($"p{i}"));
            if (i % 3 == 0)
            {
                await ParticipantsAsync(live, script);
            }
        }));

        var cached = await live.States.ReadAsync(script.Slug, (state, _) => state.Participation.All.Select(p => (p.Id, p.QuestionId)).OrderBy(p => p.Id).ToList()) ?? [];
        var replayed = StudyState.Replay((await live.Log.ReadStudyAsync(script.Slug)).Select(e => e.Event))
            .Participation.All.Select(p => (p.Id, p.QuestionId)).OrderBy(p => p.Id).ToList();
        Assert.Equal(replayed, cached);
        Assert.All(cached, p => Assert.NotNull(p.QuestionId));
    }

    private static Task<int> ParticipantsAsync(LiveStore live, StudyScript script) =>
        live.States.ReadAsync(script.Slug, (state, _) => state.Participation.ActiveCount);
}
