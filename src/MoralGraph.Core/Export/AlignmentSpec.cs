using System.Text.Json.Serialization;
using MoralGraph.Core.Legitimacy;

namespace MoralGraph.Core.Export;

#pragma warning disable CS1591 // The JSON Schema (Export/Schema/alignment-spec.v1.schema.json) documents every field.

/// <summary>
/// The alignment spec, version 1: what ML teams download. Field names and meanings are fixed by
/// <c>alignment-spec.v1.schema.json</c>; add fields, never rename them.
/// Layers, in order of precedence: red lines over community values over individual latitude.
/// Counts and content hash come last when serialized, as <see cref="AlignmentSpecJson"/> streams them, after the optional blocks.
/// </summary>
public sealed record AlignmentSpec(
    string SchemaVersion,
    string? GeneratedAt,
    SpecStudy Study,
    IReadOnlyList<SpecQuestion> Questions,
    IReadOnlyList<string> Precedence,
    SpecLayers Layers,
    IReadOnlyList<SpecValue> Values,
    IReadOnlyList<SpecGraph> Graphs,
    IReadOnlyList<SpecContestedEdge> ContestedEdges,
    SpecAlgorithm Algorithm,
    [property: JsonPropertyOrder(1)] SpecCounts Counts,
    [property: JsonPropertyOrder(1)] string? ContentHash)
{
    /// <summary>The schema version this code writes.</summary>
    public const string CurrentSchemaVersion = "1.4.0";

    /// <summary>Since 1.2.0: the release this spec is (<c>v1</c>, <c>v2</c>, … per study); null for an export of the live graph.</summary>
    public string? ReleaseId { get; init; }

    /// <summary>Since 1.2.0: the study's release before this one; null for the first release and for exports of the live graph.</summary>
    public string? PreviousReleaseId { get; init; }

    /// <summary>Since 1.3.0: the survey's agreement figures and the step counts (issue 15); null when no one took part through the app (an import).</summary>
    public LegitimacyReport? Legitimacy { get; init; }

    /// <summary>Since 1.3.0: the voters' opinion groups and each context's bridging scores; null where the profile does not group voters (mai-2023).</summary>
    public SpecBridging? Bridging { get; init; }
}

public sealed record SpecStudy(string Slug, string Title, string Description, IReadOnlyList<string> Languages, string Phase);

public sealed record SpecQuestion(string Id, string Title, string Prompt, IReadOnlyList<SpecContext> Contexts);

public sealed record SpecContext(string Id, string Text);

public sealed record SpecLayers(IReadOnlyList<SpecRedLine> RedLines, IReadOnlyList<SpecCommunityValues> CommunityValues, IReadOnlyList<SpecLatitude> IndividualLatitude);

public sealed record SpecRedLine(string Id, string Statement, string Source);

public sealed record SpecCommunityValues(string? QuestionId, string? ContextId, string? ContextText, IReadOnlyList<string> WinningValueIds);

public sealed record SpecLatitude(string? QuestionId, string? ContextId, string? ContextText, IReadOnlyList<SpecLatitudeValue> Values);

public sealed record SpecLatitudeValue(string ValueId, int WiserVotesReceived, double? WinShare);

public sealed record SpecValue(string Id, string Title, string Description, IReadOnlyList<string> Policies, IReadOnlyList<SpecMember> Members, int ParticipantCount)
{
    /// <summary>Since 1.4.0: the language the value is written in (its earliest card's), a lower-case primary tag such as <c>es</c>; null in older files.</summary>
    public string? Language { get; init; }

    /// <summary>Since 1.4.0: model translations of the value's current words, ordered by language; null when there are none.</summary>
    public IReadOnlyList<SpecTranslation>? Translations { get; init; }
}

public sealed record SpecTranslation(string Language, string Title, string Description, IReadOnlyList<string> Policies, SpecProvenance Provenance);

public sealed record SpecProvenance(string Model, string PromptId, string PromptHash, double? Temperature, string At);

public sealed record SpecMember(string CardId, string ParticipantId)
{
    /// <summary>Since 1.4.0: the language the card is written in (its author's), a lower-case primary tag; null in older files.</summary>
    public string? Language { get; init; }
}

public sealed record SpecGraph(
    string? QuestionId, string? ContextId, string? ContextText, int ParticipantCount, int Iterations,
    IReadOnlyList<SpecRanking> Ranking, IReadOnlyList<SpecEdge> Edges)
{
    public double? BaselineScore { get; init; }
}

public sealed record SpecRanking(string ValueId, int Rank, double Score, double? WinShare, double? ScoreLow, double? ScoreHigh);

public sealed record SpecEdge(
    string SourceValueId, string WiserValueId, IReadOnlyList<string> Contexts, SpecCounts.EdgeCounts Counts, SpecEdgeSummary Summary,
    bool InRanking, bool Contested, string? ContestedReason)
{
    /// <summary>Since 1.1.0: the contexts by id, on edges of a graph over several contexts.</summary>
    public IReadOnlyList<SpecContextRef>? ContextRefs { get; init; }
}

public sealed record SpecContextRef(string QuestionId, string ContextId);

public readonly record struct SpecEdgeSummary(double WiserLikelihood, double Entropy);

public sealed record SpecContestedEdge(string? QuestionId, string? ContextId, string SourceValueId, string WiserValueId, string Reason);

public sealed record SpecAlgorithm(string Profile, IReadOnlyDictionary<string, string> Parameters, string CodeVersion, string Fingerprint);

public sealed record SpecCounts(int Participants, int Values, int Cards, int Votes, int Edges, int Graphs)
{
    public readonly record struct EdgeCounts(int MarkedWiser, int MarkedNotWiser, int MarkedLessWise, int MarkedUnsure, int Impressions);
}

public sealed record SpecBridging(
    string Method, int Seed, int K, IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<SpecOpinionGroup> Groups, int Unassigned,
    double? Silhouette, string? Reason, IReadOnlyList<SpecBridgingContext> Contexts);

public sealed record SpecOpinionGroup(int Group, int Size);

public sealed record SpecBridgingContext(
    string? QuestionId, string? ContextId, IReadOnlyList<int> GroupVoters, string? TopBridgingValueId, IReadOnlyList<SpecBridgingValue> Values);

public sealed record SpecBridgingValue(string ValueId, bool Winning, double? BridgingScore, IReadOnlyList<SpecGroupSupport> Groups);

public sealed record SpecGroupSupport(int Group, int Endorsing, int Votes, double? Support, double SupportLow);
