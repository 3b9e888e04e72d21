using MoralGraph.Core.Events;
using MoralGraph.Core.Participation;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Tests.Live;

public sealed class StudyDashboardTests : IAsyncLifetime, IDisposable
{
    private readonly LiveStore _live = new();
    private readonly StudyScript _script = new();
    private LiveReconciliation _reconciliation = null!;
    private StudyDashboards _dashboards = null!;

    public async Task InitializeAsync()
    {
        await _live.WithStudyAsync(_script);
        _reconciliation = _live.Reconciliation();
        _dashboards = _live.Dashboards(_reconciliation);
        await _reconciliation.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _reconciliation.StopAsync(CancellationToken.None);
    }

    public void Dispose() => _live.Dispose();

    [Fact]
    public async Task The_funnel_counts_each_active_participant_at_their_step_and_through_the_steps_before()
    {
        await ScriptedSessionAsync();

        var dashboard = await BuildAsync();

        Assert.Equal(8, dashboard.Overview.Joined);
        Assert.Equal(1, dashboard.Overview.Withdrawn);
        Assert.Equal(
            [
                (JourneyStep.Consent, 0, 7), (JourneyStep.Question, 1, 7), (JourneyStep.Interview, 1, 6), (JourneyStep.Card, 1, 5),
                (JourneyStep.Voting, 2, 4), (JourneyStep.Survey, 1, 2), (JourneyStep.Done, 1, 1),
            ],
            dashboard.Funnel.Select(s => (s.Step, s.At, s.Reached)));
    }

    [Fact]
    public async Task Votes_per_context_count_the_votes_that_count()
    {
        await ScriptedSessionAsync();

        var dashboard = await BuildAsync();

        Assert.Equal(
            [
                (StudyScript.GriefComforting, 3, 3, 2, 1, 0), (StudyScript.GriefDeciding, 2, 1, 1, 0, 1), (StudyScript.WorkFeedback, 0, 0, 0, 0, 0),
            ],
            dashboard.Overview.VotesPerContext.Select(c => (c.Context, c.Votes, c.Voters, c.Wiser, c.NotWiser, c.Unsure)));
        Assert.Equal("When helping someone decide", dashboard.Overview.VotesPerContext[1].ContextText);
        Assert.Equal(5, dashboard.Overview.TotalVotes);
    }

    [Fact]
    public async Task Cards_arrive_newest_first_with_hidden_and_flagged_marks()
    {
        await ScriptedSessionAsync();
        await AppendAsync(_script.Hide("card-p5"), _script.Flag("card-p6"));

        var cards = (await BuildAsync()).Overview.Cards;

        Assert.Equal(["card-p7", "card-p6", "card-p5", "card-p4"], cards.Select(c => c.CardId));
        Assert.Equal("off topic", cards[2].HiddenReason);
        Assert.True(cards[1].IsFlagged);
        Assert.False(cards[0].IsHidden || cards[0].IsFlagged);
    }

    [Fact]
    public async Task Pending_merge_proposals_are_listed_with_both_titles()
    {
        await ScriptedSessionAsync();
        await AppendAsync(_script.Propose("card-p4", _script.Value(0)));

        var merge = Assert.Single((await BuildAsync()).Overview.PendingMerges);

        Assert.Equal(("Card of p4", "Presence over advice"), (merge.FromTitle, merge.IntoTitle));
    }

    [Fact]
    public async Task The_chosen_context_shows_its_graph_and_ranking_from_the_latest_reconciliation()
    {
        await ScriptedSessionAsync();
        using var results = _live.Broadcaster.Subscribe(_script.Slug, n => n is ReconciliationUpdated);
        _reconciliation.Request(_script.Slug);
        await results.NextAsync<ReconciliationUpdated>();

        var dashboard = await BuildAsync(StudyScript.GriefComforting);

        var graph = Assert.IsType<ContextGraphView>(dashboard.Graph);
        Assert.Equal(StudyScript.GriefComforting, dashboard.Selected);
        Assert.Equal("When comforting someone", graph.ContextText);
        Assert.Equal("Practical help", graph.Nodes[0].Title);
        Assert.Equal(1, graph.Nodes[0].Rank);
        Assert.NotNull(graph.Nodes[0].WinShare);
        var edge = Assert.Single(graph.Edges, e => e.SourceValueId == _script.Value(0) && e.WiserValueId == _script.Value(1));
        Assert.Equal((2, 1), (edge.Counts.MarkedWiser, edge.Counts.MarkedNotWiser));
        Assert.Equal(5, dashboard.Reconciliation!.VoteCount);
        Assert.Null((await BuildAsync(StudyScript.WorkFeedback)).Graph);
    }

    [Fact]
    public async Task Participants_online_come_from_presence_and_someone_still_on_the_consent_page_is_counted_apart()
    {
        _live.Presence.Report("c1", _script.Slug, "p1", JourneyStep.Voting);
        _live.Presence.Report("c2", _script.Slug, null, JourneyStep.Consent);

        var dashboard = await BuildAsync();

        Assert.Equal(1, dashboard.ParticipantsOnline);
        Assert.Equal(1, dashboard.OnConsentPage);
        Assert.Equal(1, dashboard.Funnel.Single(s => s.Step == JourneyStep.Voting).Online);
    }

    [Fact]
    public async Task A_watching_console_is_told_about_each_change_until_it_unsubscribes()
    {
        var changes = 0;
        var subscription = _dashboards.Subscribe(_script.Slug, () =>
        {
            Interlocked.Increment(ref changes);
            return Task.CompletedTask;
        });

        await AppendAsync(_script.Join("p1"));
        await FeedReading.EventuallyAsync(() => Volatile.Read(ref changes) >= 1, "a refresh after a join");
        _live.Presence.Report("c1", _script.Slug, "p1", JourneyStep.Question);
        await FeedReading.EventuallyAsync(() => Volatile.Read(ref changes) >= 2, "a refresh after presence");

        subscription.Dispose();
        Assert.Equal(0, _dashboards.WatcherCount(_script.Slug));
        Assert.Equal(0, _live.Broadcaster.SubscriberCount(_script.Slug));
    }

    [Fact]
    public async Task The_dashboard_state_of_a_console_follows_the_study_and_its_chosen_context()
    {
        using var state = new StudyDashboardState(_dashboards, _reconciliation);
        var renders = 0;

        await state.StartAsync(_script.Slug, () =>
        {
            Interlocked.Increment(ref renders);
            return Task.CompletedTask;
        });
        Assert.Equal(0, state.Current!.Overview.Joined);

        await AppendAsync(_script.Join("p1"));
        await FeedReading.EventuallyAsync(() => state.Current.Overview.Joined == 1 && Volatile.Read(ref renders) >= 1, "the join on the dashboard");

        await state.SelectAsync(StudyScript.WorkFeedback);
        Assert.Equal(StudyScript.WorkFeedback, state.Current.Selected);
    }

    [Fact]
    public async Task A_study_not_in_the_store_has_no_dashboard()
    {
        Assert.Null(await _dashboards.BuildAsync("nowhere"));
    }

    /// <summary>
    /// Eight participants: p1 has not chosen a question; p2 is being interviewed; p3 reviews their card; p4 confirmed a
    /// card and has no draw yet; p5 answered one of two items; p6 answered both; p7 took the survey; p8 withdrew.
    /// </summary>
    private async Task ScriptedSessionAsync()
    {
        var (a, b, c) = (_script.Value(0), _script.Value(1), _script.Value(2));
        var events = new List<StudyEvent>();
        for (var i = 1; i <= 8; i++)
        {
            events.Add(_script.Join($"p{i}"));
        }

        events.AddRange([_script.Choose("p2"), _script.Choose("p3"), _script.ReachReview("p3")]);
        foreach (var p in new[] { "p4", "p5", "p6", "p7", "p8" })
        {
            events.AddRange([_script.Choose(p), _script.Card(p, $"card-{p}", $"Card of {p}")]);
        }

        var (drawn5, items5) = _script.Draw("p5", (a, b, StudyScript.GriefComforting), (a, c, StudyScript.GriefDeciding));
        var (drawn6, items6) = _script.Draw("p6", (a, b, StudyScript.GriefComforting), (b, c, StudyScript.GriefDeciding));
        var (drawn7, items7) = _script.Draw("p7", (a, b, StudyScript.GriefComforting));
        var (drawn8, items8) = _script.Draw("p8", (a, b, StudyScript.GriefComforting));
        events.AddRange([drawn5, drawn6, drawn7, drawn8]);
        events.Add(_script.Vote("p5", items5[0], Verdict.Wiser));
        events.Add(_script.Vote("p6", items6[0], Verdict.Wiser));
        events.Add(_script.Vote("p6", items6[1], Verdict.Wiser));

        // p7 changed their mind: the later vote is the one that counts.
        events.Add(_script.Vote("p7", items7[0], Verdict.Wiser, voteId: "p7-first"));
        events.Add(_script.Vote("p7", items7[0], Verdict.NotWiser, voteId: "p7-second"));
        events.Add(_script.Survey("p7"));
        events.Add(_script.Vote("p8", items8[0], Verdict.Wiser));
        events.Add(_script.Withdraw("p8"));

        // An unsure vote in the second context from p6, on a pair not drawn for them, still counts there.
        events.Add(_script.Vote("p6", a, c, StudyScript.GriefDeciding, Verdict.Unsure));
        await AppendAsync([.. events]);
    }

    private async Task AppendAsync(params StudyEvent[] events)
    {
        foreach (var studyEvent in events)
        {
            await _live.Log.AppendAsync(studyEvent);
        }
    }

    private async Task<StudyDashboard> BuildAsync(ContextRef? context = null) =>
        await _dashboards.BuildAsync(_script.Slug, context) ?? throw new InvalidOperationException("No dashboard.");
}
