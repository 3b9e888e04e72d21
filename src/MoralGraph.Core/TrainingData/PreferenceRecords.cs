using System.Globalization;
using MoralGraph.Core.Export;

namespace MoralGraph.Core.TrainingData;

/// <summary>A value as a preference record shows it: its card.</summary>
/// <param name="ValueId">The canonical value.</param>
/// <param name="Title">Its title.</param>
/// <param name="Description">Its description.</param>
/// <param name="Policies">Its attentional policies.</param>
/// <param name="CardIds">The cards it was made from (provenance).</param>
public sealed record PreferenceValue(string ValueId, string Title, string Description, IReadOnlyList<string> Policies, IReadOnlyList<string> CardIds)
{
    /// <summary>The language the card is written in (a lower-case primary tag such as <c>es</c>), when the spec says (since 1.4.0).</summary>
    public string? Language { get; init; }

    /// <summary>The card as one text: what a trainer reads as <c>chosen</c> or <c>rejected</c>.</summary>
    public string Text => $"{Title}\n\n{Description}\n\nAttend to:\n" + string.Join("\n", Policies.Select(p => "- " + p));
}

/// <summary>
/// One preference: for <see cref="Prompt"/> (a question in a context), participants judged <see cref="Chosen"/> wiser
/// than <see cref="Rejected"/>. One per edge with real support (see <see cref="PreferenceRecords"/>).
/// </summary>
/// <param name="Id">Stable id: question, context, rejected and chosen value ids.</param>
/// <param name="QuestionId">The question, when the graph has one.</param>
/// <param name="ContextId">The context, when the graph has one.</param>
/// <param name="Prompt">The question's prompt and the context, as one text.</param>
/// <param name="Chosen">The wiser value.</param>
/// <param name="Rejected">The value moved from.</param>
/// <param name="Weight">The edge's wiser likelihood as the profile computes it (default: (wiser − not wiser) / (wiser + not wiser + unsure)), in (0, 1].</param>
/// <param name="Tallies">The votes on the edge.</param>
/// <param name="Confidence">Wilson 95 % lower bound of the share of "wiser" among the edge's votes.</param>
/// <param name="Contested">True when the edge is contested (both directions have support, or it lies on a cycle).</param>
public sealed record PreferenceRecord(
    string Id, string? QuestionId, string? ContextId, string Prompt, PreferenceValue Chosen, PreferenceValue Rejected, double Weight,
    SpecCounts.EdgeCounts Tallies, double Confidence, bool Contested);

/// <summary>
/// The preference records of a spec, made one at a time as they are read (1M edges cost one record at a time beyond the
/// spec). An edge has real support when it feeds the ranking (it passed the profile's filter) and more voters said the
/// move made them wiser than said so of the reverse (weight above zero). Contested edges are kept, marked.
/// </summary>
public static class PreferenceRecords
{
    /// <summary>Every preference record of <paramref name="spec"/>, graph by graph, in edge order.</summary>
    public static IEnumerable<PreferenceRecord> Of(AlignmentSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // Positions only: the cards are made when a record needs them, so memory beyond the spec is one id per value.
        var positions = new Dictionary<string, int>(spec.Values.Count, StringComparer.Ordinal);
        var position = 0;
        foreach (var value in spec.Values)
        {
            positions.TryAdd(value.Id, position++);
        }

        var questions = spec.Questions.ToDictionary(q => q.Id, StringComparer.Ordinal);
        foreach (var graph in spec.Graphs)
        {
            var question = graph.QuestionId is { } questionId ? questions.GetValueOrDefault(questionId) : null;
            var count = 0;
            foreach (var edge in graph.Edges)
            {
                if ((++count & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (!HasRealSupport(edge) || !positions.TryGetValue(edge.WiserValueId, out var chosenAt) || !positions.TryGetValue(edge.SourceValueId, out var rejectedAt))
                {
                    continue;
                }

                var (chosen, rejected) = (Card(spec.Values[chosenAt]), Card(spec.Values[rejectedAt]));
                var context = graph.ContextText ?? string.Join("; ", edge.Contexts);
                yield return new PreferenceRecord(
                    $"{graph.QuestionId ?? "*"}/{graph.ContextId ?? "*"}/{edge.SourceValueId}>{edge.WiserValueId}",
                    graph.QuestionId, graph.ContextId, Prompt(question, context), chosen, rejected,
                    edge.Summary.WiserLikelihood, edge.Counts, Confidence(edge.Counts), edge.Contested);
            }
        }
    }

    private static PreferenceValue Card(SpecValue value) =>
        new(value.Id, value.Title, value.Description, value.Policies, [.. value.Members.Select(m => m.CardId)]) { Language = value.Language };

    /// <summary>True when the edge feeds the ranking and its weight is above zero.</summary>
    public static bool HasRealSupport(SpecEdge edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        return edge.InRanking && edge.Summary.WiserLikelihood > 0;
    }

    /// <summary>The prompt of a record: the question's prompt (when the graph has one question) and the context.</summary>
    public static string Prompt(SpecQuestion? question, string context) =>
        question is null ? $"Context: {context}" : $"{question.Prompt}\n\nContext: {context}";

    /// <summary>
    /// Wilson score 95 % lower bound of wiser / (wiser + not wiser + unsure + less wise): how sure the votes make it that
    /// most would call the move wiser, low on few votes however unanimous.
    /// </summary>
    public static double Confidence(SpecCounts.EdgeCounts tallies)
    {
        var n = (double)tallies.MarkedWiser + tallies.MarkedNotWiser + tallies.MarkedUnsure + tallies.MarkedLessWise;
        return n == 0 ? 0 : Statistics.WilsonInterval.Of(tallies.MarkedWiser, n).Low;
    }

    /// <summary>A number as the records write it (invariant, round-trip).</summary>
    internal static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
