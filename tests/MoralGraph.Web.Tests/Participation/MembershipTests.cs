using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>"Is this still your value?" after deduplication grouped a participant's card with another value.</summary>
public sealed class MembershipTests : IDisposable
{
    private const string PresenceValue = "seed-grief-presence-over-advice";

    private readonly JourneyStore _store = new();

    [Fact]
    public async Task No_gives_the_card_a_value_of_its_own_again()
    {
        var (participant, cardId) = await MergedCardAsync();

        await _store.Service.AnswerMembershipAsync(JourneyStore.Slug, participant, stillMine: false);

        var state = await _store.StateAsync();
        var ownValue = state.ValueOfCard(cardId);
        Assert.NotEqual(PresenceValue, ownValue);
        var values = state.ToSnapshot().Values.ToDictionary(v => v.Id);
        Assert.Equal([cardId], values[ownValue!].Members.Select(m => m.CardId));
        Assert.Equal(JourneyStore.ValidCard.Title, values[ownValue!].Title);
        Assert.DoesNotContain(values[PresenceValue].Members, m => m.CardId == cardId);
        Assert.False(Assert.Single(await _store.EventsAsync<ValueMembershipAnswered>()).StillMine);
    }

    [Fact]
    public async Task Yes_keeps_the_card_in_the_merged_value()
    {
        var (participant, cardId) = await MergedCardAsync();

        await _store.Service.AnswerMembershipAsync(JourneyStore.Slug, participant, stillMine: true);

        var state = await _store.StateAsync();
        Assert.Equal(PresenceValue, state.ValueOfCard(cardId));
        Assert.True(state.Participation.Find(participant)!.MembershipAnswers[PresenceValue]);
        Assert.Empty(await _store.EventsAsync<CardSplit>());
    }

    [Fact]
    public async Task Answering_no_again_does_not_split_the_card_a_second_time_nor_lose_the_votes_on_its_value()
    {
        var (participant, cardId) = await MergedCardAsync();
        await _store.Service.AnswerMembershipAsync(JourneyStore.Slug, participant, stillMine: false);
        var ownValue = (await _store.StateAsync()).ValueOfCard(cardId)!;
        var vote = new WiserThanVote("p-other:i0", "p-other", PresenceValue, ownValue, new ContextRef(JourneyStore.QuestionId, JourneyStore.ContextId),
            Verdict.Wiser, null, null, _store.Time.GetUtcNow());
        await _store.Log.AppendAsync(new VoteCast(vote) { StudyId = JourneyStore.Slug, OccurredAt = _store.Time.GetUtcNow(), Actor = "p-other" });

        // A retried request, or the question still open in a second tab.
        await _store.Service.AnswerMembershipAsync(JourneyStore.Slug, participant, stillMine: false);

        var state = await _store.StateAsync();
        Assert.Equal(ownValue, state.ValueOfCard(cardId));
        Assert.Single(await _store.EventsAsync<CardSplit>());
        Assert.Equal([vote.VoteId], state.ToSnapshot().Votes.Select(v => v.VoteId));
    }

    [Fact]
    public async Task A_card_that_was_never_merged_is_not_asked_about()
    {
        await _store.WithStudyAsync(JourneyStore.Study());
        var (participant, cardId) = await _store.WithCardAsync();
        var before = (await _store.EventsAsync()).Count;

        await _store.Service.AnswerMembershipAsync(JourneyStore.Slug, participant, stillMine: false);

        Assert.Equal(before, (await _store.EventsAsync()).Count);
        Assert.Equal(cardId, (await _store.StateAsync()).ValueOfCard(cardId));
    }

    public void Dispose() => _store.Dispose();

    private async Task<(string Participant, string CardId)> MergedCardAsync()
    {
        await _store.WithStudyAsync(JourneyStore.Study());
        var (participant, cardId) = await _store.WithCardAsync();
        await _store.Log.AppendAsync(new ValuesMerged(cardId, PresenceValue, "Same value in other words.")
        {
            StudyId = JourneyStore.Slug, OccurredAt = _store.Time.GetUtcNow(), Actor = StudyState.DeduplicationActor,
        });
        Assert.Equal(PresenceValue, (await _store.StateAsync()).ValueOfCard(cardId));
        return (participant, cardId);
    }
}
