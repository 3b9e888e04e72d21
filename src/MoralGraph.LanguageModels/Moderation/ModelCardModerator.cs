using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.LanguageModels.Prompts;

namespace MoralGraph.LanguageModels.Moderation;

/// <summary>What the model said about one card: no flag, a flag with its reason, or nothing readable.</summary>
/// <param name="Flag">True when the card should be flagged.</param>
/// <param name="Reason">The flag's reason as stored, when flagged.</param>
/// <param name="Category">What was found (<see cref="ModerationCategories"/>), when flagged.</param>
internal sealed record ModerationVerdict(bool Flag, string? Reason, string? Category = null);

/// <summary>
/// The moderation pass: checks every submitted card with the model against the study's red lines and for abuse and
/// personal data. A hit appends a <see cref="CardFlagged"/> by <see cref="Actor"/> with its provenance and category, which
/// holds the card out of the draw, deduplication, the graph and exports (<see cref="StudyState.HeldCards"/>); clearing the
/// flag or hiding the card stays the facilitator's decision. Each checked card gets a <see cref="CardModerated"/> event, which
/// is how the pass knows what is left to check (<see cref="AssistanceState.ModeratedCards"/>): a restart does not check a
/// card twice, and a flag a facilitator cleared is not raised again.
/// <para>
/// The pass runs as a <see cref="ModelJob"/> of kind <see cref="JobKind"/>, never in a participant's request:
/// <see cref="Request"/> queues it (the web app calls it when a card is submitted). A request that arrives while a pass is
/// queued or running is remembered and starts another pass when that one ends, so no card waits for the next submission.
/// </para>
/// <para>
/// An unreadable answer (not the JSON asked for, an unknown category, a red line the study does not have) flags nothing
/// and is logged; the card stays unchecked and is tried again by the next pass, at most <see cref="MaxUnreadableAnswers"/>
/// times while the app runs.
/// </para>
/// </summary>
public sealed class ModelCardModerator
{
    /// <summary>The job kind on the <see cref="ModelJobBoard"/>.</summary>
    public const string JobKind = "moderation";

    /// <summary>The actor of the flags the pass raises.</summary>
    public const string Actor = "model-moderation";

    /// <summary>Most characters of a flag's reason.</summary>
    public const int MaxReasonLength = 300;

    /// <summary>Unreadable answers about one card before the pass stops asking about it (until the app restarts).</summary>
    public const int MaxUnreadableAnswers = 2;

    private readonly ModelCalls _calls;
    private readonly StudyRepository _studies;
    private readonly IEventLog _log;
    private readonly ModelJobBoard _jobs;
    private readonly ILogger<ModelCardModerator> _logger;
    private readonly ConcurrentDictionary<(string StudyId, string CardId), int> _unreadable = new();

    /// <summary>Creates the moderator.</summary>
    public ModelCardModerator(ModelCalls calls, StudyRepository studies, IEventLog log, ModelJobBoard jobs, ILogger<ModelCardModerator> logger)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        _calls = calls;
        _studies = studies;
        _log = log;
        _jobs = jobs;
        _logger = logger;
    }

    /// <summary>Queues a pass over the study's unchecked cards (or, when one is queued or running, another after it).</summary>
    public void Request(string studyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyId);
        _jobs.Request(new ModelJob(studyId, JobKind, ct => ModerateAsync(studyId, ct)));
    }

    /// <summary>Checks each card of the study in play that no pass has checked yet; returns the outcome for the facilitators.</summary>
    public async Task<string> ModerateAsync(string studyId, CancellationToken cancellationToken = default)
    {
        var state = await _studies.LoadAsync(studyId, cancellationToken);
        if (state?.Study is not { } study)
        {
            return "There is no such study.";
        }

        var pending = state.CurrentCards().Select(c => c.Card).DistinctBy(c => c.CardId)
            .Where(c => !state.Assistance.ModeratedCards.Contains(c.CardId) && _unreadable.GetValueOrDefault((studyId, c.CardId)) < MaxUnreadableAnswers)
            .ToList();
        int checkedCount = 0, flagged = 0, left = 0;
        foreach (var card in pending)
        {
            ModerationVerdict? verdict;
            try
            {
                verdict = await CheckAsync(study, card, cancellationToken);
            }
            catch (ModelBudgetExhaustedException)
            {
                left = pending.Count - checkedCount;
                return $"Checked {checkedCount} card(s), flagged {flagged}; the study's token budget is spent, {left} card(s) were not checked.";
            }
            catch (TimeoutException)
            {
                left++;
                continue;
            }

            if (verdict is null)
            {
                _unreadable.AddOrUpdate((studyId, card.CardId), 1, (_, count) => count + 1);
                left++;
                continue;
            }

            var provenance = _calls.ProvenanceFor(new ModelCallPurpose(studyId, ModelCapabilities.Moderation, ModerationPrompt.Check));
            if (verdict.Flag)
            {
                flagged++;
                // Flagged even when a facilitator flagged it first: their flag holds nothing, the model's holds the card. The
                // state keeps showing their reason.
                if (!state.HeldCards.ContainsKey(card.CardId))
                {
                    await _log.AppendAsync(new CardFlagged(card.CardId, verdict.Reason!)
                    {
                        StudyId = studyId, OccurredAt = provenance.At, Actor = Actor, Provenance = provenance, Category = verdict.Category,
                    }, cancellationToken);
                }
            }

            await _log.AppendAsync(new CardModerated(card.CardId, verdict.Flag, provenance) { StudyId = studyId, OccurredAt = provenance.At, Actor = Actor }, cancellationToken);
            checkedCount++;
        }

        return left == 0
            ? $"Checked {checkedCount} card(s), flagged {flagged}."
            : $"Checked {checkedCount} card(s), flagged {flagged}; {left} could not be checked (timeout or unreadable answer) and will be tried again.";
    }

    /// <summary>The verdict on one card, or null when the answer was unreadable (logged). Throws on timeout or a spent budget.</summary>
    private async Task<ModerationVerdict?> CheckAsync(Study study, CardSubmitted card, CancellationToken cancellationToken)
    {
        var purpose = new ModelCallPurpose(study.Slug, ModelCapabilities.Moderation, ModerationPrompt.Check);
        string reply;
        try
        {
            reply = (await _calls.GetResponseAsync(purpose, Messages(study, card), _calls.ChatOptions(o => o.ResponseFormat = ChatResponseFormat.Json), cancellationToken)).Text;
        }
        catch (Exception e) when (e is not (ModelBudgetExhaustedException or TimeoutException or OperationCanceledException))
        {
            _logger.LogWarning(e, "Moderating card {CardId} of study {StudyId} failed; it stays left.", card.CardId, study.Slug);
            return null;
        }

        var verdict = Read(reply, study, out var problem);
        if (verdict is null)
        {
            _logger.LogWarning("The model's moderation answer for card {CardId} of study {StudyId} was unreadable ({Problem}); nothing was flagged.", card.CardId, study.Slug, problem);
        }

        return verdict;
    }

    /// <summary>The verdict a reply holds, or null with what was wrong.</summary>
    internal static ModerationVerdict? Read(string reply, Study study, out string problem)
    {
        problem = string.Empty;
        if (ModelOutput.ParseObject(reply) is not { } root || !root.TryGetProperty("flag", out var flag) || flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            problem = "not {\"flag\": true|false, …}";
            return null;
        }

        if (!flag.GetBoolean())
        {
            return new ModerationVerdict(false, null);
        }

        var category = ModelOutput.StringOf(root, "category");
        if (category is null || !ModerationCategories.All.Contains(category, StringComparer.Ordinal))
        {
            problem = "unknown category";
            return null;
        }

        var reason = ModelOutput.PlainText(ModelOutput.StringOf(root, "reason"), MaxReasonLength);
        if (reason.Length == 0)
        {
            problem = "no reason";
            return null;
        }

        if (category == "red-line")
        {
            var redLineId = ModelOutput.StringOf(root, "redLine");
            if (study.RedLines.FirstOrDefault(r => r.Id == redLineId) is not { } redLine)
            {
                problem = "a red line the study does not have";
                return null;
            }

            return new ModerationVerdict(true, $"Model moderation, red line '{redLine.Id}': {reason}", category);
        }

        return new ModerationVerdict(true, $"Model moderation, {category}: {reason}", category);
    }

    private static List<ChatMessage> Messages(Study study, CardSubmitted card)
    {
        var redLines = new StringBuilder();
        foreach (var redLine in study.RedLines)
        {
            redLines.Append(redLine.Id).Append(": ").AppendLine(redLine.Statement);
        }

        var text = new StringBuilder();
        text.Append("Title: ").AppendLine(card.Title);
        text.Append("Description: ").AppendLine(card.Description);
        text.AppendLine("Policies:");
        foreach (var policy in card.Policies)
        {
            text.Append("- ").AppendLine(policy);
        }

        var user = $"{PromptMaterial.Wrap("red-lines", redLines.Length == 0 ? "(none)" : redLines.ToString().TrimEnd())}\n\n{PromptMaterial.Wrap("card", text.ToString().TrimEnd())}";
        return [new ChatMessage(ChatRole.System, ModerationPrompt.Check.Text), new ChatMessage(ChatRole.User, user)];
    }
}
