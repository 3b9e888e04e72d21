using System.Globalization;
using System.Xml;

namespace MoralGraph.Core.Export;

/// <summary>
/// GraphML (loadable by networkx, igraph, Gephi): values as nodes, one directed edge per (graph, pair) with
/// its question, context, tallies and summary. Written with <see cref="XmlWriter"/> because QuikGraph's
/// GraphML serializer ships in a separate package not available here and needs mutable attribute classes.
/// </summary>
public sealed class GraphMlFormat : IExportFormat
{
    private static readonly (string Id, string For, string Name, string Type)[] Keys =
    [
        ("title", "node", "title", "string"),
        ("description", "node", "description", "string"),
        ("policies", "node", "policies", "string"),
        ("participants", "node", "participantCount", "int"),
        ("language", "node", "language", "string"),
        ("question", "edge", "questionId", "string"),
        ("context", "edge", "context", "string"),
        ("wiser", "edge", "markedWiser", "int"),
        ("notWiser", "edge", "markedNotWiser", "int"),
        ("lessWise", "edge", "markedLessWise", "int"),
        ("unsure", "edge", "markedUnsure", "int"),
        ("impressions", "edge", "impressions", "int"),
        ("likelihood", "edge", "wiserLikelihood", "double"),
        ("entropy", "edge", "entropy", "double"),
        ("inRanking", "edge", "inRanking", "boolean"),
        ("contested", "edge", "contested", "boolean"),
    ];

    /// <inheritdoc />
    public string Name => "graphml";

    /// <inheritdoc />
    public string MediaType => "application/graphml+xml";

    /// <inheritdoc />
    public string FileExtension => ".graphml";

    /// <inheritdoc />
    public async Task WriteAsync(ExportInput input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var xml = XmlWriter.Create(output, new XmlWriterSettings { Async = true, Indent = true, CloseOutput = false });
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "graphml", "http://graphml.graphdrawing.org/xmlns");
        foreach (var (id, owner, name, type) in Keys)
        {
            await xml.WriteStartElementAsync(null, "key", null);
            await xml.WriteAttributeStringAsync(null, "id", null, id);
            await xml.WriteAttributeStringAsync(null, "for", null, owner);
            await xml.WriteAttributeStringAsync(null, "attr.name", null, name);
            await xml.WriteAttributeStringAsync(null, "attr.type", null, type);
            await xml.WriteEndElementAsync();
        }

        await xml.WriteStartElementAsync(null, "graph", null);
        await xml.WriteAttributeStringAsync(null, "id", null, input.Spec.Study.Slug);
        await xml.WriteAttributeStringAsync(null, "edgedefault", null, "directed");
        foreach (var value in input.Spec.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await xml.WriteStartElementAsync(null, "node", null);
            await xml.WriteAttributeStringAsync(null, "id", null, value.Id);
            await WriteDataAsync(xml, "title", value.Title);
            await WriteDataAsync(xml, "description", value.Description);
            await WriteDataAsync(xml, "policies", string.Join(" | ", value.Policies));
            await WriteDataAsync(xml, "participants", value.ParticipantCount.ToString(CultureInfo.InvariantCulture));
            if (value.Language is { } language)
            {
                await WriteDataAsync(xml, "language", language);
            }

            await xml.WriteEndElementAsync();
        }

        var edgeNumber = 0;
        foreach (var graph in input.Spec.Graphs)
        {
            foreach (var edge in graph.Edges)
            {
                await xml.WriteStartElementAsync(null, "edge", null);
                await xml.WriteAttributeStringAsync(null, "id", null, $"e{edgeNumber++}");
                await xml.WriteAttributeStringAsync(null, "source", null, edge.SourceValueId);
                await xml.WriteAttributeStringAsync(null, "target", null, edge.WiserValueId);
                await WriteDataAsync(xml, "question", graph.QuestionId ?? "*");
                await WriteDataAsync(xml, "context", string.Join(" | ", edge.Contexts));
                await WriteDataAsync(xml, "wiser", Invariant(edge.Counts.MarkedWiser));
                await WriteDataAsync(xml, "notWiser", Invariant(edge.Counts.MarkedNotWiser));
                await WriteDataAsync(xml, "lessWise", Invariant(edge.Counts.MarkedLessWise));
                await WriteDataAsync(xml, "unsure", Invariant(edge.Counts.MarkedUnsure));
                await WriteDataAsync(xml, "impressions", Invariant(edge.Counts.Impressions));
                await WriteDataAsync(xml, "likelihood", edge.Summary.WiserLikelihood.ToString("R", CultureInfo.InvariantCulture));
                await WriteDataAsync(xml, "entropy", edge.Summary.Entropy.ToString("R", CultureInfo.InvariantCulture));
                await WriteDataAsync(xml, "inRanking", edge.InRanking ? "true" : "false");
                await WriteDataAsync(xml, "contested", edge.Contested ? "true" : "false");
                await xml.WriteEndElementAsync();
            }
        }

        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    private static string Invariant(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static async Task WriteDataAsync(XmlWriter xml, string key, string value)
    {
        await xml.WriteStartElementAsync(null, "data", null);
        await xml.WriteAttributeStringAsync(null, "key", null, key);
        await xml.WriteStringAsync(value);
        await xml.WriteEndElementAsync();
    }
}
