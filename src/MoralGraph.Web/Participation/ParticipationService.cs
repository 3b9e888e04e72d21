using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Participation;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Web.Participation;

/// <summary>
/// A participant's request the journey refuses; <see cref="Exception.Message"/> is a resource key in
/// <c>JourneyText</c> the page shows in the participant's language. Nothing is stored when one is thrown.
/// </summary>
/// <param name="messageKey">The resource key of the explanation.</param>
public sealed class JourneyRefusedException(string messageKey) : Exception(messageKey)
{
    /// <summary>The resource key of the explanation.</summary>
    public string MessageKey => Message;
}

/// <summary>A new participant: their pseudonymous id and the resume code to show them once.</summary>
/// <param name="ParticipantId">The id.</param>
/// <param name="ResumeCode">The code in clear (only its hash is stored).</param>
public sealed record JoinedParticipant(string ParticipantId, string ResumeCode);

/// <summary>
/// Everything a participant does, as events: each method checks the request against the study's current state,
/// appends (the event is on disk when it returns) and never trusts the page's idea of where the participant is.
/// Replays of the same submission (double clicks, retried requests) are stored once through idempotency keys.
/// </summary>
public sealed class ParticipationService(IEventLog log, StudyRepository studies, IInterviewer interviewer, ITransitionStoryWriter stories, TimeProvider time)
{
    /// <summary>Most characters in a vote's optional "why?".</summary>
    public const int MaxCommentLength = 500;

    /// <summary>The consent statement participants agree to; bump it when its wording changes.</summary>
    public const string ConsentVersion = "2026-11-v1";

    // Joining checks capacity then appends; one gate per study keeps two joins from taking the last seat together.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _joinGates = new(StringComparer.Ordinal);

    /// <summary>The study's state, or null when there is no such study.</summary>
    public Task<StudyState?> LoadAsync(string slug, CancellationToken cancellationToken = default) => studies.LoadAsync(slug, cancellationToken);

    /// <summary>Why a new participant cannot join now, as a resource key; null when they can.</summary>
    public static string? JoinRefusal(StudyState state, string? inviteCode)
    {
        ArgumentNullException.ThrowIfNull(state);
        var study = state.Study!;
        if (study.Phase is StudyPhase.Draft)
        {
            return "Refused.NotOpen";
        }

        if (study.Phase is StudyPhase.Closed)
        {
            return "Refused.Closed";
        }

        if (study.Capacity is { } capacity && state.Participation.ActiveCount >= capacity)
        {
            return "Refused.Full";
        }

        if (study.InviteCodes.Count == 0)
        {
            return null;
        }

        var invite = study.FindInviteCode(inviteCode);
        if (invite is null)
        {
            return string.IsNullOrWhiteSpace(inviteCode) ? "Refused.InviteRequired" : "Refused.InviteUnknown";
        }

        return invite.Capacity is { } limit && state.Participation.ActiveCountWithInvite(invite.Code) >= limit ? "Refused.InviteFull" : null;
    }

    /// <summary>Records consent and creates the participant. The first thing ever stored about them.</summary>
    public async Task<JoinedParticipant> JoinAsync(string slug, string? inviteCode, CancellationToken cancellationToken = default)
    {
        var gate = _joinGates.GetOrAdd(slug, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var state = await RequireStudyAsync(slug, cancellationToken);
            if (JoinRefusal(state, inviteCode) is { } refusal)
            {
                throw new JourneyRefusedException(refusal);
            }

            var participantId = ParticipantIds.New();
            var code = ResumeCode.Generate();
            var invite = state.Study!.FindInviteCode(inviteCode)?.Code;
            await AppendAsync(new ParticipantJoined(participantId, ResumeCode.Hash(slug, code), ConsentVersion, state.Study.Languages[0], invite) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
            if (state.Study.QuestionAssignment == QuestionAssignment.Balanced || state.Study.Questions.Count == 1)
            {
                // The question with the fewest participants so far; ties go to the study's order.
                var question = state.Study.Questions.MinBy(q => state.Participation.ActiveCountOnQuestion(q.Id))!;
                await AppendAsync(new QuestionChosen(participantId, question.Id) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
            }

            return new JoinedParticipant(participantId, code);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The participant whose resume code this is, or null (wrong code, or they withdrew).</summary>
    public async Task<string?> FindByResumeCodeAsync(string slug, string typedCode, CancellationToken cancellationToken = default)
    {
        if (ResumeCode.Normalize(typedCode) is null)
        {
            return null;
        }

        var state = await studies.LoadAsync(slug, cancellationToken);
        var participant = state?.Participation.FindByResumeCodeHash(ResumeCode.Hash(slug, typedCode));
        return participant is { Withdrawn: false } ? participant.Id : null;
    }

    /// <summary>Records the participant's question.</summary>
    public async Task ChooseQuestionAsync(string slug, string participantId, string questionId, CancellationToken cancellationToken = default)
    {
        var (state, participant) = await RequireParticipantAsync(slug, participantId, cancellationToken);
        if (state.Study!.FindQuestion(questionId) is null)
        {
            throw new JourneyRefusedException("Refused.UnknownQuestion");
        }

        if (participant.QuestionId is null)
        {
            await AppendAsync(new QuestionChosen(participantId, questionId) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
        }
    }

    /// <summary>
    /// Continues the interview: posts the participant's message (when given) and streams the interviewer's reply,
    /// storing it when complete. With no message it replies to what is stored — the opening on an empty transcript,
    /// or the answer a restart interrupted.
    /// </summary>
    public async IAsyncEnumerable<InterviewUpdate> InterviewAsync(
        string slug, string participantId, string? text, InterviewIntent intent, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (state, participant) = await RequireParticipantAsync(slug, participantId, cancellationToken);
        var question = state.Study!.FindQuestion(participant.QuestionId ?? string.Empty) ?? throw new JourneyRefusedException("Refused.NoQuestion");
        if (state.Study.Phase != StudyPhase.Interviewing || participant.CardId is not null)
        {
            throw new JourneyRefusedException("Refused.InterviewClosed");
        }

        var transcript = participant.Transcript.ToList();
        if (text is not null || intent == InterviewIntent.Done)
        {
            var message = ParticipantMessage(transcript, text, intent, participant.InterviewStage);
            await AppendAsync(new InterviewMessagePosted(participantId, question.Id, message) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
            transcript.Add(message);
        }
        else if (transcript.Count > 0 && transcript[^1].Role == InterviewRole.Interviewer)
        {
            yield break;
        }

        var reply = new System.Text.StringBuilder();
        await foreach (var update in interviewer.ReplyAsync(new InterviewRequest(state.Study, question, transcript, participant.Language), cancellationToken))
        {
            if (update is InterviewTextDelta delta)
            {
                reply.Append(delta.Text);
            }
            else if (update is InterviewReplyDiscarded)
            {
                // What streamed so far is withdrawn and never stored; the reply that follows replaces it.
                reply.Clear();
            }
            else if (update is InterviewTurnCompleted completed)
            {
                var message = new InterviewMessage(transcript.Count, InterviewRole.Interviewer, reply.ToString().Trim(), completed.Stage) { Provenance = completed.Provenance, RejectedCardSubmissions = completed.RejectedCardSubmissions };
                await AppendAsync(new InterviewMessagePosted(participantId, question.Id, message) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
                if (completed.ProposedCard is { } card)
                {
                    await AppendAsync(new CardDraftSaved(participantId, question.Id, card.Title, card.Description, card.Policies) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId, Provenance = completed.Provenance }, cancellationToken);
                }
            }

            yield return update;
        }
    }

    private static InterviewMessage ParticipantMessage(List<InterviewMessage> transcript, string? text, InterviewIntent intent, InterviewStage stage)
    {
        if (transcript.Count == 0 || transcript[^1].Role != InterviewRole.Interviewer)
        {
            // The interviewer has not answered the previous message yet (a double submit): this one would jump the queue.
            throw new JourneyRefusedException("Refused.WaitForReply");
        }

        var normalized = (text ?? string.Empty).Trim();
        if (intent == InterviewIntent.Answer)
        {
            if (normalized.Length == 0)
            {
                throw new JourneyRefusedException("Refused.EmptyAnswer");
            }

            if (normalized.Length > InterviewMessage.MaxParticipantLength)
            {
                throw new JourneyRefusedException("Refused.AnswerTooLong");
            }
        }

        return new InterviewMessage(transcript.Count, InterviewRole.Participant, normalized, stage, intent);
    }

    /// <summary>Stores the card as the participant is editing it, so nothing typed is lost.</summary>
    public async Task SaveDraftAsync(string slug, string participantId, CardDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var (_, participant) = await RequireParticipantAsync(slug, participantId, cancellationToken);
        if (participant.QuestionId is null || participant.CardId is not null)
        {
            return;
        }

        // Over-long text is cut rather than refused here: a draft is a safety net, the confirmation is where rules apply.
        var clipped = new CardDraft(Clip(draft.Title, ValuesCardRules.MaxTitleLength), Clip(draft.Description, ValuesCardRules.MaxDescriptionLength),
            [.. draft.Policies.Take(ValuesCardRules.HardMaxPolicies).Select(p => Clip(p, ValuesCardRules.MaxPolicyLength))]);
        if (participant.Draft is { } saved && saved.Title == clipped.Title && saved.Description == clipped.Description && saved.Policies.SequenceEqual(clipped.Policies))
        {
            return;
        }

        await AppendAsync(new CardDraftSaved(participantId, participant.QuestionId, clipped.Title, clipped.Description, clipped.Policies) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
    }

    /// <summary>Validates the card under the strict rules of the participant's language and, when valid, confirms it.</summary>
    public async Task<ValidationResult<ValuesCard>> ConfirmCardAsync(string slug, string participantId, CardDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var (state, participant) = await RequireParticipantAsync(slug, participantId, cancellationToken);
        if (participant.QuestionId is null || state.Study!.Phase != StudyPhase.Interviewing)
        {
            throw new JourneyRefusedException("Refused.InterviewClosed");
        }

        // One card per participant and question, so a second click on "confirm" is the same card, stored once.
        var cardId = participant.CardId ?? $"c-{participantId}-{participant.QuestionId}";
        var result = ValuesCard.Create(cardId, participantId, draft.Title, draft.Description, draft.Policies, ValuesCardRules.Strict.ForLanguage(participant.Language));
        if (result.IsValid && participant.CardId is null)
        {
            await AppendAsync(CardSubmitted.From(result.Value!, slug, participant.QuestionId, time.GetUtcNow()), cancellationToken);
        }

        return result;
    }

    /// <summary>The participant's unanswered wiser-than items, drawing them (see <see cref="VoteDraw"/>) on their first visit.</summary>
    public async Task<IReadOnlyList<VoteItem>> PendingItemsAsync(string slug, string participantId, CancellationToken cancellationToken = default)
    {
        var (state, participant) = await RequireParticipantAsync(slug, participantId, cancellationToken);
        if (participant.Draws.Count > 0)
        {
            return [.. participant.PendingItems];
        }

        var study = state.Study!;
        IReadOnlyList<string> questions = participant.QuestionId is { } questionId ? [questionId] : [.. study.Questions.Select(q => q.Id)];
        var candidates = VoteDraw.Choose(state, participantId, questions, study.VoteDrawSize);
        var items = new List<VoteItem>();
        foreach (var candidate in candidates)
        {
            // A story a model wrote earlier (in the background) is preferred; the draw itself never waits on a model.
            if (state.Assistance.StoryFor(candidate.Context, candidate.From.Id, candidate.To.Id) is { } written)
            {
                items.Add(new VoteItem($"i{items.Count}", candidate.Context, candidate.From.Id, candidate.To.Id, written.Story) { StoryProvenance = written.Provenance });
                continue;
            }

            var story = await stories.WriteAsync(candidate.ContextText, candidate.From, candidate.To, cancellationToken);
            items.Add(new VoteItem($"i{items.Count}", candidate.Context, candidate.From.Id, candidate.To.Id, story));
        }

        // Stored even when empty: the participant then moves on, and a reload shows the same items.
        var recorded = await AppendAsync(new VoteItemsDrawn(participantId, 0, items) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
        return ((VoteItemsDrawn)recorded.Event).Items;
    }

    /// <summary>Records the participant's answer to one of their items.</summary>
    public async Task VoteAsync(string slug, string participantId, string itemId, Verdict verdict, string? comment, CancellationToken cancellationToken = default)
    {
        var (state, participant) = await RequireParticipantAsync(slug, participantId, cancellationToken);
        if (state.Study!.Phase is not (StudyPhase.Interviewing or StudyPhase.Voting))
        {
            throw new JourneyRefusedException("Refused.Closed");
        }

        var item = participant.DrawnItems.FirstOrDefault(i => i.ItemId == itemId) ?? throw new JourneyRefusedException("Refused.UnknownItem");
        var why = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (why is { Length: > MaxCommentLength })
        {
            throw new JourneyRefusedException("Refused.CommentTooLong");
        }

        var now = time.GetUtcNow();
        var vote = new WiserThanVote(item.VoteIdFor(participantId), participantId, item.FromValueId, item.ToValueId, item.Context, verdict, why, item.Story, now);
        await AppendAsync(new VoteCast(vote) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
    }

    /// <summary>Records "is this still your value?"; a no gives their card back a value of its own.</summary>
    public async Task AnswerMembershipAsync(string slug, string participantId, bool stillMine, CancellationToken cancellationToken = default)
    {
        var (state, participant) = await RequireParticipantAsync(slug, participantId, cancellationToken);
        // A value split out for this card is its own, not a merge to ask about: answering "no" again (a retried
        // request, a second tab) would split it once more and drop every vote cast on it since.
        if (participant.CardId is not { } cardId || state.MergedValueOf(cardId) is not { } valueId)
        {
            return;
        }

        await AppendAsync(new ValueMembershipAnswered(participantId, cardId, valueId, stillMine) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
        if (!stillMine)
        {
            // A new id each time: a card split back out, merged again and split again must not reuse an old value.
            var newValueId = $"{cardId}-own-{participant.MembershipAnswers.Count + 1}";
            await AppendAsync(new CardSplit(cardId, newValueId, "The participant said the merged value is not theirs.") { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
        }
    }

    /// <summary>Records the survey (skipped questions allowed).</summary>
    public async Task AnswerSurveyAsync(string slug, string participantId, IReadOnlyDictionary<string, int> answers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(answers);
        await RequireParticipantAsync(slug, participantId, cancellationToken);
        if (Survey.Validate(answers).Count > 0)
        {
            throw new JourneyRefusedException("Refused.SurveyInvalid");
        }

        await AppendAsync(new SurveyAnswered(participantId, new Dictionary<string, int>(answers, StringComparer.Ordinal)) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
    }

    /// <summary>Withdraws the participant: their cards, votes, answers and survey are excluded from everything from now on.</summary>
    public async Task WithdrawAsync(string slug, string participantId, CancellationToken cancellationToken = default)
    {
        var state = await RequireStudyAsync(slug, cancellationToken);
        if (state.Participation.Find(participantId) is not null)
        {
            await AppendAsync(new ParticipantWithdrew(participantId) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }, cancellationToken);
        }
    }

    private async Task<StudyState> RequireStudyAsync(string slug, CancellationToken cancellationToken) =>
        await studies.LoadAsync(slug, cancellationToken) ?? throw new JourneyRefusedException("Refused.UnknownStudy");

    private async Task<(StudyState State, ParticipantRecord Participant)> RequireParticipantAsync(string slug, string participantId, CancellationToken cancellationToken)
    {
        var state = await RequireStudyAsync(slug, cancellationToken);
        var participant = state.Participation.Find(participantId);
        return participant is { Withdrawn: false } ? (state, participant) : throw new JourneyRefusedException("Refused.NotParticipant");
    }

    private async Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken)
    {
        try
        {
            return await log.AppendAsync(studyEvent, cancellationToken);
        }
        catch (IdempotencyConflictException)
        {
            // The same submission slot already holds something else (another tab answered first): reload and look.
            throw new JourneyRefusedException("Refused.ChangedElsewhere");
        }
    }

    private static string Clip(string? text, int max) => text is null ? string.Empty : text.Length <= max ? text : text[..max];
}
