using System.Text;
using System.Text.Json.Nodes;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Core.Tests.Erasure;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Assistance;

/// <summary>
/// A model's translation of a value is kept beside the value's own words: the latest per value and language, only while
/// it is of the words the value has now, and gone with the participant whose words it translates.
/// </summary>
public sealed class ValueTranslationTests
{
    private const string Marker = "CEBRA-MARCADOR-4417";
    private static readonly ModelProvenance Model = new("value-translation", "0123456789abcdef", "llama3.1:8b", 0.2, T0);

    [Fact]
    public void The_latest_translation_per_value_and_language_is_kept_and_found_by_primary_tag()
    {
        var state = StudyState.Replay(
        [
            Defined(Study()), Joined("alice"), Submitted("card-alice", "alice"),
            Translated("card-alice", "es", "Primera versión"),
            Translated("card-alice", "ar", "نسخة"),
            Translated("card-alice", "es", "Segunda versión"),
        ]);

        Assert.Equal("Segunda versión", state.Assistance.TranslationOf("card-alice", "es-ES")?.Title);
        Assert.Equal("نسخة", state.CurrentTranslationOf("card-alice", "ar")?.Title);
        Assert.Equal(2, state.Assistance.Translations.Count);
        Assert.Null(state.CurrentTranslationOf("card-alice", "de"));
        Assert.Null(state.CurrentTranslationOf("card-nobody", "es"));
    }

    [Fact]
    public void A_translation_of_words_the_value_no_longer_has_is_stale()
    {
        var edited = new CardEdited("card-alice", "A corrected title", "Description of card-alice.", ["MOMENTS when it matters", "CHOICES that help", "SIGNS of care"], "Typo.")
        { ParticipantId = "alice", StudyId = "test-study", OccurredAt = T0.AddMinutes(5), Actor = "facilitator" };
        var events = new List<StudyEvent> { Defined(Study()), Joined("alice"), Submitted("card-alice", "alice"), Translated("card-alice", "es", "Valor") };

        var before = StudyState.Replay(events);
        var after = StudyState.Replay([.. events, edited]);

        Assert.Equal("Valor", before.CurrentTranslationOf("card-alice", "es")?.Title);
        Assert.NotNull(after.Assistance.TranslationOf("card-alice", "es"));
        Assert.Null(after.CurrentTranslationOf("card-alice", "es"));
    }

    [Fact]
    public void The_source_hash_is_a_stable_sha256_of_the_words_and_tells_apart_texts_that_join_alike()
    {
        Assert.Equal("67a550eb1bfa5f09c92159b16c279ee0fd860230ad26de8ef78fc7532d1242bc", ValueTranslated.HashOf("t", "d", ["p"]));
        Assert.NotEqual(ValueTranslated.HashOf("a b", "", ["p"]), ValueTranslated.HashOf("a", " b", ["p"]));
        Assert.NotEqual(ValueTranslated.HashOf("t", "d", ["p", "q"]), ValueTranslated.HashOf("t", "d", ["q", "p"]));
    }

    [Fact]
    public void A_translation_of_a_participant_who_withdrew_is_gone_live_and_in_the_log()
    {
        var keys = new InMemoryParticipantKeys();
        var protector = new ParticipantTextProtector(keys);
        var translation = Translated("card-alice", "es", $"Título {Marker}") with { Quotes = ["alice"] };
        var events = new List<StudyEvent> { Defined(Study()), Joined("alice"), Submitted("card-alice", "alice"), Joined("bob"), Submitted("card-bob", "bob"), translation,
            Translated("card-bob", "es", "Título de Bob") with { Quotes = ["bob"] }, Withdrew("alice", minute: 40) };
        var stored = events.Select(e => EventHashChain.Serialize(protector.Protect(e))).ToList();
        keys.Destroy("test-study", "alice");

        var live = StudyState.Replay(events);
        var replayed = StudyState.Replay(stored.Select(s => protector.Reveal(EventHashChain.Deserialize(s))));

        Assert.NotNull(StudyState.Replay(events.SkipLast(1)).Assistance.TranslationOf("card-alice", "es"));
        Assert.All(stored, s => Assert.DoesNotContain(Marker, s, StringComparison.Ordinal));
        Assert.Null(live.Assistance.TranslationOf("card-alice", "es"));
        Assert.Null(replayed.Assistance.TranslationOf("card-alice", "es"));
        Assert.DoesNotContain(live.Assistance.Translations, t => t.Title.Contains(Marker, StringComparison.Ordinal) || t.Policies.Any(p => p.Contains(Marker, StringComparison.Ordinal)));
        Assert.Equal("Título de Bob", replayed.CurrentTranslationOf("card-bob", "es")?.Title);
        Assert.Equal(Encoding.UTF8.GetString(live.Capture().ToJsonBytes()), Encoding.UTF8.GetString(replayed.Capture().ToJsonBytes()));
    }

    [Fact]
    public async Task Translations_survive_a_snapshot_and_a_snapshot_written_before_translations_still_restores()
    {
        var state = StudyState.Replay([Defined(Study()), Joined("alice"), Submitted("card-alice", "alice"), Translated("card-alice", "es", "Valor")]);
        var json = JsonNode.Parse(state.Capture().ToJsonBytes())!;

        var restored = StudyState.Restore(await StudyStateCapture.ReadJsonAsync(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString()))));
        var assistance = json.AsObject().First(p => p.Key.Equals("assistance", StringComparison.OrdinalIgnoreCase)).Value!.AsObject();
        assistance.Remove(assistance.First(p => p.Key.Equals("translations", StringComparison.OrdinalIgnoreCase)).Key);
        var older = StudyState.Restore(await StudyStateCapture.ReadJsonAsync(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString()))));

        Assert.Equal(EventHashChain.Serialize(state.CurrentTranslationOf("card-alice", "es")!), EventHashChain.Serialize(restored.CurrentTranslationOf("card-alice", "es")!));
        Assert.Equal(["MOMENTOS de Valor", "ELECCIONES de Valor", "SEÑALES de Valor"], restored.CurrentTranslationOf("card-alice", "es")!.Policies);
        Assert.Empty(older.Assistance.Translations);
        Assert.Equal("Value card-alice", older.FindValue("card-alice")?.Title);
    }

    private static ValueTranslated Translated(string valueId, string language, string title) =>
        new(valueId, language, title, $"Descripción de {title}.", [$"MOMENTOS de {title}", $"ELECCIONES de {title}", $"SEÑALES de {title}"],
            ValueTranslated.HashOf($"Value {valueId}", $"Description of {valueId}.", ["MOMENTS when it matters", "CHOICES that help", "SIGNS of care"]), Model)
        { StudyId = "test-study", OccurredAt = T0.AddMinutes(1), Actor = "model" };
}
