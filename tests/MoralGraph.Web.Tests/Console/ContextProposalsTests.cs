using MoralGraph.Core.Access;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.LanguageModels.Contexts;
using MoralGraph.Web.Console;

namespace MoralGraph.Web.Tests.Console;

public sealed class ContextProposalsTests(ConsoleApp app) : IClassFixture<ConsoleApp>
{
    private static readonly ModelProvenance Model = new("contexts-question", "0123456789abcdef", "llama3.1", 0.3, new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    private ContextProposals Proposals => app.Get<ContextProposals>();

    [Fact]
    public async Task An_accepted_proposal_becomes_a_context_of_its_question_in_the_same_transaction()
    {
        var script = await app.StudyAsync("accepting");
        var facilitator = await app.UserAsync("fiona-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var proposalId = await ProposeAsync(script.Slug, "grief", "When the user is unsure what she believes", "question");

        var contextId = await Proposals.DecideAsync(facilitator, script.Slug, proposalId, accept: true);

        Assert.Equal("when-the-user-is-unsure-what-she-believes", contextId);
        var stored = (await app.Log.ReadStudyAsync(script.Slug)).SkipWhile(r => r.Event is not ContextProposalDecided).ToList();
        Assert.Equal((proposalId, true), stored[0].Event is ContextProposalDecided d ? (d.ProposalId, d.Accepted) : default);
        var defined = Assert.IsType<StudyDefined>(stored[1].Event);
        Assert.Equal(stored[0].Sequence + 1, stored[1].Sequence);
        Assert.All(stored, r => Assert.Equal("fiona-facilitator", r.Event.Actor));
        var grief = defined.Study.FindQuestion("grief")!;
        Assert.Equal(["When comforting someone", "When helping someone decide", "When the user is unsure what she believes"], grief.Contexts.Select(c => c.Text));
        Assert.Equal(["feedback"], defined.Study.FindQuestion("work")!.Contexts.Select(c => c.Id));
        Assert.Equal(MoralGraph.Core.Studies.StudyPhase.Interviewing, defined.Study.Phase);
        var view = (await Proposals.ViewAsync(facilitator, script.Slug))!;
        Assert.Empty(view.Pending);
    }

    [Fact]
    public async Task A_rejected_proposal_is_recorded_and_does_not_become_a_context()
    {
        var script = await app.StudyAsync("rejecting");
        var facilitator = await app.UserAsync("fiona-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var proposalId = await ProposeAsync(script.Slug, "grief", "When the user has already decided", "transcript:p-1");

        Assert.Null(await Proposals.DecideAsync(facilitator, script.Slug, proposalId, accept: false));

        var events = await app.EventsAsync(script.Slug);
        Assert.False(Assert.Single(events.OfType<ContextProposalDecided>()).Accepted);
        Assert.Single(events.OfType<StudyDefined>());
        Assert.Equal(2, events.OfType<StudyDefined>().Single().Study.FindQuestion("grief")!.Contexts.Count);
        await Assert.ThrowsAsync<ModerationRefusedException>(() => Proposals.DecideAsync(facilitator, script.Slug, proposalId, accept: true));
    }

    [Fact]
    public async Task Pending_proposals_list_with_their_question_source_and_model_and_without_a_model_nothing_can_be_started()
    {
        var script = await app.StudyAsync("listing");
        var facilitator = await app.UserAsync("fiona-facilitator", FacilitatorRole.Facilitator, script.Slug);
        await ProposeAsync(script.Slug, "work", "When the user manages the colleague", "transcript:p-9");

        var view = (await Proposals.ViewAsync(facilitator, script.Slug))!;

        var pending = Assert.Single(view.Pending);
        Assert.Equal(("Work", "When the user manages the colleague", "transcript:p-9", "llama3.1"), (pending.QuestionTitle, pending.Text, pending.Source, pending.ModelId));
        Assert.False(view.CanUseModel);
        Assert.Empty(view.Jobs);
        await Assert.ThrowsAsync<ModerationRefusedException>(() => Proposals.ProposeContextsAsync(facilitator, script.Slug));
        await Assert.ThrowsAsync<ModerationRefusedException>(() => Proposals.WriteStoriesAsync(facilitator, script.Slug));
    }

    [Fact]
    public async Task An_observer_may_read_proposals_but_not_decide_them()
    {
        var script = await app.StudyAsync("observing-proposals");
        var observer = await app.UserAsync("oscar-observer", FacilitatorRole.Observer, script.Slug);
        var proposalId = await ProposeAsync(script.Slug, "grief", "When the user is far away", "question");
        var stored = (await app.Log.ReadStudyAsync(script.Slug)).Count;

        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Proposals.DecideAsync(observer, script.Slug, proposalId, accept: true));

        Assert.Equal(stored, (await app.Log.ReadStudyAsync(script.Slug)).Count);
        Assert.Single((await Proposals.ViewAsync(observer, script.Slug))!.Pending);
    }

    [Fact]
    public async Task Accepting_a_context_the_question_already_has_records_the_decision_without_a_second_context()
    {
        var script = await app.StudyAsync("already-there");
        var facilitator = await app.UserAsync("fiona-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var proposalId = await ProposeAsync(script.Slug, "grief", "when comforting someone.", "question");

        Assert.Null(await Proposals.DecideAsync(facilitator, script.Slug, proposalId, accept: true));

        var events = await app.EventsAsync(script.Slug);
        Assert.True(Assert.Single(events.OfType<ContextProposalDecided>()).Accepted);
        Assert.Single(events.OfType<StudyDefined>());
    }

    private async Task<string> ProposeAsync(string slug, string questionId, string text, string source)
    {
        var proposalId = ContextText.ProposalIdFor(questionId, text);
        await app.AppendAsync(new ContextProposed(proposalId, questionId, text, source) { Provenance = Model, StudyId = slug, OccurredAt = Model.At, Actor = "model" });
        return proposalId;
    }
}
