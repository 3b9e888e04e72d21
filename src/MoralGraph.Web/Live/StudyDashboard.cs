using MoralGraph.Core.Events;
using MoralGraph.Core.Legitimacy;
using MoralGraph.Core.Participation;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;

namespace MoralGraph.Web.Live;

/// <summary>What the facilitators' live dashboard shows for one study, built by <see cref="StudyDashboards"/>.</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Title">Its title.</param>
/// <param name="Phase">Its phase.</param>
/// <param name="ThroughSequence">The last event of the log it includes.</param>
/// <param name="Overview">Participation, cards, votes and merge proposals, from the log.</param>
/// <param name="Presence">Who is online now.</param>
/// <param name="Reconciliation">The latest background reconciliation, or null before the first one.</param>
/// <param name="ReconciliationStatus">Whether changes are waiting to be reconciled.</param>
/// <param name="Selected">The question and context <paramref name="Graph"/> is for, or null when the study has no context.</param>
/// <param name="Graph">The moral graph of <paramref name="Selected"/> from the latest reconciliation, or null when no one has voted in it yet.</param>
public sealed record StudyDashboard(
    string StudyId, string Title, StudyPhase Phase, long ThroughSequence, StudyOverview Overview, StudyPresence Presence,
    LiveReconciliationResult? Reconciliation, LiveReconciliationStatus ReconciliationStatus, ContextRef? Selected, ContextGraphView? Graph)
{
    /// <summary>
    /// Participants online now: people past the consent page (they have joined). Someone still reading the consent page
    /// is not taking part yet, and is counted apart (<see cref="OnConsentPage"/>).
    /// </summary>
    public int ParticipantsOnline => Presence.Online - OnConsentPage;

    /// <summary>People on the study's consent page now, not joined (yet).</summary>
    public int OnConsentPage => Presence.On(JourneyStep.Consent);

    /// <summary>True when votes or cards have arrived that the shown reconciliation does not include yet.</summary>
    public bool IsReconciliationBehind => ReconciliationStatus.PendingChanges > 0 || ReconciliationStatus.IsRunning || Reconciliation is null;

    /// <summary>The funnel, with how many people online are on each step.</summary>
    public IReadOnlyList<FunnelStep> Funnel => [.. Overview.Funnel.Select(s => s with { Online = Presence.On(s.Step) })];
}

/// <summary>One step of the participant funnel.</summary>
/// <param name="Step">The step.</param>
/// <param name="At">Participants (joined, not withdrawn) whose journey is at this step now.</param>
/// <param name="Reached">Participants at this step or past it.</param>
/// <param name="Online">People online on this step's page now.</param>
public sealed record FunnelStep(JourneyStep Step, int At, int Reached, int Online = 0);

/// <summary>A card as the dashboard lists it (withdrawn authors' cards left out, hidden ones marked).</summary>
/// <param name="CardId">The card.</param>
/// <param name="ParticipantId">Its pseudonymous author.</param>
/// <param name="QuestionId">The question it answers.</param>
/// <param name="Title">Its title, as corrected if a facilitator edited it.</param>
/// <param name="Description">Its description.</param>
/// <param name="Policies">Its attentional policies.</param>
/// <param name="ValueId">The canonical value it belongs to now.</param>
/// <param name="SubmittedAt">When its author confirmed it.</param>
/// <param name="HiddenReason">Why it is hidden, or null when it is in play.</param>
/// <param name="FlagReason">Why it is flagged, or null.</param>
/// <param name="IsEdited">True when a facilitator corrected it (the original is kept).</param>
public sealed record DashboardCard(
    string CardId, string ParticipantId, string QuestionId, string Title, string Description, IReadOnlyList<string> Policies, string ValueId,
    DateTimeOffset SubmittedAt, string? HiddenReason, string? FlagReason, bool IsEdited)
{
    /// <summary>True when a facilitator hid it.</summary>
    public bool IsHidden => HiddenReason is not null;

    /// <summary>True when it is flagged for attention.</summary>
    public bool IsFlagged => FlagReason is not null;
}

/// <summary>Votes that count in one question and context.</summary>
/// <param name="Context">The question and context.</param>
/// <param name="QuestionTitle">The question's title.</param>
/// <param name="ContextText">The context as participants read it.</param>
/// <param name="Votes">Votes that count (a changed mind counts once; withdrawn participants' and hidden values' are left out).</param>
/// <param name="Voters">Distinct participants among them.</param>
/// <param name="Wiser">"Wiser" answers.</param>
/// <param name="NotWiser">"Not wiser" answers.</param>
/// <param name="Unsure">"Not sure" answers.</param>
public sealed record ContextVotes(ContextRef Context, string QuestionTitle, string ContextText, int Votes, int Voters, int Wiser, int NotWiser, int Unsure);

/// <summary>A merge proposal waiting for a facilitator, with both values' titles.</summary>
/// <param name="Proposal">The proposal.</param>
/// <param name="FromTitle">Title of the value that would join the other.</param>
/// <param name="IntoTitle">Title of the value it would join.</param>
public sealed record PendingMerge(MergeProposal Proposal, string FromTitle, string IntoTitle);

/// <summary>The part of the dashboard read from the study's events, shared by everyone watching it until the next event.</summary>
/// <param name="ThroughSequence">The last event included.</param>
/// <param name="Joined">Participants who joined, withdrawn ones included.</param>
/// <param name="Withdrawn">Participants who withdrew.</param>
/// <param name="Funnel">Active participants per journey step, every step listed in order.</param>
/// <param name="Cards">Cards, newest first.</param>
/// <param name="VotesPerContext">Every context of every question, in the study's order, with its votes.</param>
/// <param name="PendingMerges">Merge proposals waiting for a decision, oldest first.</param>
/// <param name="ValueTitles">The title of every current canonical value.</param>
public sealed record StudyOverview(
    long ThroughSequence, int Joined, int Withdrawn, IReadOnlyList<FunnelStep> Funnel, IReadOnlyList<DashboardCard> Cards,
    IReadOnlyList<ContextVotes> VotesPerContext, IReadOnlyList<PendingMerge> PendingMerges, IReadOnlyDictionary<string, string> ValueTitles)
{
    /// <summary>Votes that count, in every context.</summary>
    public int TotalVotes => VotesPerContext.Sum(c => c.Votes);

    /// <summary>The survey's agreement figures and the participants who did each step (issue 15); null until someone joins, and for an imported study.</summary>
    public LegitimacyReport? Legitimacy { get; init; }

    /// <summary>Reads the overview from a study's state.</summary>
    /// <param name="state">The state (its study defined).</param>
    /// <param name="throughSequence">The last event applied to it.</param>
    public static StudyOverview From(StudyState state, long throughSequence)
    {
        ArgumentNullException.ThrowIfNull(state);
        var study = state.Study ?? throw new ArgumentException("The study has not been defined.", nameof(state));
        var snapshot = state.ToSnapshot();
        var titles = snapshot.Values.ToDictionary(v => v.Id, v => v.Title, StringComparer.Ordinal);

        var atStep = new int[Enum.GetValues<JourneyStep>().Length];
        var joined = 0;
        var withdrawn = 0;
        foreach (var participant in state.Participation.All)
        {
            joined++;
            if (participant.Withdrawn)
            {
                withdrawn++;
                continue;
            }

            // The same rule as the participant's own page: an item whose value left the study is passed over.
            atStep[(int)Journey.CurrentStep(study, participant, item => titles.ContainsKey(item.FromValueId) && titles.ContainsKey(item.ToValueId))]++;
        }

        var funnel = new List<FunnelStep>(atStep.Length);
        var reached = joined - withdrawn;
        foreach (var step in Enum.GetValues<JourneyStep>())
        {
            funnel.Add(new FunnelStep(step, atStep[(int)step], reached));
            reached -= atStep[(int)step];
        }

        var cards = state.CardsForModeration()
            .Select(c => new DashboardCard(
                c.Card.CardId, c.Card.ParticipantId, c.Card.QuestionId, c.Card.Title, c.Card.Description, c.Card.Policies, c.ValueId, c.Card.OccurredAt,
                state.HiddenCards.GetValueOrDefault(c.Card.CardId), state.FlaggedCards.GetValueOrDefault(c.Card.CardId), state.OriginalOf(c.Card.CardId) is not null))
            .Reverse()
            .ToList();

        var votesByContext = snapshot.Votes.GroupBy(v => v.Context).ToDictionary(g => g.Key, g => g.ToList());
        var votesPerContext = new List<ContextVotes>();
        foreach (var question in study.Questions)
        {
            foreach (var context in question.Contexts)
            {
                var key = new ContextRef(question.Id, context.Id);
                var votes = votesByContext.GetValueOrDefault(key) ?? [];
                votesByContext.Remove(key);
                votesPerContext.Add(Tally(key, question.Title, context.Text, votes));
            }
        }

        // Votes in a context the study no longer defines (a redefinition dropped it) still show, after the rest.
        votesPerContext.AddRange(votesByContext.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal)
            .Select(p => Tally(p.Key, study.FindQuestion(p.Key.QuestionId)?.Title ?? p.Key.QuestionId, p.Key.ContextId, p.Value)));

        var merges = state.PendingMergeProposals()
            .Select(p => new PendingMerge(p, TitleOf(state.ResolveValue(p.FromValueId)), TitleOf(state.ResolveValue(p.IntoValueId))))
            .ToList();

        return new StudyOverview(throughSequence, joined, withdrawn, funnel, cards, votesPerContext, merges, titles) { Legitimacy = snapshot.Legitimacy };

        string TitleOf(string valueId) => titles.GetValueOrDefault(valueId, valueId);
    }

    private static ContextVotes Tally(ContextRef context, string questionTitle, string contextText, List<WiserThanVote> votes) => new(
        context, questionTitle, contextText, votes.Count, votes.Select(v => v.ParticipantId).Distinct(StringComparer.Ordinal).Count(),
        votes.Count(v => v.Verdict == Verdict.Wiser), votes.Count(v => v.Verdict == Verdict.NotWiser), votes.Count(v => v.Verdict == Verdict.Unsure));
}

/// <summary>The moral graph of one question and context, ready to draw: values with their rank and confidence, wiser-than edges with their votes.</summary>
/// <param name="Context">The question and context.</param>
/// <param name="ContextText">The context as participants read it.</param>
/// <param name="Nodes">Values, best first.</param>
/// <param name="Edges">Wiser-than edges with support.</param>
/// <param name="ParticipantCount">Distinct voters in this graph.</param>
/// <param name="Run">The reconciliation run it comes from.</param>
/// <param name="ComputedAt">When that run finished.</param>
public sealed record ContextGraphView(
    ContextRef Context, string ContextText, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges, int ParticipantCount, int Run, DateTimeOffset ComputedAt)
{
    /// <summary>The view of <paramref name="graph"/>, naming values by <paramref name="titles"/> (their id when untitled).</summary>
    public static ContextGraphView From(ContextGraph graph, IReadOnlyDictionary<string, string> titles, int run, DateTimeOffset computedAt)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(titles);
        var nodes = graph.Ranking
            .Select(v => new GraphNode(v.ValueId, titles.GetValueOrDefault(v.ValueId, v.ValueId), v.Rank, v.Score, v.WiserVotesReceived, v.WinShare, v.ScoreLow, v.ScoreHigh))
            .ToList();
        var edges = graph.Edges
            .Select(e => new GraphEdge(e.SourceValueId, e.WiserValueId, titles.GetValueOrDefault(e.SourceValueId, e.SourceValueId),
                titles.GetValueOrDefault(e.WiserValueId, e.WiserValueId), e.Counts, e.WiserLikelihood, e.InRanking, e.ContestedReason))
            .ToList();
        return new ContextGraphView(new ContextRef(graph.QuestionId ?? string.Empty, graph.ContextId ?? string.Empty), graph.ContextText ?? graph.ContextId ?? string.Empty,
            nodes, edges, graph.ParticipantCount, run, computedAt);
    }
}

/// <summary>A value in a context's ranking.</summary>
/// <param name="ValueId">The canonical value.</param>
/// <param name="Title">Its title.</param>
/// <param name="Rank">1 for the winner.</param>
/// <param name="Score">Its PageRank score (share of the whole study).</param>
/// <param name="WiserVotesReceived">"Wiser" votes it received as the wiser side.</param>
/// <param name="WinShare">Share of bootstrap resamples in which it ranked first, or null when not computed.</param>
/// <param name="ScoreLow">5th percentile of its score over resamples, or null.</param>
/// <param name="ScoreHigh">95th percentile of its score over resamples, or null.</param>
public sealed record GraphNode(string ValueId, string Title, int Rank, double Score, int WiserVotesReceived, double? WinShare, double? ScoreLow, double? ScoreHigh);

/// <summary>A wiser-than edge: people judged moving from the source value to the wiser one a gain in wisdom.</summary>
/// <param name="SourceValueId">The value moved from.</param>
/// <param name="WiserValueId">The value judged wiser.</param>
/// <param name="SourceTitle">The source value's title.</param>
/// <param name="WiserTitle">The wiser value's title.</param>
/// <param name="Counts">Its vote tallies.</param>
/// <param name="WiserLikelihood">(wiser − not wiser) / all answers on this direction.</param>
/// <param name="InRanking">True when it passed the profile's filter and feeds the ranking.</param>
/// <param name="ContestedReason">Why it is contested ("both-directions", "cycle"), or null.</param>
public sealed record GraphEdge(
    string SourceValueId, string WiserValueId, string SourceTitle, string WiserTitle, EdgeTallies Counts, double WiserLikelihood, bool InRanking, string? ContestedReason)
{
    /// <summary>True when both directions have support or the edge lies on a cycle.</summary>
    public bool IsContested => ContestedReason is not null;

    /// <summary>Answers on this direction (wiser, not wiser, not sure).</summary>
    public int Votes => Counts.MarkedWiser + Counts.MarkedNotWiser + Counts.MarkedUnsure;
}
