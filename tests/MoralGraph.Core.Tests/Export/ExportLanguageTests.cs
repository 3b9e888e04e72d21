using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Studies;
using NJsonSchema;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Export;

/// <summary>Exports say which language each value and card is written in (issue 16).</summary>
public sealed class ExportLanguageTests
{
    private static readonly Study TwoLanguages = WithLanguages("en", "es-ES");

    private static readonly ModelProvenance Model = new("value-translation", "0123456789abcdef", "llama3.1:8b", 0.2, T0.AddMinutes(20));

    private static Study WithLanguages(params string[] languages)
    {
        var plain = Study();
        return new Study(plain.Slug, plain.Title, plain.Description, plain.Questions, plain.RedLines, languages, plain.Phase, plain.VoteDrawSize);
    }

    /// <summary>
    /// Bob takes part in English, Ana in Spanish (es-ES) and Cas in Spanish (es). Value a is Bob's card; value b is Ana's
    /// card with Bob's later card merged into it; value c is Cas's. Voters find b wiser than a.
    /// </summary>
    private static List<StudyEvent> Events() =>
    [
        Defined(TwoLanguages),
        Joined("bob"), Joined("ana") with { Language = "es-ES" }, Joined("cas") with { Language = "es" },
        Submitted("a", "bob", minute: 1), Submitted("b", "ana", minute: 2), Submitted("b-bob", "bob", minute: 3), Submitted("c", "cas", minute: 4),
        new ValuesMerged("b-bob", "b", "the same value") { StudyId = "test-study", OccurredAt = T0.AddMinutes(5), Actor = "facilitator" },
        .. Votes(3, "a", "b").Select(Cast), .. Votes(2, "a", "c", prefix: "o").Select(Cast),
    ];

    /// <summary>A model's translation of <paramref name="valueId"/> as it read when its words were <paramref name="sourceCard"/>'s (the builders' card words).</summary>
    private static ValueTranslated Translated(string valueId, string language, string title, string? sourceCard = null, string quotes = "ana") =>
        new(valueId, language, title, $"{title}, described.", [$"{title} MOMENTS", $"{title} CHOICES"],
            ValueTranslated.HashOf($"Value {sourceCard ?? valueId}", $"Description of {sourceCard ?? valueId}.", ["MOMENTS when it matters", "CHOICES that help", "SIGNS of care"]), Model)
        { Quotes = [quotes], StudyId = "test-study", OccurredAt = T0.AddMinutes(20), Actor = "model" };

    /// <summary>Value b translated into English and Arabic, and value a into Spanish from words it never had.</summary>
    private static List<StudyEvent> TranslatedEvents() =>
        [.. Events(), Translated("b", "en", "Value b in English"), Translated("b", "ar", "القيمة ب"), Translated("a", "es", "Valor a", sourceCard: "old-a", quotes: "bob")];

    private static ExportInput Export(IEnumerable<StudyEvent> events) =>
        ExportFormats.Prepare(StudyState.Replay(events).ToSnapshot(), new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 0 }), null);

    private static async Task<byte[]> WriteBytesAsync(string format, ExportInput input)
    {
        using var stream = new MemoryStream();
        await ExportFormats.Find(format)!.WriteAsync(input, stream);
        return stream.ToArray();
    }

    private static async Task<string> WriteAsync(string format, ExportInput input) => Encoding.UTF8.GetString(await WriteBytesAsync(format, input));

    private static JsonNode ValueNamed(JsonNode document, string id) => document["values"]!.AsArray().Single(v => (string?)v!["id"] == id)!;

    [Fact]
    public async Task The_spec_gives_each_value_and_each_card_its_language_valid_by_the_schema_and_read_back()
    {
        var json = await WriteAsync("json", Export(Events()));
        var document = JsonNode.Parse(json)!;

        Assert.Equal("1.4.0", (string?)document["schemaVersion"]);
        Assert.Equal("en", (string?)ValueNamed(document, "a")["language"]);
        Assert.Equal("es", (string?)ValueNamed(document, "b")["language"]);
        Assert.Equal("es", (string?)ValueNamed(document, "c")["language"]);
        // A value keeps its earliest card's language; each member says its own card's.
        Assert.Equal([("b", "es"), ("b-bob", "en")], ValueNamed(document, "b")["members"]!.AsArray().Select(m => ((string)m!["cardId"]!, (string)m["language"]!)));
        Assert.Empty((await JsonSchema.FromJsonAsync(AlignmentSpecJson.Schema)).Validate(json));
        Assert.Null(AlignmentSpecJson.CheckHash(document.AsObject()));

        var read = AlignmentSpecJson.Read(json);
        Assert.Equal(["en", "es", "es"], read.Values.Select(v => v.Language));
        Assert.Equal(["es", "en"], read.Values[1].Members.Select(m => m.Language));
        Assert.Equal(json, AlignmentSpecJson.Write(read with { ContentHash = null }));
    }

    [Fact]
    public async Task The_schema_refuses_an_empty_language()
    {
        var document = JsonNode.Parse(await WriteAsync("json", Export(Events())))!;
        ValueNamed(document, "b")["language"] = "";

        var errors = (await JsonSchema.FromJsonAsync(AlignmentSpecJson.Schema)).Validate(document.ToJsonString());

        Assert.Contains("StringTooShort: #/values[1].language", string.Join('\n', errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_spec_written_before_1_4_0_reads_without_languages_and_writes_back_without_them()
    {
        var document = JsonNode.Parse(await WriteAsync("json", Export(Events())))!.AsObject();
        document["schemaVersion"] = "1.3.0";
        foreach (var value in document["values"]!.AsArray())
        {
            value!.AsObject().Remove("language");
            foreach (var member in value["members"]!.AsArray())
            {
                member!.AsObject().Remove("language");
            }
        }

        var older = AlignmentSpecJson.Read(document.ToJsonString());

        Assert.All(older.Values, v => Assert.Null(v.Language));
        Assert.All(older.Values.SelectMany(v => v.Members), m => Assert.Null(m.Language));
        Assert.DoesNotContain("\"language\"", AlignmentSpecJson.Write(older), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_values_table_appends_a_language_column_after_the_columns_scripts_already_read()
    {
        using var zip = new ZipArchive(new MemoryStream(await WriteBytesAsync("csv", Export(Events()))));
        using var reader = new StreamReader(zip.GetEntry("values.csv")!.Open());
        var lines = (await reader.ReadToEndAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("valueId,title,description,policies,participantCount,memberCardIds,language", lines[0]);
        Assert.EndsWith(",1,a,en", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("b,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",2,b b-bob,es", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GraphML_declares_a_language_key_and_gives_every_node_its_language()
    {
        var xml = XDocument.Load(new MemoryStream(await WriteBytesAsync("graphml", Export(Events()))));
        XNamespace ns = "http://graphml.graphdrawing.org/xmlns";

        var key = xml.Descendants(ns + "key").Single(k => k.Attribute("id")!.Value == "language");
        Assert.Equal(("node", "language", "string"), (key.Attribute("for")!.Value, key.Attribute("attr.name")!.Value, key.Attribute("attr.type")!.Value));
        Assert.Equal(
            [("a", "en"), ("b", "es"), ("c", "es")],
            xml.Descendants(ns + "node").Select(n => (n.Attribute("id")!.Value, n.Elements(ns + "data").Single(d => d.Attribute("key")!.Value == "language").Value)));
    }

    [Fact]
    public async Task Each_side_of_a_preference_record_says_the_language_its_card_is_written_in()
    {
        using var zip = new ZipArchive(new MemoryStream(await WriteBytesAsync("jsonl-preferences", Export(Events()))));
        using var reader = new StreamReader(zip.GetEntry("preferences.jsonl")!.Open());
        var records = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();

        var record = records.Single(r => (string?)r["chosenValue"]!["valueId"] == "b");
        Assert.Equal(("es", "en"), ((string?)record["chosenValue"]!["language"], (string?)record["rejectedValue"]!["language"]));
    }

    [Fact]
    public async Task Markdown_labels_a_value_s_language_only_when_the_study_has_several()
    {
        var markdown = await WriteAsync("md", Export(Events()));

        Assert.Contains("**Value b** (es, score ", markdown, StringComparison.Ordinal);

        var oneLanguage = Events();
        oneLanguage[0] = Defined(WithLanguages("es"));
        var plain = await WriteAsync("md", Export(oneLanguage));
        Assert.Contains("**Value b** (score ", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("(es, ", plain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_author_of_a_value_s_earliest_card_withdraws_the_value_speaks_and_is_labelled_in_the_next_card_s_language()
    {
        var json = await WriteAsync("json", Export([.. Events(), Withdrew("ana", minute: 30)]));
        var value = ValueNamed(JsonNode.Parse(json)!, "b");

        Assert.Equal("en", (string?)value["language"]);
        Assert.Equal("Value b-bob", (string?)value["title"]);
        Assert.Equal([("b-bob", "en")], value["members"]!.AsArray().Select(m => ((string)m!["cardId"]!, (string)m["language"]!)));
        Assert.DoesNotContain("\"ana\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_made_without_a_study_s_state_puts_every_value_and_card_in_the_study_s_first_language()
    {
        var snapshot = new MoralGraphSnapshot(WithLanguages("es-MX", "en"), [Value("x", "p1"), Value("y")], [.. Votes(2, "x", "y")]);
        var input = ExportFormats.Prepare(snapshot, new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 0 }), null);

        var document = JsonNode.Parse(await WriteAsync("json", input))!;

        Assert.Equal(["es", "es"], document["values"]!.AsArray().Select(v => (string?)v!["language"]));
        Assert.Equal("es", (string?)ValueNamed(document, "x")["members"]![0]!["language"]);
    }

    [Fact]
    public async Task The_spec_carries_each_value_s_current_translations_by_language_with_their_provenance_and_leaves_stale_ones_out()
    {
        var json = await WriteAsync("json", Export(TranslatedEvents()));
        var document = JsonNode.Parse(json)!;

        var translations = ValueNamed(document, "b")["translations"]!.AsArray();
        Assert.Equal(["ar", "en"], translations.Select(t => (string?)t!["language"]));
        var english = translations[1]!;
        Assert.Equal("Value b in English", (string?)english["title"]);
        Assert.Equal("Value b in English, described.", (string?)english["description"]);
        Assert.Equal(["Value b in English MOMENTS", "Value b in English CHOICES"], english["policies"]!.AsArray().Select(p => (string?)p));
        Assert.Equal(
            """{"model":"llama3.1:8b","promptId":"value-translation","promptHash":"0123456789abcdef","temperature":0.2,"at":"2026-03-01T12:20:00.0000000Z"}""",
            english["provenance"]!.ToJsonString());
        // The value's own words stay as they were.
        Assert.Equal("Value b", (string?)ValueNamed(document, "b")["title"]);
        // A translation of words value a never had is stale: not exported.
        Assert.Null(ValueNamed(document, "a")["translations"]);
        Assert.DoesNotContain("Valor a", json, StringComparison.Ordinal);
        Assert.Empty((await JsonSchema.FromJsonAsync(AlignmentSpecJson.Schema)).Validate(json));

        var read = AlignmentSpecJson.Read(json);
        Assert.Equal("llama3.1:8b", read.Values[1].Translations![1].Provenance.Model);
        Assert.Equal(json, AlignmentSpecJson.Write(read with { ContentHash = null }));
    }

    [Fact]
    public void The_streamed_languages_and_translations_are_what_serializing_the_spec_record_gives_field_for_field()
    {
        var spec = Export(TranslatedEvents()).Spec;
        var streamed = JsonNode.Parse(AlignmentSpecJson.Write(spec))!.AsObject();

        var serialized = System.Text.Json.JsonSerializer.SerializeToNode(spec with { ContentHash = (string?)streamed["contentHash"] }, AlignmentSpecJson.Options)!;

        Assert.Equal(serialized["values"]!.ToJsonString(), streamed["values"]!.ToJsonString());
    }

    [Fact]
    public async Task The_schema_refuses_a_translation_without_its_provenance()
    {
        var document = JsonNode.Parse(await WriteAsync("json", Export(TranslatedEvents())))!;
        ValueNamed(document, "b")["translations"]![0]!.AsObject().Remove("provenance");

        var errors = (await JsonSchema.FromJsonAsync(AlignmentSpecJson.Schema)).Validate(document.ToJsonString());

        Assert.Contains("PropertyRequired: #/values[1].translations[0].provenance", string.Join('\n', errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Neither_the_card_nor_the_translation_of_a_participant_who_withdrew_is_exported_in_any_format()
    {
        var input = Export([.. TranslatedEvents(), Withdrew("ana", minute: 30)]);

        var json = await WriteAsync("json", input);
        Assert.Null(ValueNamed(JsonNode.Parse(json)!, "b")["translations"]);
        foreach (var format in new[] { "json", "md", "graphml", "mai" })
        {
            var text = await WriteAsync(format, input);
            Assert.DoesNotContain("Value b in English", text, StringComparison.Ordinal);
            Assert.DoesNotContain("القيمة ب", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Description of b.", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Markdown_shows_a_winning_value_s_translations_beneath_its_own_words_marked_as_a_model_s()
    {
        var markdown = await WriteAsync("md", Export(TranslatedEvents()));

        var own = markdown.IndexOf("**Value b** (es, score ", StringComparison.Ordinal);
        var english = markdown.IndexOf("> _en, machine translation by llama3.1:8b:_ **Value b in English**", StringComparison.Ordinal);
        Assert.InRange(own, 0, english);
        Assert.Contains("> - Value b in English MOMENTS", markdown, StringComparison.Ordinal);
        Assert.True(markdown.IndexOf("> _ar, machine translation", StringComparison.Ordinal) < english, "Translations are ordered by language.");
    }
}
