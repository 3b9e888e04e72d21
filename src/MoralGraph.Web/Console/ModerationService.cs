using Microsoft.Extensions.Localization;
using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Deduplication;
using MoralGraph.LanguageModels.Jobs;

namespace MoralGraph.Web.Console;

/// <summary>A moderation request the console refuses; the message says why, for the facilitator. Nothing is stored.</summary>
/// <param name="message">What is wrong.</param>
public sealed class ModerationRefusedException(string message) : Exception(message);

/// <summary>What "propose merges" did.</summary>
/// <param name="Proposed">New proposals made now (none when <paramref name="Queued"/>: they come with the job).</param>
/// <param name="Queued">True when a model judges the cards in a background job and its proposals arrive later.</param>
public sealed record MergeProposalRun(int Proposed, bool Queued);

/// <summary>
/// Every facilitator action on a study, as audited events in the hash-chained log with who did it: hide and restore
/// cards, flag them, correct typos (both versions kept), merge and split values, decide merge proposals, run
/// deduplication into the review queue, announce, and move the phase. Callers check the facilitator's role first.
/// When a model is configured (<paramref name="modelDeduplication"/> registered), deduplication is a background job whose
/// proposals reach the queue when the model has judged; otherwise the offline deduplicator proposes at once.
/// A refusal says why in the console's language (<paramref name="consoleText"/>), for the facilitator who asked.
/// </summary>
public sealed class ModerationService(
    IEventLog log, StudyRepository studies, IValueDeduplicator deduplicator, TimeProvider time, IStringLocalizer<ConsoleText> consoleText,
    ModelDeduplicationJobs? modelDeduplication = null)
{
    /// <summary>Most characters in a reason.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The reason recorded when a facilitator restores a card without typing one.</summary>
    public const string RestoredWithoutReason = "restored by a facilitator";

    /// <summary>Hides a card from the draw, the graph and exports.</summary>
    public async Task HideCardAsync(string slug, string cardId, string reason, string actor, CancellationToken cancellationToken = default)
    {
        await RequireCardAsync(slug, cardId, cancellationToken);
        await AppendAsync(new CardHidden(cardId, Reason(reason)) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = actor }, cancellationToken);
    }

    /// <summary>Brings a hidden card back.</summary>
    public async Task RestoreCardAsync(string slug, string cardId, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var state = await RequireCardAsync(slug, cardId, cancellationToken);
        if (!state.HiddenCards.ContainsKey(cardId))
        {
            throw new ModerationRefusedException(consoleText["Moderation.Refused.NotHidden"]);
        }

        // Taking a card out of play needs a reason for the audit page; bringing it back undoes that, so a reason is optional.
        var why = string.IsNullOrWhiteSpace(reason) ? RestoredWithoutReason : Reason(reason);
        await AppendAsync(new CardRestored(cardId, why) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = actor }, cancellationToken);
    }

    /// <summary>Flags a card for attention; it stays in play.</summary>
    public async Task FlagCardAsync(string slug, string cardId, string reason, string actor, CancellationToken cancellationToken = default)
    {
        await RequireCardAsync(slug, cardId, cancellationToken);
        await AppendAsync(new CardFlagged(cardId, Reason(reason)) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = actor }, cancellationToken);
    }

    /// <summary>Clears a card's flag.</summary>
    public async Task ClearFlagAsync(string slug, string cardId, string actor, CancellationToken cancellationToken = default)
    {
        await RequireCardAsync(slug, cardId, cancellationToken);
        await AppendAsync(new CardFlagCleared(cardId) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = actor }, cancellationToken);
    }

    /// <summary>Corrects a card's text under the same rules its author met; returns every problem when the edit is refused.</summary>
    public async Task<IReadOnlyList<ValidationProblem>> EditCardAsync(string slug, string cardId, CardDraft draft, string reason, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var state = await RequireCardAsync(slug, cardId, cancellationToken);
        var card = state.FindCard(cardId)!;
        var result = ValuesCard.Create(cardId, card.ParticipantId, draft.Title, draft.Description, draft.Policies, ValuesCardRules.Strict.ForLanguage(state.Study!.Languages[0]));
        if (!result.IsValid)
        {
            return result.Problems;
        }

        var edited = result.Value!;
        await AppendAsync(new CardEdited(cardId, edited.Title, edited.Description, edited.Policies, Reason(reason)) { ParticipantId = card.ParticipantId, StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = actor }, cancellationToken);
        return [];
    }

    /// <summary>Merges one value into another (a facilitator's merge is a decision deduplication keeps).</summary>
    public async Task MergeValuesAsync(string slug, string fromValueId, string intoValueId, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var state = await RequireStudyAsync(slug, cancellationToken);
        var values = state.ToSnapshot().Values.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        if (fromValueId == intoValueId || !values.Contains(fromValueId) || !values.Contains(intoValueId))
        {
            throw new ModerationRefusedException(consoleText["Moderation.Refused.MergeValues"]);
        }

        await AppendAsync(new ValuesMerged(fromValueId, intoValueId, Reason(reason)) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = actor }, cancellationToken);
    }

    /// <summary>Takes a card out of its value into a value of its own; returns the new value's id.</summary>
    public async Task<string> SplitCardAsync(string slug, string cardId, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var state = await RequireCardAsync(slug, cardId, cancellationToken);
        if (state.ValueOfCard(cardId) is not { } current || state.CurrentCards().Count(c => c.ValueId == current) < 2)
        {
            throw new ModerationRefusedException(consoleText["Moderation.Refused.OnlyCard"]);
        }

        var newValueId = $"{cardId}-split-{state.EventCount}";
        await AppendAsync(new CardSplit(cardId, newValueId, Reason(reason)) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = actor }, cancellationToken);
        return newValueId;
    }

    /// <summary>Accepts (and carries out) or rejects a merge proposal.</summary>
    public async Task DecideProposalAsync(string slug, string proposalId, bool accept, string actor, CancellationToken cancellationToken = default)
    {
        var state = await RequireStudyAsync(slug, cancellationToken);
        var proposal = state.PendingMergeProposals().FirstOrDefault(p => p.ProposalId == proposalId)
            ?? throw new ModerationRefusedException(consoleText["Moderation.Refused.ProposalGone"]);
        var now = time.GetUtcNow();
        var events = new List<StudyEvent> { new MergeProposalDecided(proposalId, accept) { StudyId = slug, OccurredAt = now, Actor = actor } };
        if (accept)
        {
            events.Add(new ValuesMerged(state.ResolveValue(proposal.FromValueId), state.ResolveValue(proposal.IntoValueId), $"accepted proposal: {proposal.Reason}")
            {
                StudyId = slug, OccurredAt = now, Actor = actor,
            });
        }

        // The decision and its merge in one transaction: an accepted proposal is never left unmerged.
        await log.AppendAllAsync(events, cancellationToken);
    }

    /// <summary>True when a model judges deduplication in the background.</summary>
    public bool DeduplicatesWithModel => modelDeduplication is not null;

    /// <summary>
    /// Runs deduplication into the review queue: with a model, queues the judge's job and returns at once (refused while
    /// one is queued or running); without, proposes the offline deduplicator's merges now.
    /// </summary>
    public async Task<MergeProposalRun> ProposeMergesAsync(string slug, CancellationToken cancellationToken = default)
    {
        var state = await RequireStudyAsync(slug, cancellationToken);
        if (modelDeduplication is not null)
        {
            return modelDeduplication.TryEnqueue(slug)
                ? new MergeProposalRun(0, Queued: true)
                : throw new ModerationRefusedException(consoleText["Moderation.Refused.AlreadyJudging"]);
        }

        var proposals = await StudyDeduplication.ProposeForReviewAsync(state, deduplicator, time.GetUtcNow(), cancellationToken);
        if (proposals.Count > 0)
        {
            await log.AppendAllAsync(proposals, cancellationToken);
        }

        return new MergeProposalRun(proposals.Count, Queued: false);
    }

    /// <summary>The study's latest model deduplication job, or null (no model, or no job since the app started).</summary>
    public ModelJobStatus? DeduplicationStatus(string slug) => modelDeduplication?.StatusOf(slug);

    /// <summary>Calls <paramref name="onChange"/> whenever the study's model deduplication job changes state; null when there is no model.</summary>
    public IDisposable? WatchDeduplication(string slug, Action onChange) => modelDeduplication?.Watch(slug, _ => onChange());

    /// <summary>Sends a short message to every participant of the study.</summary>
    public async Task AnnounceAsync(string slug, string text, string actor, CancellationToken cancellationToken = default)
    {
        await RequireStudyAsync(slug, cancellationToken);
        var message = (text ?? string.Empty).Trim();
        if (message.Length is 0 or > AnnouncementMade.MaxLength)
        {
            throw new ModerationRefusedException(consoleText["Moderation.Refused.Announcement", AnnouncementMade.MaxLength]);
        }

        await AppendAsync(new AnnouncementMade(Guid.NewGuid().ToString("N"), message) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = actor }, cancellationToken);
    }

    /// <summary>Moves the study to a later phase (phases never move back).</summary>
    public async Task ChangePhaseAsync(string slug, StudyPhase phase, string actor, CancellationToken cancellationToken = default)
    {
        var state = await RequireStudyAsync(slug, cancellationToken);
        if (!StudyPhases.CanMove(state.Study!.Phase, phase))
        {
            throw new ModerationRefusedException(consoleText["Moderation.Refused.PhaseBackward", consoleText[$"Settings.Phase.{state.Study.Phase}"].Value]);
        }

        await AppendAsync(new PhaseChanged(phase) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = actor }, cancellationToken);
    }

    private string Reason(string? reason)
    {
        var trimmed = (reason ?? string.Empty).Trim();
        return trimmed.Length is 0 or > MaxReasonLength
            ? throw new ModerationRefusedException(consoleText["Moderation.Refused.Reason", MaxReasonLength])
            : trimmed;
    }

    private async Task<StudyState> RequireStudyAsync(string slug, CancellationToken cancellationToken) =>
        await studies.LoadAsync(slug, cancellationToken) ?? throw new ModerationRefusedException(consoleText["Moderation.NoStudy", slug]);

    private async Task<StudyState> RequireCardAsync(string slug, string cardId, CancellationToken cancellationToken)
    {
        var state = await RequireStudyAsync(slug, cancellationToken);
        return state.FindCard(cardId) is null ? throw new ModerationRefusedException(consoleText["Moderation.Refused.NoCard", cardId]) : state;
    }

    private Task<RecordedEvent> AppendAsync(StudyEvent moderationEvent, CancellationToken cancellationToken) => log.AppendAsync(moderationEvent, cancellationToken);
}
