using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;

namespace MoralGraph.Web.Tests.Participation;

public sealed class ModelStoryDrawTests : IDisposable
{
    private static readonly ContextRef Comforting = new(JourneyStore.QuestionId, JourneyStore.ContextId);
    private readonly JourneyStore _store = new();

    [Fact]
    public async Task The_draw_shows_a_model_story_with_its_provenance_where_one_was_written_and_the_template_elsewhere()
    {
        await _store.WithStudyAsync(JourneyStore.Study(StudyPhase.Voting));
        var values = (await _store.StateAsync()).ToSnapshot().Values.ToDictionary(v => v.Title, v => v.Id);
        var (presence, practical) = (values["Presence over advice"], values["Practical help"]);
        var provenance = new ModelProvenance("transition-stories", "0123456789abcdef", "llama3.1", 0.3, _store.Time.GetUtcNow());
        // Both directions, as the generator writes them: whichever the draw picks has its model story.
        await _store.Log.AppendAllAsync(
        [
            new TransitionStoryWritten(Comforting, practical, presence, "I used to bring her meals and fix things. One evening she only wanted me to sit with her.", provenance)
                { StudyId = JourneyStore.Slug, OccurredAt = provenance.At, Actor = "model" },
            new TransitionStoryWritten(Comforting, presence, practical, "I used to just sit with her. Then I saw the unpaid bills piling up on her table.", provenance)
                { StudyId = JourneyStore.Slug, OccurredAt = provenance.At, Actor = "model" },
        ]);
        var participant = (await _store.Service.JoinAsync(JourneyStore.Slug, null)).ParticipantId;

        var items = await _store.Service.PendingItemsAsync(JourneyStore.Slug, participant);

        Assert.Equal(3, items.Count);
        var modelItem = Assert.Single(items, i => new[] { i.FromValueId, i.ToValueId }.Order(StringComparer.Ordinal).SequenceEqual(new[] { presence, practical }.Order(StringComparer.Ordinal)));
        var expected = (await _store.StateAsync()).Assistance.StoryFor(Comforting, modelItem.FromValueId, modelItem.ToValueId)!;
        Assert.Equal((expected.Story, provenance), (modelItem.Story, modelItem.StoryProvenance));
        foreach (var templated in items.Where(i => i != modelItem))
        {
            Assert.Null(templated.StoryProvenance);
            Assert.StartsWith("When comforting someone, I used to look mainly at ", templated.Story, StringComparison.Ordinal);
        }

        // What was shown is what was stored, provenance included.
        Assert.Equal(provenance, Assert.Single(await _store.EventsAsync<VoteItemsDrawn>()).Items.Single(i => i.ItemId == modelItem.ItemId).StoryProvenance);
    }

    public void Dispose() => _store.Dispose();
}
