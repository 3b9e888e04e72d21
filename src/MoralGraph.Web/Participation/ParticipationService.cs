using System.Runtime.CompilerServices;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Participation;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
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
/// What a participant's page needs to show them, copied out of the study's live state: the study, their journey, and
/// the values their items, card and membership question name (not the whole graph). Null participant before consent.
/// </summary>
/// <param name="Study">The study.</param>
/// <param name="Participant">The participant's record (a copy), or null when this browser has not joined or has withdrawn.</param>
/// <param name="Values">The values their drawn items name, by id, without their members; a value no longer in the graph is absent.</param>
/// <param name="MembershipValue">The value their card was merged into when they have not yet said whether it is still theirs.</param>
/// <param name="JoinRefusal">Why a new participant cannot join now (a resource key), or null.</param>
public sealed record JourneyView(Study Study, ParticipantRecord? Participant, IReadOnlyDictionary<string, CanonicalValue> Values, CanonicalValue? MembershipValue, string? JoinRefusal)
{
    /// <summary>Whether both values of <paramref name="item"/> are still in the graph (an item whose value left is passed over).</summary>
    public bool IsAvailable(VoteItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Values.ContainsKey(item.FromValueId) && Values.ContainsKey(item.ToValueId);
    }

    /// <summary>The step to show (see <see cref="Journey.CurrentStep"/>).</summary>
    public JourneyStep Step => Journey.CurrentStep(Study, Participant, IsAvailable);

    /// <summary>The language each of <see cref="Values"/> is written in (a primary tag such as <c>es</c>), by value id.</summary>
    public IReadOnlyDictionary<string, string> ValueLanguages { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Model translations of <see cref="Values"/> into the study's other languages, by value id and then language; only
    /// translations of the words each value has now (<see cref="StudyState.CurrentTranslationOf"/>).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, ValueTranslated>> ValueTranslations { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, ValueTranslated>>();

    /// <summary>The translation to show beside value <paramref name="valueId"/> on a page in <paramref name="pageLanguage"/> (see <see cref="ValueTranslationsShown.For"/>).</summary>
    public ValueTranslated? TranslationShown(string valueId, string pageLanguage)
    {
        ArgumentNullException.ThrowIfNull(valueId);
        return ValueTranslationsShown.For(ValueLanguages.GetValueOrDefault(valueId), ValueTranslations.GetValueOrDefault(valueId), pageLanguage);
    }
}

/// <summary>Which model translation of a value a participant's page shows beside the value's own words.</summary>
public static class ValueTranslationsShown
{
    /// <summary>
    /// The current translations of value <paramref name="valueId"/> into each of the study's languages other than the
    /// value's own <paramref name="valueLanguage"/>, by language; empty in a study of one language.
    /// </summary>
    public static IReadOnlyDictionary<string, ValueTranslated> Of(StudyState state, string valueId, string valueLanguage)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Assistance.Translations.Count == 0 || state.Study is not { } study)
        {
            return new Dictionary<string, ValueTranslated>(StringComparer.Ordinal);
        }

        return study.Languages.Select(Core.Text.LanguageTags.Primary).Distinct(StringComparer.Ordinal).Where(l => l != valueLanguage)
            .Select(l => state.CurrentTranslationOf(valueId, l)).OfType<ValueTranslated>()
            .ToDictionary(t => Core.Text.LanguageTags.Primary(t.Language), StringComparer.Ordinal);
    }

    /// <summary>
    /// The translation into <paramref name="pageLanguage"/> from <paramref name="translations"/>, or null when the value is
    /// written in the page's language (it needs none) or has no current translation into it.
    /// </summary>
    public static ValueTranslated? For(string? valueLanguage, IReadOnlyDictionary<string, ValueTranslated>? translations, string pageLanguage)
    {
        ArgumentNullException.ThrowIfNull(pageLanguage);
        var page = Core.Text.LanguageTags.Primary(pageLanguage);
        return valueLanguage is not null && valueLanguage != page && translations is not null ? translations.GetValueOrDefault(page) : null;
    }
}

/// <summary>A participant's card and what became of it.</summary>
/// <param name="Card">Their card as submitted (or as a facilitator corrected it).</param>
/// <param name="Value">The value it belongs to now, or null when that value is not in the graph (a hidden card).</param>
/// <param name="QuestionId">Their question.</param>
/// <param name="Contexts">The question's contexts.</param>
public sealed record MyValueView(CardSubmitted Card, CanonicalValue? Value, string? QuestionId, IReadOnlyList<StudyContext> Contexts)
{
    /// <summary>True while model moderation holds the card for a facilitator's review (it is in no draw, graph or export meanwhile).</summary>
    public bool UnderReview { get; init; }

    /// <summary>The language <see cref="Value"/> is written in (its earliest card's), when there is a value.</summary>
    public string? ValueLanguage { get; init; }

    /// <summary>Model translations of <see cref="Value"/>'s current words, by language.</summary>
    public IReadOnlyDictionary<string, ValueTranslated> ValueTranslations { get; init; } = new Dictionary<string, ValueTranslated>();

    /// <summary>The translation to show beside <see cref="Value"/> on a page in <paramref name="pageLanguage"/>, or null.</summary>
    public ValueTranslated? TranslationShown(string pageLanguage) => ValueTranslationsShown.For(ValueLanguage, ValueTranslations, pageLanguage);
}

/// <summary>
/// Everything a participant does, as events: each method decides against the study's live state and appends under the
/// study's gate (<see cref="StudyStates.ChangeAsync{T}"/>), so the check and the write are one step — two joins cannot
/// take the last seat — and returns once the event is on disk. It never trusts the page's idea of where the participant
/// is. Replays of the same submission (double clicks, retried requests) are stored once through idempotency keys. Each
/// action costs what it concerns (the participant's own journey, one item, one value), whatever the study's size.
/// A store that cannot write (a full disk) refuses with <c>Refused.NotSaved</c>: nothing was stored, try again.
/// </summary>
public sealed class ParticipationService(StudyStates studies, IInterviewer interviewer, ITransitionStoryWriter stories, TimeProvider time)
{
    /// <summary>Most characters in a vote's optional "why?".</summary>
    public const int MaxCommentLength = 500;

    /// <summary>The consent statement participants agree to; bump it when its wording changes.</summary>
    public const string ConsentVersion = "2026-11-v1";

    /// <summary>
    /// What <paramref name="participantId"/>'s page shows now, or null when there is no such study. A participant who
    /// withdrew, or an id the study does not know, reads as no participant.
    /// </summary>
    public async Task<JourneyView?> ViewAsync(string slug, string? participantId, CancellationToken cancellationToken = default)
    {
        if (participantId is not null)
        {
            // A participant arriving from another instance sees what they did there (over a shared store).
            await studies.FollowParticipantAsync(slug, participantId, cancellationToken);
        }

        return await studies.ReadAsync(slug, state => View(state, participantId), cancellationToken);
    }

    /// <summary>
    /// Before acting for <paramref name="participantId"/>: over a store several instances share, makes sure this instance
    /// has what they did on another one (see <see cref="StudyStates.FollowParticipantAsync"/>).
    /// </summary>
    public Task ArriveAsync(string slug, string participantId, CancellationToken cancellationToken = default) =>
        studies.FollowParticipantAsync(slug, participantId, cancellationToken);

    private static JourneyView View(StudyState state, string? participantId)
    {
        var participant = state.Participation.Find(participantId) is { Withdrawn: false } found ? found.Detach() : null;
        var valueIds = new HashSet<string>(StringComparer.Ordinal);
        CanonicalValue? membership = null;
        if (participant is not null)
        {
            foreach (var item in participant.DrawnItems)
            {
                valueIds.Add(item.FromValueId);
                valueIds.Add(item.ToValueId);
            }

            if (participant.CardId is { } cardId && state.MergedValueOf(cardId) is { } mergedInto && !participant.MembershipAnswers.ContainsKey(mergedInto))
            {
                membership = state.FindValue(mergedInto);
            }
        }

        var values = new Dictionary<string, CanonicalValue>(StringComparer.Ordinal);
        var languages = new Dictionary<string, string>(StringComparer.Ordinal);
        var translations = new Dictionary<string, IReadOnlyDictionary<string, ValueTranslated>>(StringComparer.Ordinal);
        foreach (var valueId in valueIds)
        {
            // Without its members: a page shows a value's words, and a popular value lists hundreds of cards that every
            // open circuit would otherwise keep.
            if (state.FindValue(valueId) is { } value)
            {
                values[valueId] = value with { Members = [] };
                languages[valueId] = state.LanguageOfValue(value);
                if (ValueTranslationsShown.Of(state, valueId, languages[valueId]) is { Count: > 0 } translated)
                {
                    translations[valueId] = translated;
                }
            }
        }

        return new JourneyView(state.Study!, participant, values, membership, participant is null ? JoinRefusal(state, null) : null)
        {
            ValueLanguages = languages,
            ValueTranslations = translations,
        };
    }

    /// <summary>
    /// The participant's confirmed card, the value it belongs to now and their question's contexts, for "where did my
    /// value go"; null when they have no card (or no such study, or they withdrew).
    /// </summary>
    public Task<MyValueView?> MyValueAsync(string slug, string? participantId, CancellationToken cancellationToken = default) =>
        studies.ReadAsync(slug, state =>
        {
            if (state.Participation.Find(participantId) is not { Withdrawn: false, CardId: { } cardId } participant || state.FindCard(cardId) is not { } card)
            {
                return null;
            }

            var value = state.ValueOfCard(cardId) is { } valueId ? state.FindValue(valueId) : null;
            var valueLanguage = value is null ? null : state.LanguageOfValue(value);
            return new MyValueView(card, value, participant.QuestionId, state.Study!.FindQuestion(participant.QuestionId ?? string.Empty)?.Contexts ?? [])
            {
                UnderReview = state.HeldCards.ContainsKey(cardId),
                ValueLanguage = valueLanguage,
                ValueTranslations = value is null ? new Dictionary<string, ValueTranslated>() : ValueTranslationsShown.Of(state, value.Id, valueLanguage!),
            };
        },
            cancellationToken);

    /// <summary>True when <paramref name="participantId"/> took part in the study and has since withdrawn (on any device).</summary>
    public Task<bool> HasWithdrawnAsync(string slug, string? participantId, CancellationToken cancellationToken = default) =>
        studies.ReadAsync(slug, state => state.Participation.Find(participantId) is { Withdrawn: true }, cancellationToken);

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

    /// <summary>The invite code of <paramref name="slug"/> that <paramref name="typedCode"/> is (case and spaces aside), or null.</summary>
    public Task<string?> FindInviteCodeAsync(string slug, string? typedCode, CancellationToken cancellationToken = default) =>
        studies.ReadAsync(slug, state => state.Study!.FindInviteCode(typedCode)?.Code, cancellationToken);

    /// <summary>
    /// Records consent and creates the participant — the first thing ever stored about them — together with their
    /// question when the study assigns it, in one append. They take part in <paramref name="language"/> when the study
    /// offers it (the language their pages are in), else in the study's first language.
    /// </summary>
    public async Task<JoinedParticipant> JoinAsync(string slug, string? inviteCode, string? language = null, CancellationToken cancellationToken = default)
    {
        var participantId = ParticipantIds.New();
        var code = ResumeCode.Generate();
        var now = time.GetUtcNow();
        return await ChangeAsync(slug, state =>
        {
            var study = state.Study!;
            if (JoinRefusal(state, inviteCode) is { } refusal)
            {
                throw new JourneyRefusedException(refusal);
            }

            var events = new List<StudyEvent>
            {
                new ParticipantJoined(participantId, ResumeCode.Hash(slug, code), ConsentVersion, study.LanguageFor(language), study.FindInviteCode(inviteCode)?.Code)
                {
                    StudyId = slug, OccurredAt = now, Actor = participantId,
                },
            };
            if (study.QuestionAssignment == QuestionAssignment.Balanced || study.Questions.Count == 1)
            {
                // The question with the fewest participants so far; ties go to the study's order.
                var question = study.Questions.MinBy(q => state.Participation.ActiveCountOnQuestion(q.Id))!;
                events.Add(new QuestionChosen(participantId, question.Id) { StudyId = slug, OccurredAt = now, Actor = participantId });
            }

            return StudyDecision.Append(new JoinedParticipant(participantId, code), events);
        }, cancellationToken);
    }

    /// <summary>The participant whose resume code this is, or null (wrong code, or they withdrew).</summary>
    public async Task<string?> FindByResumeCodeAsync(string slug, string typedCode, CancellationToken cancellationToken = default)
    {
        if (ResumeCode.Normalize(typedCode) is null)
        {
            return null;
        }

        var hash = ResumeCode.Hash(slug, typedCode);
        return await studies.ReadAsync(slug, state => state.Participation.FindByResumeCodeHash(hash) is { Withdrawn: false } participant ? participant.Id : null, cancellationToken);
    }

    /// <summary>Records the participant's question.</summary>
    public Task ChooseQuestionAsync(string slug, string participantId, string questionId, CancellationToken cancellationToken = default) =>
        ChangeAsync(slug, state =>
        {
            var participant = RequireParticipant(state, participantId);
            if (state.Study!.FindQuestion(questionId) is null)
            {
                throw new JourneyRefusedException("Refused.UnknownQuestion");
            }

            return participant.QuestionId is not null ? StudyDecision.Nothing(true)
                : StudyDecision.Append(true, new QuestionChosen(participantId, questionId) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId });
        }, cancellationToken);

    /// <summary>
    /// Continues the interview: posts the participant's message (when given) and streams the interviewer's reply,
    /// storing it when complete. With no message it replies to what is stored — the opening on an empty transcript,
    /// or the answer a restart interrupted. The interviewer (perhaps a model) runs outside the study's gate.
    /// </summary>
    public async IAsyncEnumerable<InterviewUpdate> InterviewAsync(
        string slug, string participantId, string? text, InterviewIntent intent, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var posting = text is not null || intent == InterviewIntent.Done;
        var turn = await ChangeAsync(slug, state =>
        {
            var participant = RequireParticipant(state, participantId);
            var question = state.Study!.FindQuestion(participant.QuestionId ?? string.Empty) ?? throw new JourneyRefusedException("Refused.NoQuestion");
            if (state.Study.Phase != StudyPhase.Interviewing || participant.CardId is not null)
            {
                throw new JourneyRefusedException("Refused.InterviewClosed");
            }

            var transcript = participant.Transcript.ToList();
            if (!posting)
            {
                // Nothing to answer when the interviewer spoke last.
                var waiting = transcript.Count == 0 || transcript[^1].Role == InterviewRole.Participant;
                return StudyDecision.Nothing(waiting ? new InterviewTurn(state.Study, question, transcript, participant.Language) : null);
            }

            if (IsResentAnswer(transcript, text, intent))
            {
                // A double submit whose first copy was answered already: the interviewer's reply stands, nothing is added.
                return StudyDecision.Nothing<InterviewTurn?>(null);
            }

            var message = ParticipantMessage(transcript, text, intent, participant.InterviewStage);
            transcript.Add(message);
            return StudyDecision.Append<InterviewTurn?>(new InterviewTurn(state.Study, question, transcript, participant.Language),
                new InterviewMessagePosted(participantId, question.Id, message) { StudyId = slug, OccurredAt = now, Actor = participantId });
        }, cancellationToken);
        if (turn is null)
        {
            yield break;
        }

        var reply = new System.Text.StringBuilder();
        await foreach (var update in interviewer.ReplyAsync(new InterviewRequest(turn.Study, turn.Question, turn.Transcript, turn.Language), cancellationToken))
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
                var message = new InterviewMessage(turn.Transcript.Count, InterviewRole.Interviewer, reply.ToString().Trim(), completed.Stage)
                {
                    Provenance = completed.Provenance, RejectedCardSubmissions = completed.RejectedCardSubmissions, HandedOver = completed.HandedOver,
                };
                var at = time.GetUtcNow();
                var events = new List<StudyEvent> { new InterviewMessagePosted(participantId, turn.Question.Id, message) { StudyId = slug, OccurredAt = at, Actor = participantId } };
                if (completed.ProposedCard is { } card)
                {
                    events.Add(new CardDraftSaved(participantId, turn.Question.Id, card.Title, card.Description, card.Policies) { StudyId = slug, OccurredAt = at, Actor = participantId, Provenance = completed.Provenance });
                }

                await ChangeAsync(slug, _ => StudyDecision.Append(true, events), cancellationToken);
            }

            yield return update;
        }
    }

    private sealed record InterviewTurn(Study Study, Question Question, List<InterviewMessage> Transcript, string Language);

    /// <summary>
    /// True when <paramref name="text"/> repeats the participant's last answer word for word just after the interviewer
    /// replied to it: the second copy of a double click or a retried request that arrived once the first was answered
    /// (one that arrives before the reply is refused with <c>Refused.WaitForReply</c>). The same words again carry nothing
    /// new for the next question either.
    /// </summary>
    private static bool IsResentAnswer(List<InterviewMessage> transcript, string? text, InterviewIntent intent) =>
        intent == InterviewIntent.Answer
        && transcript.Count >= 2
        && transcript[^1].Role == InterviewRole.Interviewer
        && transcript[^2] is { Role: InterviewRole.Participant, Intent: InterviewIntent.Answer } previous
        && string.Equals(previous.Text, (text ?? string.Empty).Trim(), StringComparison.Ordinal);

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
    public Task SaveDraftAsync(string slug, string participantId, CardDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);

        // Over-long text is cut rather than refused here: a draft is a safety net, the confirmation is where rules apply.
        var clipped = new CardDraft(Clip(draft.Title, ValuesCardRules.MaxTitleLength), Clip(draft.Description, ValuesCardRules.MaxDescriptionLength),
            [.. draft.Policies.Take(ValuesCardRules.HardMaxPolicies).Select(p => Clip(p, ValuesCardRules.MaxPolicyLength))]);
        return ChangeAsync(slug, state =>
        {
            var participant = RequireParticipant(state, participantId);
            if (participant.QuestionId is null || participant.CardId is not null
                || participant.Draft is { } saved && saved.Title == clipped.Title && saved.Description == clipped.Description && saved.Policies.SequenceEqual(clipped.Policies))
            {
                return StudyDecision.Nothing(true);
            }

            return StudyDecision.Append(true, new CardDraftSaved(participantId, participant.QuestionId, clipped.Title, clipped.Description, clipped.Policies)
            {
                StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId,
            });
        }, cancellationToken);
    }

    /// <summary>Validates the card under the strict rules of the participant's language and, when valid, confirms it.</summary>
    public Task<ValidationResult<ValuesCard>> ConfirmCardAsync(string slug, string participantId, CardDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return ChangeAsync(slug, state =>
        {
            var participant = RequireParticipant(state, participantId);
            if (participant.QuestionId is null || state.Study!.Phase != StudyPhase.Interviewing)
            {
                throw new JourneyRefusedException("Refused.InterviewClosed");
            }

            // One card per participant and question, so a second click on "confirm" is the same card, stored once.
            var cardId = participant.CardId ?? CardIds.For(participantId, participant.QuestionId);
            var result = ValuesCard.Create(cardId, participantId, draft.Title, draft.Description, draft.Policies, ValuesCardRules.Strict.ForLanguage(participant.Language));
            return result.IsValid && participant.CardId is null
                ? StudyDecision.Append(result, CardSubmitted.From(result.Value!, slug, participant.QuestionId, time.GetUtcNow()))
                : StudyDecision.Nothing(result);
        }, cancellationToken);
    }

    /// <summary>The participant's unanswered wiser-than items, drawing them (see <see cref="VoteDraw"/>) on their first visit.</summary>
    public async Task<IReadOnlyList<VoteItem>> PendingItemsAsync(string slug, string participantId, CancellationToken cancellationToken = default)
    {
        var draw = await ReadAsync(slug, state =>
        {
            var participant = RequireParticipant(state, participantId);
            if (participant.Draws.Count > 0)
            {
                return new PlannedDraw([.. participant.PendingItems], []);
            }

            var study = state.Study!;
            IReadOnlyList<string> questions = participant.QuestionId is { } questionId ? [questionId] : [.. study.Questions.Select(q => q.Id)];
            // A story a model wrote earlier (in the background) is preferred; the draw itself never waits on a model.
            return new PlannedDraw(null, [.. VoteDraw.Choose(state, participantId, questions, study.VoteDrawSize)
                .Select(c => (c, state.Assistance.StoryFor(c.Context, c.From.Id, c.To.Id)))]);
        }, cancellationToken);
        if (draw.Existing is { } existing)
        {
            return existing;
        }

        // Template stories are written outside the gate; whoever stores a draw first wins, and a second tab sees that one.
        var items = new List<VoteItem>();
        foreach (var (candidate, written) in draw.Candidates)
        {
            items.Add(written is not null
                ? new VoteItem($"i{items.Count}", candidate.Context, candidate.From.Id, candidate.To.Id, written.Story) { StoryProvenance = written.Provenance, QuotedParticipants = VoteItem.QuotedBy(candidate.From, candidate.To) }
                : new VoteItem($"i{items.Count}", candidate.Context, candidate.From.Id, candidate.To.Id, await stories.WriteAsync(candidate.ContextText, candidate.From, candidate.To, cancellationToken))
                { QuotedParticipants = VoteItem.QuotedBy(candidate.From, candidate.To) });
        }

        return await ChangeAsync(slug, state =>
        {
            var participant = RequireParticipant(state, participantId);

            // Stored even when empty: the participant then moves on, and a reload shows the same items.
            return participant.Draws.Count > 0 ? StudyDecision.Nothing<IReadOnlyList<VoteItem>>([.. participant.PendingItems])
                : StudyDecision.Append<IReadOnlyList<VoteItem>>(items, new VoteItemsDrawn(participantId, 0, items) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId });
        }, cancellationToken);
    }

    private sealed record PlannedDraw(IReadOnlyList<VoteItem>? Existing, IReadOnlyList<(VoteCandidate Candidate, TransitionStoryWritten? Written)> Candidates);

    /// <summary>Records the participant's answer to one of their items; returns how everyone has answered it so far.</summary>
    public async Task<ItemTally> VoteAsync(string slug, string participantId, string itemId, Verdict verdict, string? comment, CancellationToken cancellationToken = default)
    {
        var why = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (why is { Length: > MaxCommentLength })
        {
            throw new JourneyRefusedException("Refused.CommentTooLong");
        }

        var item = await ChangeAsync(slug, state =>
        {
            var participant = RequireParticipant(state, participantId);
            if (state.Study!.Phase is not (StudyPhase.Interviewing or StudyPhase.Voting))
            {
                throw new JourneyRefusedException("Refused.Closed");
            }

            var item = participant.DrawnItems.FirstOrDefault(i => i.ItemId == itemId) ?? throw new JourneyRefusedException("Refused.UnknownItem");
            var now = time.GetUtcNow();
            var vote = new WiserThanVote(item.VoteIdFor(participantId), participantId, item.FromValueId, item.ToValueId, item.Context, verdict, why, item.Story, now) { StoryQuotes = item.QuotedParticipants };
            return StudyDecision.Append(item, new VoteCast(vote) { StudyId = slug, OccurredAt = now, Actor = participantId });
        }, cancellationToken);

        // Read after the vote is on disk, so it is among the answers shown.
        return await studies.ReadAsync(slug, state => state.TallyOf(state.ResolveValue(item.FromValueId), state.ResolveValue(item.ToValueId), item.Context), cancellationToken);
    }

    /// <summary>How everyone has answered <paramref name="item"/> so far.</summary>
    public Task<ItemTally> TallyAsync(string slug, VoteItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return studies.ReadAsync(slug, state => state.TallyOf(state.ResolveValue(item.FromValueId), state.ResolveValue(item.ToValueId), item.Context), cancellationToken);
    }

    /// <summary>Records "is this still your value?"; a no gives their card back a value of its own.</summary>
    public Task AnswerMembershipAsync(string slug, string participantId, bool stillMine, CancellationToken cancellationToken = default) =>
        ChangeAsync(slug, state =>
        {
            var participant = RequireParticipant(state, participantId);
            // A value split out for this card is its own, not a merge to ask about: answering "no" again (a retried
            // request, a second tab) would split it once more and drop every vote cast on it since.
            if (participant.CardId is not { } cardId || state.MergedValueOf(cardId) is not { } valueId)
            {
                return StudyDecision.Nothing(true);
            }

            var now = time.GetUtcNow();
            var events = new List<StudyEvent> { new ValueMembershipAnswered(participantId, cardId, valueId, stillMine) { StudyId = slug, OccurredAt = now, Actor = participantId } };
            if (!stillMine)
            {
                // A new id each time: a card split back out, merged again and split again must not reuse an old value.
                var newValueId = $"{cardId}-own-{participant.MembershipAnswers.Count + 1}";
                events.Add(new CardSplit(cardId, newValueId, "The participant said the merged value is not theirs.") { StudyId = slug, OccurredAt = now, Actor = participantId });
            }

            return StudyDecision.Append(true, events);
        }, cancellationToken);

    /// <summary>Records the survey (skipped questions allowed).</summary>
    public Task AnswerSurveyAsync(string slug, string participantId, IReadOnlyDictionary<string, int> answers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var copy = new Dictionary<string, int>(answers, StringComparer.Ordinal);
        return ChangeAsync(slug, state =>
        {
            RequireParticipant(state, participantId);
            if (Survey.Validate(copy).Count > 0)
            {
                throw new JourneyRefusedException("Refused.SurveyInvalid");
            }

            return StudyDecision.Append(true, new SurveyAnswered(participantId, copy) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId });
        }, cancellationToken);
    }

    /// <summary>Withdraws the participant: their cards, votes, answers and survey are excluded from everything from now on.</summary>
    public Task WithdrawAsync(string slug, string participantId, CancellationToken cancellationToken = default) =>
        ChangeAsync(slug, state => state.Participation.Find(participantId) is null ? StudyDecision.Nothing(true)
            : StudyDecision.Append(true, new ParticipantWithdrew(participantId) { StudyId = slug, OccurredAt = time.GetUtcNow(), Actor = participantId }), cancellationToken);

    private static ParticipantRecord RequireParticipant(StudyState state, string participantId) =>
        state.Participation.Find(participantId) is { Withdrawn: false } participant ? participant : throw new JourneyRefusedException("Refused.NotParticipant");

    private async Task<T> ReadAsync<T>(string slug, Func<StudyState, T> read, CancellationToken cancellationToken)
    {
        var found = false;
        var result = await studies.ReadAsync(slug, state =>
        {
            found = true;
            return read(state);
        }, cancellationToken);
        return found ? result! : throw new JourneyRefusedException("Refused.UnknownStudy");
    }

    private async Task<T> ChangeAsync<T>(string slug, Func<StudyState, StudyDecision<T>> decide, CancellationToken cancellationToken)
    {
        try
        {
            return (await studies.ChangeAsync(slug, decide, cancellationToken)).Result;
        }
        catch (StudyNotFoundException)
        {
            throw new JourneyRefusedException("Refused.UnknownStudy");
        }
        catch (IdempotencyConflictException)
        {
            // The same submission slot already holds something else (another tab answered first): reload and look.
            throw new JourneyRefusedException("Refused.ChangedElsewhere");
        }
        catch (IOException)
        {
            // The store refused the write (a full disk, a failed flush): nothing of this action was stored.
            throw new JourneyRefusedException("Refused.NotSaved");
        }
    }

    private static string Clip(string? text, int max) => text is null ? string.Empty : text.Length <= max ? text : text[..max];
}
