using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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

/// <summary>
/// A model's translation of a value's words (title, description and attentional policies) into another of the study's
/// languages. It never replaces the original: voting shows it beside the value's own words, labelled as a machine
/// translation. <paramref name="SourceHash"/> pins the text it was made from, so a translation of words that have since
/// changed (an edit, a withdrawal that left the value speaking with another card) is known to be stale.
/// </summary>
/// <param name="ValueId">The canonical value.</param>
/// <param name="Language">The language translated into, as a lower-case primary tag (<c>es</c>).</param>
/// <param name="Title">The translated title.</param>
/// <param name="Description">The translated description.</param>
/// <param name="Policies">The translated policies, as many and in the same order as the original's.</param>
/// <param name="SourceHash">The <see cref="HashOf"/> of the original text translated.</param>
/// <param name="Provenance">The prompt, model and time.</param>
[Erasure.NotParticipantText("A model's translation of a value's card; it carries the card's words, so it is quoted text (MapQuotedText).")]
public sealed record ValueTranslated(string ValueId, string Language, string Title, string Description, IReadOnlyList<string> Policies, string SourceHash, ModelProvenance Provenance) : StudyEvent
{
    /// <summary>
    /// The participants whose words were translated: the author of the card the value spoke with when it was translated
    /// (<see cref="VoteItem.QuotedBy"/>). The log encrypts the translation with their key, so their withdrawal erases it.
    /// </summary>
    public IReadOnlyList<string>? Quotes { get; init; }

    /// <summary>True once the translation was erased because a participant it quotes withdrew.</summary>
    public bool IsErased => Title == Erasure.ParticipantText.Withdrawn;

    /// <summary>
    /// The SHA-256 (lower-case hex) of a value's original words, stable across runs and machines: the title, the
    /// description and each policy in order, serialized as one JSON array so no two different texts collide by joining.
    /// </summary>
    public static string HashOf(string title, string description, IReadOnlyList<string> policies)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(policies);
        string[] parts = [title, description, .. policies];
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(parts))));
    }

    /// <inheritdoc />
    public override StudyEvent MapQuotedText(Erasure.QuotedTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (Quotes is not { Count: > 0 } quoted)
        {
            return this;
        }

        var title = map("model.translation.title", quoted, Title);
        var description = map("model.translation.description", quoted, Description);
        var policies = Policies.Select(p => map("model.translation.policy", quoted, p)).ToList();
        var unchanged = ReferenceEquals(title, Title) && ReferenceEquals(description, Description) && policies.Select((p, i) => ReferenceEquals(p, Policies[i])).All(same => same);
        return unchanged ? this : this with { Title = title, Description = description, Policies = policies };
    }
}
