using System.Security.Claims;
using Microsoft.Extensions.Localization;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Interview;

namespace MoralGraph.Web.Console;

/// <summary>Which cards the moderation page lists.</summary>
public enum CardFilter
{
    /// <summary>Every card.</summary>
    All,

    /// <summary>Flagged cards.</summary>
    Flagged,

    /// <summary>Hidden cards.</summary>
    Hidden,

    /// <summary>Cards held out of play by a model's flag until a facilitator clears it.</summary>
    Held,
}

/// <summary>
/// A study's moderation page: the cards with a filter, the card being edited, the merge being prepared, the review
/// queue and the announcement being written; each action goes through <see cref="StudyModeration"/> (which checks the
/// role again) and ends in <see cref="Message"/>, with a refusal's reason when refused; what it says is in the console's
/// language (<paramref name="text"/>).
/// </summary>
public sealed class ModerationPageState(StudyModeration moderation, IStringLocalizer<ConsoleText> text)
{
    /// <summary>The study.</summary>
    public string Slug { get; private set; } = string.Empty;

    /// <summary>What the page shows; null before loading, or when there is no such study or it may not be read.</summary>
    public ModerationView? View { get; private set; }

    /// <summary>Which cards are listed.</summary>
    public CardFilter Filter { get; set; } = CardFilter.All;

    /// <summary>The cards <see cref="Filter"/> keeps, newest first.</summary>
    public IReadOnlyList<ModeratedCard> Cards => View is null ? [] : [.. View.Cards.Where(c => Filter switch
    {
        CardFilter.Flagged => c.IsFlagged,
        CardFilter.Hidden => c.IsHidden,
        CardFilter.Held => c.IsHeld,
        _ => true,
    })];

    /// <summary>The reason typed for the next hide, restore, flag, split or edit of each card, by card id.</summary>
    public Dictionary<string, string> Reasons { get; } = new(StringComparer.Ordinal);

    /// <summary>The card being corrected, if any.</summary>
    public string? EditingCardId { get; private set; }

    /// <summary>The corrected title being written.</summary>
    public string EditTitle { get; set; } = string.Empty;

    /// <summary>The corrected description being written.</summary>
    public string EditDescription { get; set; } = string.Empty;

    /// <summary>The corrected attentional policies being written, one a line.</summary>
    public string EditPolicies { get; set; } = string.Empty;

    /// <summary>Problems of the last refused correction.</summary>
    public IReadOnlyList<ValidationProblem> EditProblems { get; private set; } = [];

    /// <summary>The value to merge away.</summary>
    public string? MergeFrom { get; set; }

    /// <summary>The value it joins.</summary>
    public string? MergeInto { get; set; }

    /// <summary>Why they are merged.</summary>
    public string MergeReason { get; set; } = string.Empty;

    /// <summary>The announcement being written.</summary>
    public string Announcement { get; set; } = string.Empty;

    /// <summary>What the last action did, for the page to say.</summary>
    public string? Message { get; private set; }

    /// <summary>True when the last action was refused.</summary>
    public bool Failed { get; private set; }

    /// <summary>The card the last action was on, so the page says what happened beside it rather than at the top; null for page-wide actions.</summary>
    public string? MessageCardId { get; private set; }

    /// <summary>Reads the study (again), keeping what is being typed.</summary>
    public async Task LoadAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        if (slug != Slug)
        {
            (Slug, Message, Failed, MessageCardId) = (slug, null, false, null);
            CancelEdit();
            Reasons.Clear();
        }

        View = await moderation.ViewAsync(user, slug, cancellationToken);
    }

    /// <summary>The reason typed for <paramref name="cardId"/>.</summary>
    public string ReasonFor(string cardId) => Reasons.GetValueOrDefault(cardId, string.Empty);

    /// <summary>Hides a card with its typed reason.</summary>
    public Task<bool> HideAsync(ClaimsPrincipal user, string cardId) =>
        RunAsync(user, () => moderation.HideCardAsync(user, Slug, cardId, ReasonFor(cardId)), text["Moderation.Done.Hidden"], cardId);

    /// <summary>Restores a hidden card with its typed reason, if any (bringing a card back needs none).</summary>
    public Task<bool> RestoreAsync(ClaimsPrincipal user, string cardId) =>
        RunAsync(user, () => moderation.RestoreCardAsync(user, Slug, cardId, ReasonFor(cardId)), text["Moderation.Done.Restored"], cardId);

    /// <summary>Flags a card with its typed reason.</summary>
    public Task<bool> FlagAsync(ClaimsPrincipal user, string cardId) =>
        RunAsync(user, () => moderation.FlagCardAsync(user, Slug, cardId, ReasonFor(cardId)), text["Moderation.Done.Flagged"], cardId);

    /// <summary>Clears a card's flag.</summary>
    public Task<bool> ClearFlagAsync(ClaimsPrincipal user, string cardId) =>
        RunAsync(user, () => moderation.ClearFlagAsync(user, Slug, cardId), text["Moderation.Done.FlagCleared"]);

    /// <summary>Takes a card out of its value, with its typed reason.</summary>
    public Task<bool> SplitAsync(ClaimsPrincipal user, string cardId) =>
        RunAsync(user, () => moderation.SplitCardAsync(user, Slug, cardId, ReasonFor(cardId)), text["Moderation.Done.Split"], cardId);

    /// <summary>Starts correcting <paramref name="card"/>.</summary>
    public void StartEdit(ModeratedCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        (EditingCardId, EditTitle, EditDescription, EditPolicies, EditProblems) = (card.CardId, card.Title, card.Description, string.Join('\n', card.Policies), []);
    }

    /// <summary>Stops correcting without saving.</summary>
    public void CancelEdit() => (EditingCardId, EditTitle, EditDescription, EditPolicies, EditProblems) = (null, string.Empty, string.Empty, string.Empty, []);

    /// <summary>Saves the correction with the card's typed reason; false with <see cref="EditProblems"/> when refused.</summary>
    public Task<bool> SaveEditAsync(ClaimsPrincipal user) => EditingCardId is not { } cardId
        ? Task.FromResult(false)
        : RunAsync(user, async () =>
        {
            var policies = EditPolicies.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            EditProblems = await moderation.EditCardAsync(user, Slug, cardId, new CardDraft(EditTitle, EditDescription, policies), ReasonFor(cardId));
            if (EditProblems.Count > 0)
            {
                throw new ModerationRefusedException(text["Moderation.Refused.Correction"]);
            }

            CancelEdit();
        }, text["Moderation.Done.Corrected"], cardId);

    /// <summary>Merges <see cref="MergeFrom"/> into <see cref="MergeInto"/>.</summary>
    public Task<bool> MergeAsync(ClaimsPrincipal user) => RunAsync(user, async () =>
    {
        await moderation.MergeValuesAsync(user, Slug, MergeFrom ?? string.Empty, MergeInto ?? string.Empty, MergeReason);
        (MergeFrom, MergeInto, MergeReason) = (null, null, string.Empty);
    }, text["Moderation.Done.Merged"]);

    /// <summary>Accepts or rejects a merge proposal.</summary>
    public Task<bool> DecideAsync(ClaimsPrincipal user, string proposalId, bool accept) =>
        RunAsync(user, () => moderation.DecideProposalAsync(user, Slug, proposalId, accept), text[accept ? "Moderation.Done.ProposalAccepted" : "Moderation.Done.ProposalRejected"]);

    /// <summary>Runs deduplication into the review queue (or queues the model's job).</summary>
    public async Task<bool> ProposeMergesAsync(ClaimsPrincipal user)
    {
        MergeProposalRun? run = null;
        var done = await RunAsync(user, async () => run = await moderation.ProposeMergesAsync(user, Slug), null);
        if (done && run is not null)
        {
            Message = run.Queued ? text["Moderation.Done.ModelQueued"] : text.Message("Moderation.Done.Proposed", run.Proposed);
        }

        return done;
    }

    /// <summary>Calls <paramref name="onChange"/> whenever this study's model deduplication job changes state; null when there is no model.</summary>
    public IDisposable? WatchDeduplication(Action onChange) => moderation.WatchDeduplication(Slug, onChange);

    /// <summary>Sends <see cref="Announcement"/>.</summary>
    public Task<bool> AnnounceAsync(ClaimsPrincipal user) => RunAsync(user, async () =>
    {
        await moderation.AnnounceAsync(user, Slug, Announcement);
        Announcement = string.Empty;
    }, text["Moderation.Done.Announced"]);

    private async Task<bool> RunAsync(ClaimsPrincipal user, Func<Task> action, string? success, string? onCard = null)
    {
        MessageCardId = onCard;
        try
        {
            await action();
            (Message, Failed) = (success, false);
            if (onCard is not null)
            {
                Reasons.Remove(onCard);
            }
        }
        catch (Exception e) when (e is ModerationRefusedException or ConsoleAccessDeniedException)
        {
            (Message, Failed) = (ProblemText.For(text, e), true);
        }

        await LoadAsync(user, Slug);
        return !Failed;
    }
}
