using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>A participant's page gets the model translations of the values it shows, for the page's language only.</summary>
public sealed class ValueTranslationViewTests : IDisposable
{
    private readonly JourneyStore _store = new();

    [Fact]
    public async Task A_voter_reading_spanish_gets_the_spanish_translation_of_an_english_value_and_none_for_english()
    {
        var english = JourneyStore.Study(StudyPhase.Voting);
        await _store.WithStudyAsync(new Study(english.Slug, english.Title, english.Description, english.Questions, english.RedLines, ["en", "es"], StudyPhase.Voting, english.VoteDrawSize)
        {
            SeedValues = english.SeedValues,
        });
        var presence = (await _store.StateAsync()).ToSnapshot().Values.Single(v => v.Title == "Presence over advice");
        var provenance = new ModelProvenance("value-translation", "0123456789abcdef", "llama3.1", 0.2, _store.Time.GetUtcNow());
        await _store.Log.AppendAsync(new ValueTranslated(presence.Id, "es", "Presencia antes que consejo", "La IA la ayuda a estar presente.",
            ["MOMENTOS en que el silencio dice más que las palabras", "SEÑALES de que quiere hablar de él"], ValueTranslated.HashOf(presence.Title, presence.Description, presence.Policies), provenance)
        { StudyId = JourneyStore.Slug, OccurredAt = provenance.At, Actor = "model" });
        var participant = (await _store.Service.JoinAsync(JourneyStore.Slug, null, "es")).ParticipantId;
        await _store.Service.PendingItemsAsync(JourneyStore.Slug, participant);

        var view = (await _store.Service.ViewAsync(JourneyStore.Slug, participant))!;

        Assert.Contains(presence.Id, view.Values.Keys);
        Assert.Equal("Presencia antes que consejo", view.TranslationShown(presence.Id, "es")?.Title);
        Assert.Equal("Presencia antes que consejo", view.TranslationShown(presence.Id, "es-MX")?.Title);
        Assert.Null(view.TranslationShown(presence.Id, "en"));
        Assert.All(view.Values.Keys.Where(id => id != presence.Id), id => Assert.Null(view.TranslationShown(id, "es")));
    }

    [Fact]
    public async Task A_spanish_participant_whose_card_joined_an_english_value_sees_its_spanish_translation_on_my_value()
    {
        var english = JourneyStore.Study(StudyPhase.Voting);
        await _store.WithStudyAsync(new Study(english.Slug, english.Title, english.Description, english.Questions, english.RedLines, ["en", "es"], StudyPhase.Voting, english.VoteDrawSize));
        var at = _store.Time.GetUtcNow();
        StudyEvent[] Journey(string participant, string language, string title) =>
        [
            new ParticipantJoined(participant, $"hash-{participant}", MoralGraph.Web.Participation.ParticipationService.ConsentVersion, language, null) { StudyId = JourneyStore.Slug, OccurredAt = at, Actor = participant },
            new QuestionChosen(participant, JourneyStore.QuestionId) { StudyId = JourneyStore.Slug, OccurredAt = at, Actor = participant },
            new CardSubmitted($"card-{participant}", participant, JourneyStore.QuestionId, title, "Words.", ["MOMENTS when it matters"]) { StudyId = JourneyStore.Slug, OccurredAt = at, Actor = participant },
        ];
        var provenance = new ModelProvenance("value-translation", "0123456789abcdef", "llama3.1", 0.2, at);
        await _store.Log.AppendAllAsync(
        [
            .. Journey("ann", "en", "Quiet presence"), .. Journey("eva", "es", "Presencia callada"),
            new ValuesMerged("card-eva", "card-ann", "Same value.") { StudyId = JourneyStore.Slug, OccurredAt = at, Actor = "facilitator" },
            new ValueTranslated("card-ann", "es", "Presencia tranquila", "Palabras.", ["MOMENTOS en que importa"], ValueTranslated.HashOf("Quiet presence", "Words.", ["MOMENTS when it matters"]), provenance)
            { StudyId = JourneyStore.Slug, OccurredAt = at, Actor = "model" },
        ]);

        var eva = (await _store.Service.MyValueAsync(JourneyStore.Slug, "eva"))!;
        var ann = (await _store.Service.MyValueAsync(JourneyStore.Slug, "ann"))!;

        Assert.Equal(("card-ann", "en"), (eva.Value?.Id, eva.ValueLanguage));
        Assert.Equal("Presencia tranquila", eva.TranslationShown("es")?.Title);
        Assert.Null(eva.TranslationShown("en"));
        Assert.Null(ann.TranslationShown("en"));
    }

    public void Dispose() => _store.Dispose();
}
