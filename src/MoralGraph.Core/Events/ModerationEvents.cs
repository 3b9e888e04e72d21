namespace MoralGraph.Core.Events;

/// <summary>A facilitator hid a card: it leaves the voting draw, the graph and every export (a value left with no card goes with it).</summary>
/// <param name="CardId">The card.</param>
/// <param name="Reason">Why, for the audit page.</param>
[Erasure.NotParticipantText("A facilitator's reason.")]
public sealed record CardHidden(string CardId, string Reason) : StudyEvent;

/// <summary>A facilitator brought a hidden card back.</summary>
/// <param name="CardId">The card.</param>
/// <param name="Reason">Why.</param>
[Erasure.NotParticipantText("A facilitator's reason.")]
public sealed record CardRestored(string CardId, string Reason) : StudyEvent;

/// <summary>
/// A card was flagged for a facilitator's attention. A facilitator's flag leaves the card in play; a model's flag (one
/// with a <see cref="Provenance"/>) <b>holds</b> it: out of the voting draw, deduplication, the graph and every export
/// until a facilitator clears the flag (see <see cref="StudyState.HeldCards"/>).
/// </summary>
/// <param name="CardId">The card.</param>
/// <param name="Reason">What is wrong with it.</param>
[Erasure.NotParticipantText("A facilitator's or a moderation pass's reason.")]
public sealed record CardFlagged(string CardId, string Reason) : StudyEvent
{
    /// <summary>The model whose moderation pass raised the flag, when a model did.</summary>
    public Assistance.ModelProvenance? Provenance { get; init; }

    /// <summary>What kind of problem a model found (<see cref="ModerationCategories"/>); null for a facilitator's flag.</summary>
    public string? Category { get; init; }
}

/// <summary>A facilitator looked at a flagged card and cleared the flag (which releases a held card, see <see cref="StudyState.HeldCards"/>).</summary>
/// <param name="CardId">The card.</param>
[Erasure.NotParticipantText("An id.")]
public sealed record CardFlagCleared(string CardId) : StudyEvent;

/// <summary>The kinds of problem model moderation flags.</summary>
public static class ModerationCategories
{
    /// <summary>The card crosses one of the study's red lines.</summary>
    public const string RedLine = "red-line";

    /// <summary>Abuse: insults, harassment, attempts to instruct the moderator.</summary>
    public const string Abuse = "abuse";

    /// <summary>
    /// Personal data (a name with a phone number, an address). Clearing such a flag is not enough to release the card: its
    /// text must also have been corrected (<see cref="CardEdited"/>) after the flag, so what was flagged is never exported.
    /// </summary>
    public const string PersonalData = "personal-data";

    /// <summary>Every category, as the moderation prompt names them.</summary>
    public static IReadOnlyList<string> All { get; } = [RedLine, Abuse, PersonalData];

    /// <summary>
    /// The category of <paramref name="flag"/>: its own, or for a model's flag recorded before flags carried one, the one
    /// its reason names (the moderation pass wrote "Model moderation, personal-data: …").
    /// </summary>
    public static string? Of(CardFlagged flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        if (flag.Category is not null || flag.Provenance is null)
        {
            return flag.Category;
        }

        return All.FirstOrDefault(c => flag.Reason.StartsWith($"Model moderation, {c}", StringComparison.Ordinal)
            || (c == RedLine && flag.Reason.StartsWith("Model moderation, red line", StringComparison.Ordinal)));
    }
}

/// <summary>
/// A facilitator corrected a card's text (a typo). The card reads as edited from now on; the original stays in
/// the log, so both versions are kept.
/// </summary>
/// <param name="CardId">The card.</param>
/// <param name="Title">The corrected title.</param>
/// <param name="Description">The corrected description.</param>
/// <param name="Policies">The corrected policies.</param>
/// <param name="Reason">Why.</param>
public sealed record CardEdited(string CardId, string Title, string Description, IReadOnlyList<string> Policies, string Reason) : StudyEvent
{
    /// <summary>
    /// The card's author, whose words these still are and whose key encrypts them. The event log fills it in when the
    /// editor did not; events stored before it was recorded have none.
    /// </summary>
    public string? ParticipantId { get; init; }

    /// <inheritdoc />
    public override string? ParticipantTextOwner() => ParticipantId;

    /// <inheritdoc />
    /// <remarks>The reason is the facilitator's.</remarks>
    public override StudyEvent MapParticipantText(Erasure.ParticipantTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return this with { Title = map("edit.title", Title), Description = map("edit.description", Description), Policies = [.. Policies.Select(p => map("edit.policy", p))] };
    }
}

/// <summary>Deduplication proposes merging two values; nothing moves until a facilitator accepts.</summary>
/// <param name="ProposalId">Stable id (the same pair proposed again is the same proposal).</param>
/// <param name="FromValueId">The value that would join the other.</param>
/// <param name="IntoValueId">The value it would join.</param>
/// <param name="Reason">Why the deduplicator thinks they are the same value.</param>
[Erasure.NotParticipantText("Value ids and the deduplicator's reason.")]
public sealed record MergeProposed(string ProposalId, string FromValueId, string IntoValueId, string Reason) : StudyEvent
{
    /// <summary>The proposal id for a pair: one proposal per pair, whichever run finds it again.</summary>
    public static string IdFor(string fromValueId, string intoValueId) => $"merge:{fromValueId}>{intoValueId}";

    /// <summary>The model that judged the two values the same, when a model did.</summary>
    public Assistance.ModelProvenance? Provenance { get; init; }

    /// <inheritdoc />
    public override string? IdempotencyKey => $"proposal:{StudyId}:{ProposalId}";
}

/// <summary>A facilitator accepted or rejected a merge proposal. An accepted one is followed by its <see cref="ValuesMerged"/>.</summary>
/// <param name="ProposalId">The proposal.</param>
/// <param name="Accepted">The decision.</param>
[Erasure.NotParticipantText("An id and a decision.")]
public sealed record MergeProposalDecided(string ProposalId, bool Accepted) : StudyEvent
{
    /// <inheritdoc />
    public override string? IdempotencyKey => $"proposal-decided:{StudyId}:{ProposalId}";
}

/// <summary>A short message from the facilitators to every participant of the study.</summary>
/// <param name="AnnouncementId">Stable id.</param>
/// <param name="Text">The message (plain text).</param>
[Erasure.NotParticipantText("The facilitators' words.")]
public sealed record AnnouncementMade(string AnnouncementId, string Text) : StudyEvent
{
    /// <summary>Most characters in an announcement.</summary>
    public const int MaxLength = 500;

    /// <inheritdoc />
    public override string? IdempotencyKey => $"announcement:{StudyId}:{AnnouncementId}";
}
