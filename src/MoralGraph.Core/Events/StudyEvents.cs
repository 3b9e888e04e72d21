using System.Text.Json.Serialization;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Events;

/// <summary>
/// Something that happened in a study. Everything a study holds is a sequence of these, appended to a
/// hash-chained log and never rewritten: merges, splits, withdrawals and changed votes are new events.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(StudyDefined), "study-defined")]
[JsonDerivedType(typeof(PhaseChanged), "phase-changed")]
[JsonDerivedType(typeof(CanonicalValueDefined), "canonical-value-defined")]
[JsonDerivedType(typeof(CardSubmitted), "card-submitted")]
[JsonDerivedType(typeof(ValuesMerged), "values-merged")]
[JsonDerivedType(typeof(CardSplit), "card-split")]
[JsonDerivedType(typeof(VoteCast), "vote-cast")]
[JsonDerivedType(typeof(ParticipantWithdrew), "participant-withdrew")]
[JsonDerivedType(typeof(ParticipantJoined), "participant-joined")]
[JsonDerivedType(typeof(QuestionChosen), "question-chosen")]
[JsonDerivedType(typeof(InterviewMessagePosted), "interview-message-posted")]
[JsonDerivedType(typeof(CardDraftSaved), "card-draft-saved")]
[JsonDerivedType(typeof(ValueMembershipAnswered), "value-membership-answered")]
[JsonDerivedType(typeof(VoteItemsDrawn), "vote-items-drawn")]
[JsonDerivedType(typeof(SurveyAnswered), "survey-answered")]
[JsonDerivedType(typeof(CardHidden), "card-hidden")]
[JsonDerivedType(typeof(CardRestored), "card-restored")]
[JsonDerivedType(typeof(CardFlagged), "card-flagged")]
[JsonDerivedType(typeof(CardFlagCleared), "card-flag-cleared")]
[JsonDerivedType(typeof(CardEdited), "card-edited")]
[JsonDerivedType(typeof(MergeProposed), "merge-proposed")]
[JsonDerivedType(typeof(MergeProposalDecided), "merge-proposal-decided")]
[JsonDerivedType(typeof(AnnouncementMade), "announcement-made")]
[JsonDerivedType(typeof(ExportRecorded), "export-recorded")]
[JsonDerivedType(typeof(SpecReleased), "spec-released")]
[JsonDerivedType(typeof(Assistance.ModelUsageRecorded), "model-usage-recorded")]
[JsonDerivedType(typeof(Assistance.ContextProposed), "context-proposed")]
[JsonDerivedType(typeof(Assistance.ContextProposalDecided), "context-proposal-decided")]
[JsonDerivedType(typeof(Assistance.TransitionStoryWritten), "transition-story-written")]
[JsonDerivedType(typeof(Assistance.CardModerated), "card-moderated")]
[JsonDerivedType(typeof(Assistance.ValueTranslated), "value-translated")]
[JsonDerivedType(typeof(Access.FacilitatorAccountCreated), "facilitator-account-created")]
[JsonDerivedType(typeof(Access.FacilitatorPasswordChanged), "facilitator-password-changed")]
[JsonDerivedType(typeof(Access.FacilitatorRoleGranted), "facilitator-role-granted")]
[JsonDerivedType(typeof(Access.FacilitatorRoleRevoked), "facilitator-role-revoked")]
[JsonDerivedType(typeof(Access.FacilitatorAccountDisabled), "facilitator-account-disabled")]
[JsonDerivedType(typeof(Access.ApiKeyIssued), "api-key-issued")]
[JsonDerivedType(typeof(Access.ApiKeyRevoked), "api-key-revoked")]
public abstract record StudyEvent
{
    /// <summary>The study's slug.</summary>
    public required string StudyId { get; init; }

    /// <summary>When it happened (from the caller's <see cref="TimeProvider"/>, or the source data on import).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Who did it: a pseudonymous participant id, a facilitator, "import" or "system".</summary>
    public required string Actor { get; init; }

    /// <summary>
    /// When set, at most one event with this key is ever stored: a replayed submission (double click,
    /// retried request) returns the first event instead of writing a second.
    /// </summary>
    [JsonIgnore]
    public virtual string? IdempotencyKey => null;

    /// <summary>
    /// True when <paramref name="other"/> is the same submission as this one, apart from when it was made: a
    /// replay (same content) is harmless, the same key with other content is a conflict.
    /// </summary>
    public bool IsSameSubmissionAs(StudyEvent other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return EventHashChain.Serialize(WithoutTimes()) == EventHashChain.Serialize(other.WithoutTimes());
    }

    /// <summary>This event with every timestamp cleared, for <see cref="IsSameSubmissionAs"/>.</summary>
    protected virtual StudyEvent WithoutTimes() => this with { OccurredAt = default };

    /// <summary>
    /// The participant whose own words this event carries (see <see cref="MapParticipantText"/>); null when it carries
    /// none, or when it does not say whose they are (a facilitator's <see cref="CardEdited"/> without its author).
    /// </summary>
    public virtual string? ParticipantTextOwner() => null;

    /// <summary>
    /// This event with every text its participant wrote (interview messages, card drafts and cards, vote comments)
    /// passed through <paramref name="map"/>: how the event log encrypts and decrypts them, and how a withdrawal erases
    /// them. An event type without such text returns itself and carries <see cref="Erasure.NotParticipantTextAttribute"/>.
    /// </summary>
    public virtual StudyEvent MapParticipantText(Erasure.ParticipantTextMap map) => this;

    /// <summary>
    /// This event with every text that quotes other participants' words (the transition stories shown with wiser-than
    /// items, made from the two values' cards) passed through <paramref name="map"/> with the participants it quotes;
    /// the event itself when <paramref name="map"/> changes nothing. The log encrypts such a text with the key of each
    /// one quoted, so any of their withdrawals erases it.
    /// </summary>
    public virtual StudyEvent MapQuotedText(Erasure.QuotedTextMap map) => this;
}

/// <summary>A study was created or its definition replaced (questions, contexts, red lines, languages).</summary>
[Erasure.NotParticipantText("The study's definition, written by its owners.")]
public sealed record StudyDefined(Study Study) : StudyEvent;

/// <summary>The study moved to another phase.</summary>
[Erasure.NotParticipantText("A phase.")]
public sealed record PhaseChanged(StudyPhase Phase) : StudyEvent;

/// <summary>A canonical value was brought in whole (e.g. from MAI's dump, where member cards are not linked).</summary>
[Erasure.NotParticipantText("A value brought in whole by an import, not written in this study.")]
public sealed record CanonicalValueDefined(CanonicalValue Value) : StudyEvent
{
    /// <summary>The question the value answers; null when it may be compared under any question (e.g. MAI's shared values).</summary>
    public string? QuestionId { get; init; }
}

/// <summary>A participant confirmed a values card. It starts as its own canonical value, with the card's id.</summary>
public sealed record CardSubmitted(string CardId, string ParticipantId, string QuestionId, string Title, string Description, IReadOnlyList<string> Policies) : StudyEvent
{
    /// <summary>The event for a validated card: the only way cards should enter a study.</summary>
    public static CardSubmitted From(Elicitation.ValuesCard card, string studyId, string questionId, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(card);
        return new CardSubmitted(card.Id, card.ParticipantId, questionId, card.Title, card.Description, card.Policies)
        {
            StudyId = studyId, OccurredAt = occurredAt, Actor = card.ParticipantId,
        };
    }

    /// <inheritdoc />
    public override string? IdempotencyKey => $"card:{StudyId}:{CardId}";

    /// <inheritdoc />
    public override string? ParticipantTextOwner() => ParticipantId;

    /// <inheritdoc />
    public override StudyEvent MapParticipantText(Erasure.ParticipantTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return this with { Title = map("card.title", Title), Description = map("card.description", Description), Policies = [.. Policies.Select(p => map("card.policy", p))] };
    }
}

/// <summary>Every card of <paramref name="FromValueId"/> joins <paramref name="IntoValueId"/> (dedup or a facilitator).</summary>
[Erasure.NotParticipantText("Value ids and the deduplicator's or a facilitator's reason.")]
public sealed record ValuesMerged(string FromValueId, string IntoValueId, string Reason) : StudyEvent;

/// <summary>A card leaves its canonical value and becomes the value <paramref name="NewValueId"/> (a participant said "not my value", or a facilitator split it).</summary>
[Erasure.NotParticipantText("Ids and a fixed reason.")]
public sealed record CardSplit(string CardId, string NewValueId, string Reason) : StudyEvent
{
    /// <summary>One split per card and new value: a retried "not my value" (two tabs, a double click) is stored once.</summary>
    public override string? IdempotencyKey => $"split:{StudyId}:{CardId}:{NewValueId}";
}

/// <summary>A wiser-than vote was cast.</summary>
public sealed record VoteCast(WiserThanVote Vote) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"vote:{StudyId}:{Vote.VoteId}";

    /// <inheritdoc />
    protected override StudyEvent WithoutTimes() => this with { OccurredAt = default, Vote = Vote with { CastAt = default } };

    /// <inheritdoc />
    public override string? ParticipantTextOwner() => Vote.ParticipantId;

    /// <inheritdoc />
    /// <remarks>The comment is the voter's; the story they were shown is not.</remarks>
    public override StudyEvent MapParticipantText(Erasure.ParticipantTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Vote.Comment is { } comment ? this with { Vote = Vote with { Comment = map("vote.comment", comment) } } : this;
    }

    /// <inheritdoc />
    public override StudyEvent MapQuotedText(Erasure.QuotedTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (Vote.Story is not { } story || Vote.StoryQuotes is not { Count: > 0 } quoted)
        {
            return this;
        }

        var mapped = map("vote.story", quoted, story);
        return ReferenceEquals(mapped, story) ? this : this with { Vote = Vote with { Story = mapped } };
    }
}

/// <summary>A participant withdrew: their cards, votes and answers are excluded from everything from now on.</summary>
[Erasure.NotParticipantText("An id.")]
public sealed record ParticipantWithdrew(string ParticipantId) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"withdraw:{StudyId}:{ParticipantId}";
}
