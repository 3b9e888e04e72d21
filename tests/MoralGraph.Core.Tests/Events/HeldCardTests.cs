using System.IO.Compression;
using System.Text;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Events;

/// <summary>
/// A card model moderation flagged is held: out of the voting draw, deduplication, the graph and every export until a
/// facilitator clears the flag; a personal-data flag also needs the text corrected. Facilitators' own flags hold nothing.
/// </summary>
public sealed class HeldCardTests
{
    private static readonly ModelProvenance Moderation = new("moderation-check", "sha256:abcd", "test-model", 0.3, T0);

    private static T By<T>(T studyEvent, string actor = "facilitator:ana", int minute = 30)
        where T : StudyEvent => studyEvent with { StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = actor };

    private static CardFlagged ModelFlag(string cardId, string category) =>
        By(new CardFlagged(cardId, $"Model moderation, {category}: it says so.") { StudyId = "", OccurredAt = default, Actor = "", Provenance = Moderation, Category = category }, actor: "model-moderation");

    private static CardFlagCleared Cleared(string cardId, int minute = 40) => By(new CardFlagCleared(cardId) { StudyId = "", OccurredAt = default, Actor = "" }, minute: minute);

    private static CardEdited Corrected(string cardId, int minute = 45) =>
        By(new CardEdited(cardId, "Corrected title", "Corrected words.", ["MOMENTS when corrected"], "removed a phone number") { StudyId = "", OccurredAt = default, Actor = "" }, minute: minute);

    /// <summary>Three cards by three people, and a vote between the first two.</summary>
    private static StudyState Study3() => StudyState.Replay([
        Defined(Study()), Joined("alice"), Submitted("a", "ann"), Submitted("b", "ben"), Submitted("c", "cas"), Cast(Vote("voter", "a", "b")),
    ]);

    [Theory]
    [InlineData(ModerationCategories.Abuse)]
    [InlineData(ModerationCategories.RedLine)]
    [InlineData(ModerationCategories.PersonalData)]
    public async Task A_card_a_model_flagged_leaves_the_draw_deduplication_the_graph_and_every_export(string category)
    {
        var state = Study3();
        Assert.Contains("Description of b.", await EveryExportAsync(state), StringComparison.Ordinal);

        state.Apply(ModelFlag("b", category));

        Assert.True(state.HeldCards.ContainsKey("b"));
        Assert.DoesNotContain(state.ToSnapshot().Values, v => v.Id == "b");
        Assert.Empty(state.ToSnapshot().Votes);
        Assert.DoesNotContain(state.CurrentCards(), c => c.Card.CardId == "b");
        Assert.DoesNotContain("b", state.ValuesAnswering("q"));
        Assert.DoesNotContain(VoteDraw.Choose(state, "alice", ["q"], 10), c => c.From.Id == "b" || c.To.Id == "b");
        Assert.DoesNotContain("Description of b.", await EveryExportAsync(state), StringComparison.Ordinal);

        // The facilitators still see it, and its author still finds their own card.
        Assert.Contains(state.CardsForModeration(), c => c.Card.CardId == "b");
        Assert.Equal("Value b", state.FindCard("b")?.Title);
    }

    [Fact]
    public async Task Deduplication_never_groups_a_held_card_with_its_twin()
    {
        var state = StudyState.Replay([Defined(Study()), Submitted("a", "ann"), Submitted("b", "ben"), ModelFlag("b", ModerationCategories.Abuse)]);

        // "a" and "b" have the same words: the offline deduplicator would merge them if it saw both.
        var merges = await StudyDeduplication.ProposeMergesAsync(state, new LexicalValueDeduplicator(), T0);

        Assert.Empty(merges);
        state.Apply(Cleared("b"));
        Assert.Single(await StudyDeduplication.ProposeMergesAsync(state, new LexicalValueDeduplicator(), T0));
    }

    [Fact]
    public void Clearing_the_flag_brings_the_card_and_the_votes_on_it_back_even_after_lookups_were_cached()
    {
        var state = Study3();
        state.Apply(ModelFlag("b", ModerationCategories.Abuse));
        // Fill the value caches while the card is held: the clear must invalidate them.
        Assert.Null(state.FindValue("b"));
        Assert.DoesNotContain("b", state.ValuesAnswering("q"));

        state.Apply(Cleared("b"));

        Assert.Empty(state.HeldCards);
        Assert.Equal("Value b", state.FindValue("b")?.Title);
        Assert.Contains("b", state.ValuesAnswering("q"));
        Assert.Contains(state.ToSnapshot().Values, v => v.Id == "b");
        Assert.Single(state.ToSnapshot().Votes);
    }

    [Fact]
    public void A_flag_on_cached_lookups_takes_the_value_out_at_once()
    {
        var state = Study3();
        Assert.Equal("Value b", state.FindValue("b")?.Title);
        Assert.Contains("b", state.ValuesAnswering("q"));

        state.Apply(ModelFlag("b", ModerationCategories.RedLine));

        Assert.Null(state.FindValue("b"));
        Assert.DoesNotContain("b", state.ValuesAnswering("q"));
    }

    [Fact]
    public void A_facilitators_flag_holds_nothing_and_a_model_flag_after_it_holds_the_card_and_keeps_their_reason()
    {
        var state = Study3();
        state.Apply(By(new CardFlagged("b", "Looks like spam.") { StudyId = "", OccurredAt = default, Actor = "" }));

        Assert.Empty(state.HeldCards);
        Assert.Contains(state.ToSnapshot().Values, v => v.Id == "b");

        state.Apply(ModelFlag("b", ModerationCategories.Abuse));

        Assert.Equal("Looks like spam.", state.FlaggedCards["b"]);
        Assert.Equal("Model moderation, abuse: it says so.", state.HeldCards["b"].Reason);
        Assert.DoesNotContain(state.ToSnapshot().Values, v => v.Id == "b");
    }

    [Fact]
    public async Task Personal_data_stays_out_of_every_export_after_the_flag_is_cleared_until_the_text_is_corrected()
    {
        var state = Study3();
        state.Apply(ModelFlag("b", ModerationCategories.PersonalData));

        state.Apply(Cleared("b"));

        Assert.Empty(state.FlaggedCards);
        Assert.True(state.HeldCards["b"].AwaitsCorrection);
        Assert.DoesNotContain(state.ToSnapshot().Values, v => v.Id == "b");
        Assert.DoesNotContain("Description of b.", await EveryExportAsync(state), StringComparison.Ordinal);

        state.Apply(Corrected("b"));

        Assert.Empty(state.HeldCards);
        var exported = await EveryExportAsync(state);
        Assert.Contains("Corrected words.", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("Description of b.", exported, StringComparison.Ordinal);
    }

    [Fact]
    public void A_personal_data_card_corrected_first_is_released_by_the_clear_and_a_correction_alone_releases_nothing()
    {
        var state = Study3();
        state.Apply(ModelFlag("b", ModerationCategories.PersonalData));

        state.Apply(Corrected("b", minute: 35));
        Assert.True(state.HeldCards.ContainsKey("b"));
        Assert.DoesNotContain(state.ToSnapshot().Values, v => v.Id == "b");

        state.Apply(Cleared("b", minute: 40));
        Assert.Empty(state.HeldCards);
        Assert.Equal("Corrected title", state.ToSnapshot().Values.Single(v => v.Id == "b").Title);
    }

    [Fact]
    public void A_correction_made_before_the_flag_does_not_count_as_removing_what_was_flagged()
    {
        var state = Study3();
        state.Apply(Corrected("b", minute: 20));
        state.Apply(ModelFlag("b", ModerationCategories.PersonalData));

        state.Apply(Cleared("b"));

        Assert.True(state.HeldCards["b"].AwaitsCorrection);
    }

    [Fact]
    public void A_model_flag_recorded_before_flags_carried_a_category_is_read_from_its_reason()
    {
        var state = Study3();
        state.Apply(By(new CardFlagged("b", "Model moderation, personal-data: a phone number.") { StudyId = "", OccurredAt = default, Actor = "", Provenance = Moderation }, actor: "model-moderation"));

        state.Apply(Cleared("b"));

        Assert.Equal(ModerationCategories.PersonalData, state.HeldCards["b"].Category);
        Assert.DoesNotContain(state.ToSnapshot().Values, v => v.Id == "b");
    }

    [Fact]
    public async Task A_state_restored_from_its_capture_keeps_its_held_cards()
    {
        var state = Study3();
        state.Apply(ModelFlag("a", ModerationCategories.Abuse));
        state.Apply(ModelFlag("b", ModerationCategories.PersonalData));
        state.Apply(Cleared("b"));

        using var stream = new MemoryStream();
        await state.Capture().WriteJsonAsync(stream);
        stream.Position = 0;
        var restored = StudyState.Restore(await StudyStateCapture.ReadJsonAsync(stream));

        Assert.Equal(["a", "b"], restored.HeldCards.Keys.Order(StringComparer.Ordinal));
        Assert.True(restored.HeldCards["b"].AwaitsCorrection);
        Assert.Equal(["c"], restored.ToSnapshot().Values.Select(v => v.Id));
        restored.Apply(Corrected("b"));
        Assert.Equal(["b", "c"], restored.ToSnapshot().Values.Select(v => v.Id));
    }

    /// <summary>Every export format under both profiles, as text (the CSV zip's files unpacked).</summary>
    private static async Task<string> EveryExportAsync(StudyState state)
    {
        var text = new StringBuilder();
        foreach (var profile in new[] { "default", "mai-2023" })
        {
            var input = ExportFormats.Prepare(state.ToSnapshot(), ReconciliationProfiles.Find(profile)!, T0);
            foreach (var format in ExportFormats.All)
            {
                using var output = new MemoryStream();
                await format.WriteAsync(input, output);
                if (format is CsvFormat)
                {
                    using var zip = new ZipArchive(new MemoryStream(output.ToArray()));
                    foreach (var entry in zip.Entries)
                    {
                        using var reader = new StreamReader(entry.Open());
                        text.AppendLine(await reader.ReadToEndAsync());
                    }
                }
                else
                {
                    text.AppendLine(Encoding.UTF8.GetString(output.ToArray()));
                }
            }
        }

        return text.ToString();
    }
}
