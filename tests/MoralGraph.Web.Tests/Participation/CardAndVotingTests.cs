using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Participation;

namespace MoralGraph.Web.Tests.Participation;

public sealed class CardAndVotingTests : IDisposable
{
    private readonly JourneyStore _store = new();

    [Fact]
    public async Task Confirming_the_card_twice_at_once_stores_one_card()
    {
        await _store.WithStudyAsync(JourneyStore.Study());
        var participant = await _store.InterviewedAsync();

        var results = await Task.WhenAll(
            Task.Run(() => _store.Service.ConfirmCardAsync(JourneyStore.Slug, participant, JourneyStore.ValidCard)),
            Task.Run(() => _store.Service.ConfirmCardAsync(JourneyStore.Slug, participant, JourneyStore.ValidCard)));
        var again = await _store.Service.ConfirmCardAsync(JourneyStore.Slug, participant, JourneyStore.ValidCard);

        Assert.All(results.Append(again), r => Assert.True(r.IsValid));
        var card = Assert.Single(await _store.EventsAsync<CardSubmitted>());
        Assert.Equal((participant, JourneyStore.ValidCard.Title), (card.ParticipantId, card.Title));
        Assert.Equal(card.CardId, (await _store.StateAsync()).Participation.Find(participant)!.CardId);
    }

    [Fact]
    public async Task An_invalid_card_is_not_stored_and_every_problem_comes_back()
    {
        await _store.WithStudyAsync(JourneyStore.Study());
        var participant = await _store.InterviewedAsync();
        var before = (await _store.EventsAsync()).Count;

        var result = await _store.Service.ConfirmCardAsync(JourneyStore.Slug, participant,
            JourneyStore.ValidCard with { Title = "Care", Policies = ["moments when she cries", JourneyStore.ValidCard.Policies[1]] });

        Assert.False(result.IsValid);
        Assert.Equal(["title", "policies", "policies[0]"], result.Problems.Select(p => p.Field));
        Assert.Equal(before, (await _store.EventsAsync()).Count);
        Assert.Null((await _store.StateAsync()).Participation.Find(participant)!.CardId);
    }

    [Fact]
    public async Task The_confirmed_card_is_stored_trimmed()
    {
        await _store.WithStudyAsync(JourneyStore.Study());
        var participant = await _store.InterviewedAsync();

        await _store.Service.ConfirmCardAsync(JourneyStore.Slug, participant,
            new CardDraft("  Care   before options ", JourneyStore.ValidCard.Description + "  ", [.. JourneyStore.ValidCard.Policies.Select(p => " " + p + " ")]));

        var card = Assert.Single(await _store.EventsAsync<CardSubmitted>());
        Assert.Equal(JourneyStore.ValidCard, new CardDraft(card.Title, card.Description, card.Policies), CardDraftComparer.Instance);
    }

    [Fact]
    public async Task An_edited_draft_is_saved_once_and_the_same_draft_again_stores_nothing()
    {
        await _store.WithStudyAsync(JourneyStore.Study());
        var participant = await _store.InterviewedAsync();
        var edited = JourneyStore.ValidCard with { Title = "Calm before options" };

        await _store.Service.SaveDraftAsync(JourneyStore.Slug, participant, edited);
        await _store.Service.SaveDraftAsync(JourneyStore.Slug, participant, edited);

        var drafts = await _store.EventsAsync<CardDraftSaved>();
        Assert.Equal(2, drafts.Count); // the interview's draft, then the edit
        Assert.Equal("Calm before options", (await _store.StateAsync()).Participation.Find(participant)!.Draft!.Title);
    }

    [Fact]
    public async Task The_draw_is_stored_and_a_reload_shows_the_same_items()
    {
        await _store.WithStudyAsync(JourneyStore.Study(StudyPhase.Voting));
        var participant = (await _store.Service.JoinAsync(JourneyStore.Slug, null)).ParticipantId;

        var first = await _store.Service.PendingItemsAsync(JourneyStore.Slug, participant);
        var second = await _store.Service.PendingItemsAsync(JourneyStore.Slug, participant);

        Assert.Equal(3, first.Count);
        Assert.Equal(first, second);
        Assert.Equal(first, Assert.Single(await _store.EventsAsync<VoteItemsDrawn>()).Items);
        Assert.Equal(3, first.Select(i => (Pair: string.Join("|", new[] { i.FromValueId, i.ToValueId }.Order(StringComparer.Ordinal)), i.Context)).Distinct().Count());
    }

    [Fact]
    public async Task Each_item_tells_the_story_of_moving_from_value_a_to_value_b_in_its_context()
    {
        await _store.WithStudyAsync(JourneyStore.Study(StudyPhase.Voting));
        var participant = (await _store.Service.JoinAsync(JourneyStore.Slug, null)).ParticipantId;

        var item = (await _store.Service.PendingItemsAsync(JourneyStore.Slug, participant))[0];

        var values = (await _store.StateAsync()).ToSnapshot().Values.ToDictionary(v => v.Id);
        var (from, to) = (values[item.FromValueId], values[item.ToValueId]);
        // First person, the change of attention in plain words: what A attends to before, what B attends to after.
        Assert.StartsWith($"When comforting someone, I used to look mainly at {Phrase(from.Policies[0])}", item.Story, StringComparison.Ordinal);
        Assert.Contains($"Over time, my attention shifted: now I look at {Phrase(to.Policies[0])}", item.Story, StringComparison.Ordinal);
        Assert.EndsWith(".", item.Story, StringComparison.Ordinal);
        Assert.DoesNotContain("Story.", item.Story, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Voting_on_the_same_item_twice_at_once_stores_one_vote()
    {
        await _store.WithStudyAsync(JourneyStore.Study(StudyPhase.Voting));
        var participant = (await _store.Service.JoinAsync(JourneyStore.Slug, null)).ParticipantId;
        var item = (await _store.Service.PendingItemsAsync(JourneyStore.Slug, participant))[0];

        await Task.WhenAll(
            Task.Run(() => _store.Service.VoteAsync(JourneyStore.Slug, participant, item.ItemId, Verdict.Wiser, " She needed calm. ")),
            Task.Run(() => _store.Service.VoteAsync(JourneyStore.Slug, participant, item.ItemId, Verdict.Wiser, " She needed calm. ")));

        var vote = Assert.Single(await _store.EventsAsync<VoteCast>()).Vote;
        Assert.Equal((participant, item.FromValueId, item.ToValueId, Verdict.Wiser, "She needed calm.", item.Story),
            (vote.ParticipantId, vote.FromValueId, vote.ToValueId, vote.Verdict, vote.Comment, vote.Story));
        Assert.DoesNotContain(item, await _store.Service.PendingItemsAsync(JourneyStore.Slug, participant));
    }

    [Fact]
    public async Task A_second_different_answer_to_the_same_item_is_refused_and_the_first_stands()
    {
        await _store.WithStudyAsync(JourneyStore.Study(StudyPhase.Voting));
        var participant = (await _store.Service.JoinAsync(JourneyStore.Slug, null)).ParticipantId;
        var item = (await _store.Service.PendingItemsAsync(JourneyStore.Slug, participant))[0];
        await _store.Service.VoteAsync(JourneyStore.Slug, participant, item.ItemId, Verdict.Wiser, null);

        var refused = await Assert.ThrowsAsync<JourneyRefusedException>(() => _store.Service.VoteAsync(JourneyStore.Slug, participant, item.ItemId, Verdict.NotWiser, null));

        Assert.Equal("Refused.ChangedElsewhere", refused.MessageKey);
        Assert.Equal(Verdict.Wiser, Assert.Single(await _store.EventsAsync<VoteCast>()).Vote.Verdict);
    }

    [Fact]
    public async Task A_vote_on_an_item_not_drawn_for_the_participant_or_with_a_too_long_why_is_refused()
    {
        await _store.WithStudyAsync(JourneyStore.Study(StudyPhase.Voting));
        var participant = (await _store.Service.JoinAsync(JourneyStore.Slug, null)).ParticipantId;
        var item = (await _store.Service.PendingItemsAsync(JourneyStore.Slug, participant))[0];
        var other = (await _store.Service.JoinAsync(JourneyStore.Slug, null)).ParticipantId;

        await AssertRefusedAsync("Refused.UnknownItem", () => _store.Service.VoteAsync(JourneyStore.Slug, other, item.ItemId, Verdict.Wiser, null));
        await AssertRefusedAsync("Refused.UnknownItem", () => _store.Service.VoteAsync(JourneyStore.Slug, participant, "i99", Verdict.Wiser, null));
        await AssertRefusedAsync("Refused.CommentTooLong",
            () => _store.Service.VoteAsync(JourneyStore.Slug, participant, item.ItemId, Verdict.Wiser, new string('w', ParticipationService.MaxCommentLength + 1)));

        await _store.Service.VoteAsync(JourneyStore.Slug, participant, item.ItemId, Verdict.Wiser, new string('w', ParticipationService.MaxCommentLength));
        Assert.Single(await _store.EventsAsync<VoteCast>());
    }

    [Fact]
    public async Task The_survey_is_stored_once_and_invalid_answers_are_refused()
    {
        await _store.WithStudyAsync(JourneyStore.Study(StudyPhase.Voting));
        var participant = (await _store.Service.JoinAsync(JourneyStore.Slug, null)).ParticipantId;

        await AssertRefusedAsync("Refused.SurveyInvalid", () => _store.Service.AnswerSurveyAsync(JourneyStore.Slug, participant, new Dictionary<string, int> { ["trust-process"] = 6 }));
        await AssertRefusedAsync("Refused.SurveyInvalid", () => _store.Service.AnswerSurveyAsync(JourneyStore.Slug, participant, new Dictionary<string, int> { ["favourite-colour"] = 3 }));

        var answers = new Dictionary<string, int> { ["trust-process"] = 4, ["take-part-again"] = 5 };
        await _store.Service.AnswerSurveyAsync(JourneyStore.Slug, participant, answers);
        await _store.Service.AnswerSurveyAsync(JourneyStore.Slug, participant, answers);

        Assert.Equal(answers, Assert.Single(await _store.EventsAsync<SurveyAnswered>()).Answers);
    }

    public void Dispose() => _store.Dispose();

    private async Task AssertRefusedAsync(string refusal, Func<Task> act)
    {
        var before = (await _store.EventsAsync()).Count;

        var refused = await Assert.ThrowsAsync<JourneyRefusedException>(act);

        Assert.Equal(refusal, refused.MessageKey);
        Assert.Equal(before, (await _store.EventsAsync()).Count);
    }

    // The seeded policies start with one capitalized word ("MOMENTS when…"), which reads in lower case inside a sentence.
    private static string Phrase(string policy) => policy.Split(' ', 2) is [var first, var rest] ? $"{first.ToLowerInvariant()} {rest}" : policy;
}
