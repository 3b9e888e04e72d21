using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.LanguageModels.Prompts;

namespace MoralGraph.LanguageModels.Contexts;

/// <summary>
/// Proposes "When …" contexts in the background — for each question of a study, and from each finished interview — for
/// facilitators to accept or reject. What the model answers is kept only when it is a plain "When …" phrase of a
/// sensible length that repeats neither the question's contexts nor an earlier proposal (<see cref="ContextText"/>);
/// each kept one is stored as a <see cref="ContextProposed"/> with its source and provenance.
/// </summary>
public sealed class ModelContextProposer(ModelCalls calls, StudyRepository studies, IEventLog log, ILogger<ModelContextProposer> logger)
{
    /// <summary>The job kind of proposing contexts for every question of a study.</summary>
    public const string JobKind = "contexts";

    /// <summary>Most proposals kept from one answer.</summary>
    public const int MaxProposalsPerAnswer = 5;

    /// <summary>Most interview messages shown to the model (the latest ones).</summary>
    public const int MaxTranscriptMessages = 60;

    private const string QuestionSource = "question";

    /// <summary>The job that proposes contexts for every question of the study.</summary>
    public ModelJob QuestionJobFor(string studyId) => new(studyId, JobKind, cancellationToken => ProposeForQuestionsAsync(studyId, cancellationToken));

    /// <summary>
    /// The job that proposes contexts from <paramref name="participantId"/>'s interview; its kind names the participant,
    /// so interviews finishing together each get their job.
    /// </summary>
    public ModelJob TranscriptJobFor(string studyId, string participantId) =>
        new(studyId, $"{JobKind}:{participantId}", cancellationToken => ProposeFromTranscriptAsync(studyId, participantId, cancellationToken));

    /// <summary>The source recorded for proposals from <paramref name="participantId"/>'s interview.</summary>
    public static string TranscriptSource(string participantId) => AssistanceState.TranscriptSourcePrefix + participantId;

    /// <summary>Proposes contexts for every question of the study; returns what it did, for the facilitator.</summary>
    public async Task<string> ProposeForQuestionsAsync(string studyId, CancellationToken cancellationToken = default)
    {
        var state = await studies.LoadAsync(studyId, cancellationToken);
        if (state?.Study is not { } study)
        {
            return $"There is no study '{studyId}'.";
        }

        var stored = 0;
        var notes = new List<string>();
        var failures = new List<string>();
        foreach (var question in study.Questions)
        {
            var existing = Existing(state, question);
            var message = $"""
                <question>{Json(question.Prompt)}</question>

                <existing>{Json(existing)}</existing>
                """;
            try
            {
                var (count, note) = await ProposeAsync(study.Slug, question, existing, ContextPrompt.ForQuestion, message, QuestionSource, cancellationToken);
                stored += count;
                if (note is not null)
                {
                    notes.Add(note);
                }
            }
            catch (ModelBudgetExhaustedException)
            {
                notes.Add("Stopped: the study's token budget is spent.");
                break;
            }
            catch (Exception e) when (ModelCallFailure.IsCallFailure(e))
            {
                // One failed call costs only its question; the next question may well get an answer.
                failures.Add(ModelCallFailure.Describe(e));
                logger.LogWarning("The context call for study {StudyId}, question {QuestionId} failed ({Error}); the job goes on with the next question.",
                    study.Slug, question.Id, e.GetType().Name);
            }
        }

        if (failures.Count > 0)
        {
            notes.Add($"{failures.Count} of {study.Questions.Count} question(s) got no proposals: {string.Join("; ", failures.Distinct(StringComparer.Ordinal))}.");
        }

        return string.Join(' ', [$"Proposed {stored} new context(s).", .. notes]);
    }

    /// <summary>Proposes contexts from one participant's interview; returns what it did, for the facilitator.</summary>
    public async Task<string> ProposeFromTranscriptAsync(string studyId, string participantId, CancellationToken cancellationToken = default)
    {
        var state = await studies.LoadAsync(studyId, cancellationToken);
        var participant = state?.Participation.Find(participantId);
        if (state?.Study is not { } study || participant is null || participant.Withdrawn || participant.QuestionId is null
            || study.FindQuestion(participant.QuestionId) is not { } question || participant.Transcript.Count == 0)
        {
            return "No interview to read.";
        }

        var source = TranscriptSource(participantId);
        if (state.Assistance.ContextProposals.Any(p => p.Source == source))
        {
            return "This interview was read already.";
        }

        var existing = Existing(state, question);
        var transcript = participant.Transcript.TakeLast(MaxTranscriptMessages)
            .Select(m => new { from = m.Role == InterviewRole.Participant ? "participant" : "interviewer", text = m.Text });
        var message = $"""
            <question>{Json(question.Prompt)}</question>

            <existing>{Json(existing)}</existing>

            <transcript>{Json(transcript)}</transcript>
            """;
        int count;
        string? note;
        try
        {
            (count, note) = await ProposeAsync(study.Slug, question, existing, ContextPrompt.ForTranscript, message, source, cancellationToken);
        }
        catch (Exception e) when (ModelCallFailure.IsCallFailure(e))
        {
            logger.LogWarning("The context call for study {StudyId} from an interview failed ({Error}); no contexts were proposed from it.", study.Slug, e.GetType().Name);
            return $"No contexts proposed from an interview: {ModelCallFailure.Describe(e)}.";
        }

        var outcome = $"Proposed {count} new context(s) from an interview.";
        return note is null ? outcome : $"{outcome} {note}";
    }

    // The question's contexts and every context proposed for it before, accepted, rejected or pending: none is offered twice.
    private static List<string> Existing(StudyState state, Question question) =>
        [.. question.Contexts.Select(c => c.Text), .. state.Assistance.ContextProposals.Where(p => p.QuestionId == question.Id).Select(p => p.Text)];

    private async Task<(int Stored, string? Note)> ProposeAsync(string studyId, Question question, List<string> existing, Prompt prompt, string userMessage, string source,
        CancellationToken cancellationToken)
    {
        var purpose = new ModelCallPurpose(studyId, ModelCapabilities.Contexts, prompt);
        var provenance = calls.ProvenanceFor(purpose);
        var response = await calls.GetResponseAsync(purpose, [new ChatMessage(ChatRole.System, prompt.Text), new ChatMessage(ChatRole.User, userMessage)],
            calls.ChatOptions(o => o.ResponseFormat = ChatResponseFormat.Json), cancellationToken);
        if (ModelOutput.ParseObject(response.Text) is not { } answer || !answer.TryGetProperty("contexts", out var proposed) || proposed.ValueKind != JsonValueKind.Array)
        {
            logger.LogWarning("The context answer ({PromptId}) for study {StudyId}, question {QuestionId} was not the JSON asked for; nothing was stored from it.",
                prompt.Id, studyId, question.Id);
            return (0, $"The answer for question {question.Id} was not valid JSON; nothing was stored from it.");
        }

        var known = new List<string>(existing);
        var events = new List<StudyEvent>();
        var refused = 0;
        foreach (var item in proposed.EnumerateArray().Take(MaxProposalsPerAnswer * 2))
        {
            var text = item.ValueKind == JsonValueKind.String ? ContextText.Clean(item.GetString()) : null;
            if (text is null || ContextText.Repeats(text, known) || events.Count == MaxProposalsPerAnswer)
            {
                refused++;
                continue;
            }

            known.Add(text);
            events.Add(new ContextProposed(ContextText.ProposalIdFor(question.Id, text), question.Id, text, source)
            {
                Provenance = provenance, StudyId = studyId, OccurredAt = provenance.At, Actor = "model",
            });
        }

        if (refused > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("{Refused} context(s) the model proposed for study {StudyId}, question {QuestionId} were not kept (not a \"When …\" phrase, too long, or a repeat).",
                refused, studyId, question.Id);
        }

        if (events.Count > 0)
        {
            await log.AppendAllAsync(events, cancellationToken);
        }

        return (events.Count, refused > 0 ? $"{refused} proposal(s) for question {question.Id} were not kept (not a \"When …\" phrase, too long, or a repeat)." : null);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
