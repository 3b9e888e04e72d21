using System.Text.Json;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Events;

public sealed partial class StudyState
{
    /// <summary>
    /// Everything this state holds, as plain data that later events do not change: what a snapshot stores, and what two
    /// states are compared by (a state restored from a snapshot plus the events after it must capture exactly as the
    /// full replay of the log does). Costs one pass over the state's collections, copying references.
    /// </summary>
    public StudyStateCapture Capture() => new(
        StudyStateCapture.CurrentFormat,
        EventCount,
        Study,
        [.. _cards.Values],
        new Dictionary<string, string>(_valueOfCard, StringComparer.Ordinal),
        _cardsOfValue.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal),
        [.. _definedValues.Values.Select(v => new DefinedValueCapture(v, _definedValueQuestion.GetValueOrDefault(v.Id)))],
        [.. _valueOrder],
        [.. _withdrawn],
        new Dictionary<string, string>(_mergedInto, StringComparer.Ordinal),
        [.. _decisions],
        // Hidden cards and flags can be removed again, which leaves a dictionary's enumeration order to its history of
        // removals; sorted, the capture says only what is hidden or flagged now.
        new SortedDictionary<string, string>(_hidden, StringComparer.Ordinal),
        new SortedDictionary<string, string>(_flags, StringComparer.Ordinal),
        new SortedDictionary<string, CardHold>(_holds, StringComparer.Ordinal),
        [.. _originals.Values],
        new Dictionary<string, string>(_splitInto, StringComparer.Ordinal),
        [.. _proposals.Values],
        [.. _announcements],
        new Dictionary<string, ExportRecorded>(_latestExports, StringComparer.Ordinal),
        [.. Votes.History],
        [.. _submissionKeys.Order()],
        Participation.Capture(),
        Assistance.Capture(),
        [.. _releases]);

    /// <summary>The state <paramref name="capture"/> was taken from.</summary>
    public static StudyState Restore(StudyStateCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        if (capture.Format != StudyStateCapture.CurrentFormat)
        {
            throw new NotSupportedException($"A study state captured in format {capture.Format} cannot be restored by this version (format {StudyStateCapture.CurrentFormat}).");
        }

        var state = new StudyState { EventCount = capture.EventCount, Study = capture.Study };
        foreach (var card in capture.Cards)
        {
            state._cards.Add(card.CardId, card);
        }

        foreach (var (cardId, valueId) in capture.ValueOfCard)
        {
            state._valueOfCard.Add(cardId, valueId);
        }

        foreach (var (valueId, cards) in capture.CardsOfValue)
        {
            state._cardsOfValue.Add(valueId, [.. cards]);
        }

        foreach (var defined in capture.DefinedValues)
        {
            state._definedValues.Add(defined.Value.Id, defined.Value);
            state._definedValueQuestion.Add(defined.Value.Id, defined.QuestionId);
        }

        state._valueOrder.AddRange(capture.ValueOrder);
        state._withdrawn.UnionWith(capture.Withdrawn);
        AddAll(state._mergedInto, capture.MergedInto);
        state._decisions.AddRange(capture.Decisions);
        AddAll(state._hidden, capture.Hidden);
        AddAll(state._flags, capture.Flags);
        AddAll(state._holds, capture.Holds);
        foreach (var original in capture.Originals)
        {
            state._originals.Add(original.CardId, original);
        }

        AddAll(state._splitInto, capture.SplitInto);
        foreach (var proposal in capture.MergeProposals)
        {
            state._proposals.Add(proposal.ProposalId, proposal);
        }

        state._announcements.AddRange(capture.Announcements);
        AddAll(state._latestExports, capture.LatestExports);
        state._releases.AddRange(capture.Releases);
        state._submissionKeys.UnionWith(capture.SubmissionKeys);
        state.Participation.Restore(capture.Participation);
        state.Assistance.Restore(capture.Assistance, capture.Withdrawn);

        // What the ledger and each participant's record derive from the votes is rebuilt by appending them again, in order.
        foreach (var vote in capture.Votes)
        {
            state.Votes.Append(vote);
            state.Participation.Find(vote.ParticipantId)?.MarkVoted(vote.Key);
        }

        state.RebuildLookups();

        return state;
    }

    private static void AddAll<TValue>(Dictionary<string, TValue> target, IEnumerable<KeyValuePair<string, TValue>> source)
    {
        foreach (var (key, value) in source)
        {
            target.Add(key, value);
        }
    }
}

/// <summary>A canonical value brought in whole, with the question it was defined for.</summary>
/// <param name="Value">The value as defined.</param>
/// <param name="QuestionId">Its question, or null for any question.</param>
public sealed record DefinedValueCapture(CanonicalValue Value, string? QuestionId);

/// <summary>
/// A <see cref="StudyState"/> as plain data (see <see cref="StudyState.Capture"/>). Collections keep the order the state
/// keeps them in, because readers depend on it (a value speaks with its earliest card's words).
/// </summary>
public sealed record StudyStateCapture(
    int Format,
    long EventCount,
    Study? Study,
    IReadOnlyList<CardSubmitted> Cards,
    IReadOnlyDictionary<string, string> ValueOfCard,
    IReadOnlyDictionary<string, IReadOnlyList<string>> CardsOfValue,
    IReadOnlyList<DefinedValueCapture> DefinedValues,
    IReadOnlyList<string> ValueOrder,
    IReadOnlyList<string> Withdrawn,
    IReadOnlyDictionary<string, string> MergedInto,
    IReadOnlyList<DedupOverride> Decisions,
    IReadOnlyDictionary<string, string> Hidden,
    IReadOnlyDictionary<string, string> Flags,
    IReadOnlyDictionary<string, CardHold> Holds,
    IReadOnlyList<CardSubmitted> Originals,
    IReadOnlyDictionary<string, string> SplitInto,
    IReadOnlyList<MergeProposal> MergeProposals,
    IReadOnlyList<AnnouncementMade> Announcements,
    IReadOnlyDictionary<string, ExportRecorded> LatestExports,
    IReadOnlyList<WiserThanVote> Votes,
    IReadOnlyList<ulong> SubmissionKeys,
    IReadOnlyList<ParticipantCapture> Participation,
    AssistanceCapture Assistance,
    IReadOnlyList<SpecReleased> Releases)
{
    /// <summary>The format this version writes; a snapshot in another format is not used (the log is replayed instead).</summary>
    /// <remarks>
    /// 2: held cards (format 1 did not keep them, so its snapshots would restore held cards into play). 3: releases
    /// (a format 2 snapshot would restore a study without them, and its next release would be numbered v1 again).
    /// </remarks>
    public const int CurrentFormat = 3;

    /// <summary>The capture as UTF-8 JSON, the way snapshots store it.</summary>
    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, EventHashChain.JsonOptions);

    /// <summary>Writes the capture as UTF-8 JSON to <paramref name="output"/>.</summary>
    public Task WriteJsonAsync(Stream output, CancellationToken cancellationToken = default) =>
        JsonSerializer.SerializeAsync(output, this, EventHashChain.JsonOptions, cancellationToken);

    /// <summary>Reads a capture written by <see cref="WriteJsonAsync"/> or <see cref="ToJsonBytes"/>.</summary>
    public static async Task<StudyStateCapture> ReadJsonAsync(Stream input, CancellationToken cancellationToken = default) =>
        await JsonSerializer.DeserializeAsync<StudyStateCapture>(input, EventHashChain.JsonOptions, cancellationToken).ConfigureAwait(false)
        ?? throw new JsonException("A study state capture was empty.");
}

/// <summary>One participant's record as plain data.</summary>
public sealed record ParticipantCapture(
    string Id, DateTimeOffset JoinedAt, string ResumeCodeHash, string Language, string? InviteCode, string? QuestionId,
    IReadOnlyList<Interview.InterviewMessage> Transcript, CardDraftSaved? Draft, string? CardId, IReadOnlyDictionary<string, bool> MembershipAnswers,
    IReadOnlyList<VoteItemsDrawn> Draws, IReadOnlyDictionary<string, int>? Survey, bool Withdrawn);

/// <summary>What models did for a study, as plain data.</summary>
/// <param name="Usage">Every call's tokens together.</param>
/// <param name="UsageByCapability">Token use per capability.</param>
/// <param name="ContextProposals">Proposed contexts.</param>
/// <param name="Stories">Model-written stories.</param>
/// <param name="ModeratedCards">Cards a moderation pass checked.</param>
/// <param name="Translations">
/// The latest translation per value and language; null in snapshots written before translations were kept (such a
/// snapshot of a study without translations restores as it was).
/// </param>
public sealed record AssistanceCapture(
    ModelUsageTotals Usage, IReadOnlyDictionary<string, ModelUsageTotals> UsageByCapability, IReadOnlyList<ContextProposal> ContextProposals,
    IReadOnlyList<TransitionStoryWritten> Stories, IReadOnlyList<string> ModeratedCards, IReadOnlyList<ValueTranslated>? Translations = null);
