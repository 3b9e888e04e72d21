using System.Security.Claims;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.Web.Access;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Console;

/// <summary>A card as the moderation page lists it: as it reads now and, when a facilitator corrected it, as its author wrote it.</summary>
/// <param name="CardId">The card.</param>
/// <param name="QuestionId">The question it answers.</param>
/// <param name="Title">Its title now.</param>
/// <param name="Description">Its description now.</param>
/// <param name="Policies">Its attentional policies now.</param>
/// <param name="ValueId">The canonical value it belongs to.</param>
/// <param name="ValueTitle">That value's title.</param>
/// <param name="CardsInValue">Cards in that value, this one included (a split needs two).</param>
/// <param name="SubmittedAt">When its author confirmed it.</param>
/// <param name="HiddenReason">Why it is hidden, or null.</param>
/// <param name="FlagReason">Why it is flagged, or null.</param>
/// <param name="Original">The card as first submitted, when it was edited since; else null.</param>
public sealed record ModeratedCard(
    string CardId, string QuestionId, string Title, string Description, IReadOnlyList<string> Policies, string ValueId, string ValueTitle, int CardsInValue,
    DateTimeOffset SubmittedAt, string? HiddenReason, string? FlagReason, CardSubmitted? Original)
{
    /// <summary>True when hidden from the draw, the graph and exports.</summary>
    public bool IsHidden => HiddenReason is not null;

    /// <summary>True when flagged for attention.</summary>
    public bool IsFlagged => FlagReason is not null;

    /// <summary>Why model moderation holds it out of the draw, deduplication, the graph and exports; null when it does not.</summary>
    public CardHold? Hold { get; init; }

    /// <summary>True when held (see <see cref="Hold"/>).</summary>
    public bool IsHeld => Hold is not null;
}

/// <summary>A canonical value a facilitator can merge.</summary>
/// <param name="ValueId">The value.</param>
/// <param name="Title">Its title.</param>
public sealed record ModeratedValue(string ValueId, string Title);

/// <summary>What the moderation page shows of a study.</summary>
/// <param name="Slug">The study.</param>
/// <param name="Title">Its title.</param>
/// <param name="Permissions">What the facilitator may do in it.</param>
/// <param name="Cards">Cards of participants who have not withdrawn, newest first, hidden ones included.</param>
/// <param name="Values">Current canonical values, in the order they entered the study.</param>
/// <param name="PendingMerges">Merge proposals waiting for a decision, oldest first.</param>
/// <param name="Announcements">Announcements sent so far, newest first.</param>
public sealed record ModerationView(
    string Slug, string Title, StudyPermissions Permissions, IReadOnlyList<ModeratedCard> Cards, IReadOnlyList<ModeratedValue> Values,
    IReadOnlyList<PendingMerge> PendingMerges, IReadOnlyList<AnnouncementMade> Announcements)
{
    /// <summary>True when a model judges deduplication in the background.</summary>
    public bool ModelDeduplication { get; init; }

    /// <summary>The latest model deduplication job (queued, running, done with its outcome, or failed), if any.</summary>
    public ModelJobStatus? DeduplicationJob { get; init; }

    /// <summary>True while a model deduplication job is queued or running.</summary>
    public bool DeduplicationPending => DeduplicationJob?.State is ModelJobState.Queued or ModelJobState.Running;
}

/// <summary>
/// The moderation page's actions on <see cref="ModerationService"/>, each after checking again that the signed-in
/// facilitator is a facilitator of the study (the page only hides buttons; a circuit can still send their events, and a
/// role can be revoked while the page is open) and recording their username as the actor.
/// </summary>
public sealed class StudyModeration(ModerationService moderation, ConsoleAuthorization authorization, StudyStates states)
{
    /// <summary>The study as the moderation page shows it, or null when there is no such study or <paramref name="user"/> may not read it.</summary>
    public async Task<ModerationView?> ViewAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        var permissions = await authorization.PermissionsAsync(user, slug);
        if (!permissions.CanRead)
        {
            return null;
        }

        var view = await states.ReadAsync(slug, (state, _) => Read(state, slug, permissions), cancellationToken);
        return view is null ? null : view with { ModelDeduplication = moderation.DeduplicatesWithModel, DeduplicationJob = moderation.DeduplicationStatus(slug) };
    }

    /// <summary>Hides a card, with a reason.</summary>
    public async Task HideCardAsync(ClaimsPrincipal user, string slug, string cardId, string reason, CancellationToken cancellationToken = default) =>
        await moderation.HideCardAsync(slug, cardId, reason, await RequireAsync(user, slug), cancellationToken);

    /// <summary>Brings a hidden card back, with a reason.</summary>
    public async Task RestoreCardAsync(ClaimsPrincipal user, string slug, string cardId, string reason, CancellationToken cancellationToken = default) =>
        await moderation.RestoreCardAsync(slug, cardId, reason, await RequireAsync(user, slug), cancellationToken);

    /// <summary>Flags a card, with a reason.</summary>
    public async Task FlagCardAsync(ClaimsPrincipal user, string slug, string cardId, string reason, CancellationToken cancellationToken = default) =>
        await moderation.FlagCardAsync(slug, cardId, reason, await RequireAsync(user, slug), cancellationToken);

    /// <summary>Clears a card's flag.</summary>
    public async Task ClearFlagAsync(ClaimsPrincipal user, string slug, string cardId, CancellationToken cancellationToken = default) =>
        await moderation.ClearFlagAsync(slug, cardId, await RequireAsync(user, slug), cancellationToken);

    /// <summary>Corrects a card; every problem when the edit is refused.</summary>
    public async Task<IReadOnlyList<ValidationProblem>> EditCardAsync(
        ClaimsPrincipal user, string slug, string cardId, CardDraft draft, string reason, CancellationToken cancellationToken = default) =>
        await moderation.EditCardAsync(slug, cardId, draft, reason, await RequireAsync(user, slug), cancellationToken);

    /// <summary>Merges one value into another.</summary>
    public async Task MergeValuesAsync(ClaimsPrincipal user, string slug, string fromValueId, string intoValueId, string reason, CancellationToken cancellationToken = default) =>
        await moderation.MergeValuesAsync(slug, fromValueId, intoValueId, reason, await RequireAsync(user, slug), cancellationToken);

    /// <summary>Takes a card out of its value into one of its own.</summary>
    public async Task<string> SplitCardAsync(ClaimsPrincipal user, string slug, string cardId, string reason, CancellationToken cancellationToken = default) =>
        await moderation.SplitCardAsync(slug, cardId, reason, await RequireAsync(user, slug), cancellationToken);

    /// <summary>Accepts or rejects a merge proposal.</summary>
    public async Task DecideProposalAsync(ClaimsPrincipal user, string slug, string proposalId, bool accept, CancellationToken cancellationToken = default) =>
        await moderation.DecideProposalAsync(slug, proposalId, accept, await RequireAsync(user, slug), cancellationToken);

    /// <summary>Runs deduplication into the review queue: proposals now, or a model's job queued.</summary>
    public async Task<MergeProposalRun> ProposeMergesAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        await RequireAsync(user, slug);
        return await moderation.ProposeMergesAsync(slug, cancellationToken);
    }

    /// <summary>Calls <paramref name="onChange"/> whenever the study's model deduplication job changes state; null when there is no model.</summary>
    public IDisposable? WatchDeduplication(string slug, Action onChange) => moderation.WatchDeduplication(slug, onChange);

    /// <summary>Sends an announcement to the study's participants.</summary>
    public async Task AnnounceAsync(ClaimsPrincipal user, string slug, string text, CancellationToken cancellationToken = default) =>
        await moderation.AnnounceAsync(slug, text, await RequireAsync(user, slug), cancellationToken);

    private Task<string> RequireAsync(ClaimsPrincipal user, string slug) => authorization.RequireAsync(user, slug, StudyAccess.Facilitator);

    private static ModerationView Read(StudyState state, string slug, StudyPermissions permissions)
    {
        var values = state.ToSnapshot().Values;
        var titles = values.ToDictionary(v => v.Id, v => v.Title, StringComparer.Ordinal);
        var members = state.CurrentCards().GroupBy(c => c.ValueId).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var cards = state.CardsForModeration()
            .Select(c => new ModeratedCard(
                c.Card.CardId, c.Card.QuestionId, c.Card.Title, c.Card.Description, c.Card.Policies, c.ValueId, titles.GetValueOrDefault(c.ValueId, c.Card.Title),
                members.GetValueOrDefault(c.ValueId), c.Card.OccurredAt, state.HiddenCards.GetValueOrDefault(c.Card.CardId),
                state.FlaggedCards.GetValueOrDefault(c.Card.CardId), state.OriginalOf(c.Card.CardId))
            {
                Hold = state.HeldCards.GetValueOrDefault(c.Card.CardId),
            })
            .Reverse()
            .ToList();
        var merges = state.PendingMergeProposals()
            .Select(p => new PendingMerge(p, Title(state.ResolveValue(p.FromValueId)), Title(state.ResolveValue(p.IntoValueId))))
            .ToList();
        return new ModerationView(slug, state.Study!.Title, permissions, cards, [.. values.Select(v => new ModeratedValue(v.Id, v.Title))], merges,
            [.. state.Announcements.Reverse()]);

        string Title(string valueId) => titles.GetValueOrDefault(valueId, valueId);
    }
}
