using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Assistance;

/// <summary>A model call's token use, counted against the study's budget.</summary>
/// <param name="Capability">What the call was for (<see cref="ModelCapabilities"/>).</param>
/// <param name="Provenance">The prompt, model and time of the call.</param>
/// <param name="InputTokens">Tokens sent, as reported by the provider (0 when it reports none).</param>
/// <param name="OutputTokens">Tokens received, as reported by the provider.</param>
[Erasure.NotParticipantText("Token counts and a model's provenance.")]
public sealed record ModelUsageRecorded(string Capability, ModelProvenance Provenance, long InputTokens, long OutputTokens) : StudyEvent;

/// <summary>A "When …" context a model (or a facilitator) proposes for a question; facilitators accept or reject it.</summary>
/// <param name="ProposalId">Stable id: the same text proposed again for the same question is the same proposal.</param>
/// <param name="QuestionId">The question.</param>
/// <param name="Text">The context, starting "When".</param>
/// <param name="Source">Where it came from: <c>question</c>, or <c>transcript:{participant id}</c>.</param>
[Erasure.NotParticipantText("A context a model or facilitator worded, and where it came from.")]
public sealed record ContextProposed(string ProposalId, string QuestionId, string Text, string Source) : StudyEvent
{
    /// <summary>The model that proposed it, when a model did.</summary>
    public ModelProvenance? Provenance { get; init; }

    /// <inheritdoc />
    public override string? IdempotencyKey => $"context-proposal:{StudyId}:{ProposalId}";
}

/// <summary>A facilitator accepted or rejected a proposed context; an accepted one is followed by a study revision adding it.</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="Accepted">The decision.</param>
[Erasure.NotParticipantText("An id and a decision.")]
public sealed record ContextProposalDecided(string ProposalId, bool Accepted) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"context-proposal-decided:{StudyId}:{ProposalId}";
}

/// <summary>
/// A model-written transition story for moving from one value to another in a context: the vote draw shows it
/// instead of the template story. Stories are written for both directions of a pair.
/// </summary>
/// <param name="Context">The question and context.</param>
/// <param name="FromValueId">Value A.</param>
/// <param name="ToValueId">Value B.</param>
/// <param name="Story">The first-person story.</param>
/// <param name="Provenance">The prompt, model and time.</param>
[Erasure.NotParticipantText("A story a model wrote about two values; it paraphrases their cards, so it is quoted text (MapQuotedText).")]
public sealed record TransitionStoryWritten(ContextRef Context, string FromValueId, string ToValueId, string Story, ModelProvenance Provenance) : StudyEvent
{
    /// <summary>Most characters in a story.</summary>
    public const int MaxLength = 1200;

    /// <summary>The participants whose cards the two values spoke with when it was written (<see cref="VoteItem.QuotedParticipants"/>).</summary>
    public IReadOnlyList<string>? Quotes { get; init; }

    /// <inheritdoc />
    public override StudyEvent MapQuotedText(Erasure.QuotedTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (Quotes is not { Count: > 0 } quoted)
        {
            return this;
        }

        var mapped = map("model.story", quoted, Story);
        return ReferenceEquals(mapped, Story) ? this : this with { Story = mapped };
    }
}

/// <summary>
/// A model's moderation pass checked a card (whether or not it raised a <see cref="Events.CardFlagged"/>), so the card is
/// not checked again — after a restart, or after a facilitator cleared the flag.
/// </summary>
/// <param name="CardId">The card.</param>
/// <param name="Flagged">True when the pass flagged it.</param>
/// <param name="Provenance">The prompt, model and time of the check.</param>
[Erasure.NotParticipantText("An id and a model's provenance.")]
public sealed record CardModerated(string CardId, bool Flagged, ModelProvenance Provenance) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"card-moderated:{StudyId}:{CardId}";
}
