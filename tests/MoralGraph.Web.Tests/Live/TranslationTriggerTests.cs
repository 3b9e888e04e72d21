using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.LanguageModels.Stories;
using MoralGraph.LanguageModels.Translation;
using MoralGraph.Web.Tests.Console;

namespace MoralGraph.Web.Tests.Live;

/// <summary>
/// With a model configured, a study offered in several languages gets its values translated in the background when a
/// card arrives and when it moves to voting; a study in one language is left alone.
/// </summary>
public sealed class TranslationTriggerTests : IClassFixture<ModelAssistedConsoleApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private const string Seed = "seed-grief-presence-over-advice";
    private readonly ModelAssistedConsoleApp _fixture;

    public TranslationTriggerTests(ModelAssistedConsoleApp fixture)
    {
        _fixture = fixture;
        _fixture.Chat.Answer(ValueTranslationPrompt.Prompt.Text,
            """{"title":"Presencia antes que consejo","description":"Estar ahí.","policies":["MOMENTOS en que el silencio dice más","SENTIMIENTOS que aún no nombra","SEÑALES de que quiere compañía"]}""");
    }

    private ConsoleApp App => _fixture.App;

    [Fact]
    public async Task A_card_in_a_study_of_two_languages_gets_the_values_translated_in_the_background()
    {
        await StudyAsync("translated-on-card", "[en, es]", "interviewing");

        await App.AppendAsync(Joined("translated-on-card", "p-es", "es"), Card("translated-on-card", "p-es", "Compañía tranquila"));

        var translated = await EventuallyAsync("translated-on-card", events => events.OfType<ValueTranslated>().Any(t => t.ValueId == Seed));
        var seed = translated.OfType<ValueTranslated>().Single(t => t.ValueId == Seed);
        Assert.Equal(("es", "Presencia antes que consejo", "value-translation"), (seed.Language, seed.Title, seed.Provenance.PromptId));
        // The Spanish card's value is translated into English, never into its own language.
        Assert.DoesNotContain(translated.OfType<ValueTranslated>(), t => t.ValueId == "card-p-es" && t.Language == "es");
    }

    [Fact]
    public async Task Moving_a_study_of_two_languages_to_voting_translates_its_values()
    {
        await StudyAsync("translated-on-voting", "[en, es]", "interviewing");

        await App.AppendAsync(new PhaseChanged(StudyPhase.Voting) { StudyId = "translated-on-voting", OccurredAt = DateTimeOffset.UtcNow, Actor = "test" });

        var translated = await EventuallyAsync("translated-on-voting", events => events.OfType<ValueTranslated>().Any(t => t.ValueId == Seed));
        Assert.Equal("Presencia antes que consejo", translated.OfType<ValueTranslated>().First(t => t.ValueId == Seed).Title);
    }

    [Fact]
    public async Task A_study_in_one_language_queues_no_translation()
    {
        await StudyAsync("one-language", "[en]", "interviewing");

        await App.AppendAsync(Joined("one-language", "p-en", "en"), Card("one-language", "p-en", "Quiet company"),
            new PhaseChanged(StudyPhase.Voting) { StudyId = "one-language", OccurredAt = DateTimeOffset.UtcNow, Actor = "test" });
        // The triggers queue the stories on the phase change, after handling the card: once that job has run, they have seen both events.
        using (var timeout = new CancellationTokenSource(Patience))
        {
            while (!App.Get<ModelJobBoard>().StatusOf("one-language").Any(s => s.Kind == ModelTransitionStoryGenerator.JobKind && s.State is ModelJobState.Done or ModelJobState.Failed))
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        Assert.DoesNotContain(App.Get<ModelJobBoard>().StatusOf("one-language"), s => s.Kind == ModelValueTranslator.JobKind);
        Assert.Empty((await App.EventsAsync("one-language")).OfType<ValueTranslated>());
    }

    private async Task StudyAsync(string slug, string languages, string phase)
    {
        var yaml = ConsoleApp.StudyYaml(slug, phase) + $"\nlanguages: {languages}\n";
        var study = StudyDefinitionReader.Read(yaml).GetValueOrThrow(slug);
        foreach (var studyEvent in StudyDefinitionEvents.For(study, DateTimeOffset.UtcNow, "test"))
        {
            await App.AppendAsync(studyEvent);
        }
    }

    private static ParticipantJoined Joined(string slug, string participant, string language) =>
        new(participant, "hash", "v1", language, null) { StudyId = slug, OccurredAt = DateTimeOffset.UtcNow, Actor = participant };

    private static CardSubmitted Card(string slug, string participant, string title) =>
        new($"card-{participant}", participant, "grief", title, "Estar ahí.", ["MOMENTOS en que el silencio ayuda", "SEÑALES de que quiere hablar", "PALABRAS que suenan huecas"])
        { StudyId = slug, OccurredAt = DateTimeOffset.UtcNow, Actor = participant };

    private async Task<IReadOnlyList<StudyEvent>> EventuallyAsync(string slug, Func<IReadOnlyList<StudyEvent>, bool> done)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var events = await App.EventsAsync(slug);
            if (done(events))
            {
                return events;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
