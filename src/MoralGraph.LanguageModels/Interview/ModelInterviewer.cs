using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Text;
using MoralGraph.LanguageModels.Calls;

namespace MoralGraph.LanguageModels.Interview;

/// <summary>
/// The interview conducted by a model (<see cref="InterviewerPrompt"/>), streamed token by token. The model ends the
/// interview by calling <c>submit_values_card</c>; the card is validated under the strict rules and, when valid, goes
/// to the participant's review. Invalid cards and unknown tools are answered with what is wrong so the model can fix
/// them, within <c>MaxStepsPerTurn</c> calls per turn.
/// <para>
/// The guided script takes over — for this turn and, since its message carries no provenance, for the rest of the
/// interview — when the study's budget is spent, the model times out or fails (even mid-reply: what streamed is
/// withdrawn first), a reply is cut off (at the token limit, or its stream ends without a finish reason), a turn runs out of steps, the interview's rejected cards reach <c>MaxCardAttempts</c>, or a
/// reply gives away the system prompt. The participant's transcript is never touched.
/// </para>
/// </summary>
public sealed class ModelInterviewer(ModelCalls calls, GuidedInterviewer guided, IPhrasebook phrases, ILogger<ModelInterviewer> logger) : IInterviewer
{
    /// <summary>Opens the model's side when the participant has written nothing yet (a chat needs a user turn).</summary>
    internal const string OpeningCue = "(The interview begins: the participant has not written anything yet. Greet them in a sentence and ask your first question.)";

    /// <inheritdoc />
    public async IAsyncEnumerable<InterviewUpdate> ReplyAsync(InterviewRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsModelLed(request.Transcript))
        {
            await foreach (var update in guided.ReplyAsync(request, cancellationToken))
            {
                yield return update;
            }

            yield break;
        }

        var studyId = request.Study.Slug;
        var purpose = new ModelCallPurpose(studyId, ModelCapabilities.Interview, InterviewerPrompt.Template);
        var rules = ValuesCardRules.Strict.ForLanguage(request.Language);
        var options = calls.ChatOptions(o =>
        {
            o.Tools = [InterviewerPrompt.SubmitValuesCardTool(rules)];
            o.ToolMode = ChatToolMode.Auto;
            o.AllowMultipleToolCalls = false;
        });
        var messages = InterviewTranscript.ToChatMessages(InterviewerPrompt.For(request.Study, request.Question, request.Language), request.Transcript);
        var earlierRejections = request.Transcript.Where(m => m.Role == InterviewRole.Interviewer).Sum(m => m.RejectedCardSubmissions);
        var rejections = 0;
        var shown = new StringBuilder();
        // How much of `shown` is on the page: text that could still turn out to quote the prompt waits (SafeLength).
        var released = 0;
        // The latest card the model submitted in this turn, valid or not: the guided script hands it to the participant.
        CardDraft? submitted = null;
        string? fallback = null;

        for (var step = 1; fallback is null; step++)
        {
            if (step > calls.Options.MaxStepsPerTurn)
            {
                fallback = $"the turn used its {calls.Options.MaxStepsPerTurn} model steps";
                break;
            }

            var stepText = new StringBuilder();
            var toolCalls = new List<FunctionCallContent>();
            var separate = shown.Length > 0;
            ChatFinishReason? finishReason = null;
            await using (var updates = calls.GetStreamingResponseAsync(purpose, messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken))
            {
                while (true)
                {
                    ChatResponseUpdate update;
                    try
                    {
                        if (!await updates.MoveNextAsync())
                        {
                            break;
                        }

                        update = updates.Current;
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }
#pragma warning disable CA1031 // Whatever the model or its server does wrong, the participant gets the guided question instead of an error.
                    catch (Exception failure)
#pragma warning restore CA1031
                    {
                        fallback = FailureReason(failure);
                        break;
                    }

                    finishReason = update.FinishReason ?? finishReason;
                    toolCalls.AddRange(update.Contents.OfType<FunctionCallContent>());
                    var text = update.Text;
                    if (text.Length == 0)
                    {
                        continue;
                    }

                    if (separate)
                    {
                        // A second step's words start a new paragraph, in the stream as in the stored reply.
                        shown.Append("\n\n");
                        separate = false;
                    }

                    stepText.Append(text);
                    shown.Append(text);
                    if (InterviewerPrompt.Leaks(shown.ToString()))
                    {
                        fallback = "a reply repeated the system prompt";
                        break;
                    }

                    // Only what can no longer grow into a leak is sent, so no word the check withdraws is ever on screen.
                    var safe = InterviewerPrompt.SafeLength(shown.ToString());
                    if (safe > released)
                    {
                        yield return new InterviewTextDelta(shown.ToString(released, safe - released));
                        released = safe;
                    }
                }
            }

            if (fallback is null)
            {
                fallback = CutOffReason(finishReason);
            }

            if (fallback is not null)
            {
                break;
            }

            if (shown.Length > released)
            {
                // The step is whole and the check passed on all of it: the words held back go out.
                yield return new InterviewTextDelta(shown.ToString(released, shown.Length - released));
                released = shown.Length;
            }

            if (toolCalls.Count == 0)
            {
                if (stepText.ToString().Trim().Length == 0)
                {
                    fallback = "the model replied with nothing";
                    break;
                }

                yield return new InterviewTurnCompleted(InterviewStage.Story, null) { Provenance = calls.ProvenanceFor(purpose), RejectedCardSubmissions = rejections };
                yield break;
            }

            var results = new List<AIContent>();
            CardDraft? card = null;
            foreach (var call in toolCalls)
            {
                if (call.Name != InterviewerPrompt.SubmitValuesCard)
                {
                    var unknown = Clip(call.Name, 64);
                    logger.LogWarning("The interviewer model for study {StudyId} called an unknown tool {Tool}.", studyId, unknown);
                    results.Add(new FunctionResultContent(call.CallId, $"There is no tool called \"{unknown}\". The only tool is {InterviewerPrompt.SubmitValuesCard}."));
                    continue;
                }

                var (draft, problems, attempt) = SubmittedCard(call, rules);
                submitted = attempt ?? submitted;
                if (draft is not null)
                {
                    card ??= draft;
                    continue;
                }

                rejections++;
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("The interviewer model for study {StudyId} submitted an invalid card ({Problems} problems); {Rejected} rejected in this interview.",
                        studyId, problems.Count, earlierRejections + rejections);
                }

                results.Add(new FunctionResultContent(call.CallId, RejectionMessage(problems, rules)));
            }

            if (card is not null)
            {
                if (InterviewerPrompt.Leaks(string.Join('\n', [card.Title, card.Description, .. card.Policies])))
                {
                    fallback = "a drafted card repeated the system prompt";
                    break;
                }

                if (shown.Length == 0)
                {
                    // The model said nothing to the participant: the guided script's words for the same moment.
                    yield return new InterviewTextDelta(phrases.Phrase("Interview.DraftReady"));
                }

                yield return new InterviewTurnCompleted(InterviewStage.Review, card) { Provenance = calls.ProvenanceFor(purpose), RejectedCardSubmissions = rejections };
                yield break;
            }

            if (earlierRejections + rejections >= calls.Options.MaxCardAttempts)
            {
                fallback = $"{earlierRejections + rejections} drafted cards were rejected in this interview";
                break;
            }

            // The model's call and the answers to it, so its next step can fix what was wrong.
            messages.Add(new ChatMessage(ChatRole.Assistant, [.. stepText.Length > 0 ? [new TextContent(stepText.ToString())] : Array.Empty<AIContent>(), .. toolCalls]));
            messages.Add(new ChatMessage(ChatRole.Tool, results));
        }

        logger.LogWarning("The interview in study {StudyId} moves to the guided script: {Reason}.", studyId, fallback);
        if (released > 0)
        {
            yield return new InterviewReplyDiscarded(fallback!);
        }

        // The guided script goes on from where the conversation is, with the model's draft (minus anything quoting the prompt).
        await foreach (var update in guided.TakeOverAsync(request, WithoutLeaks(submitted), cancellationToken))
        {
            yield return update;
        }
    }

    /// <summary>
    /// True while the model leads the interview: nothing has been said yet, or the interviewer's latest message came
    /// from a model. Once the guided script has spoken, it keeps the interview, so the participant is not bounced
    /// between two interviewers.
    /// </summary>
    public static bool IsModelLed(IReadOnlyList<InterviewMessage> transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var latest = transcript.LastOrDefault(m => m.Role == InterviewRole.Interviewer);
        return transcript.Count == 0 || latest?.Provenance is not null;
    }

    /// <summary>
    /// The card in a <c>submit_values_card</c> call, validated; or the problems, phrased for the model. Either way, the
    /// fields as sent (<c>Attempt</c>, null when the arguments could not be read), for a hand-over to the guided script.
    /// </summary>
    internal static (CardDraft? Card, IReadOnlyList<string> Problems, CardDraft? Attempt) SubmittedCard(FunctionCallContent call, ValuesCardRules rules)
    {
        if (call.Exception is not null)
        {
            return (null, ["The arguments were not valid JSON. Send one JSON object with the fields title, description and policies."], null);
        }

        JsonElement arguments;
        try
        {
            arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);
        }
        catch (NotSupportedException)
        {
            return (null, ["The arguments could not be read. Send one JSON object with the fields title, description and policies."], null);
        }

        var problems = new List<string>();
        foreach (var property in arguments.EnumerateObject().Where(p => p.Name is not ("title" or "description" or "policies")))
        {
            problems.Add($"{Clip(property.Name, 40)}: this field is not part of a card; send only title, description and policies.");
        }

        var title = Text(arguments, "title", problems);
        var description = Text(arguments, "description", problems);
        var policies = new List<string>();
        if (!arguments.TryGetProperty("policies", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            problems.Add("policies: missing; send a list of text lines.");
        }
        else
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    policies.Add(item.GetString()!);
                }
                else
                {
                    problems.Add("policies: every item must be a line of text.");
                }
            }
        }

        var attempt = new CardDraft(title.Trim(), description.Trim(), [.. policies.Select(p => p.Trim()).Where(p => p.Length > 0)]);
        if (problems.Count > 0)
        {
            return (null, problems, attempt);
        }

        // The same judgement the participant's confirmation gets (ParticipationService.ConfirmCardAsync).
        var result = ValuesCard.Create("draft", "interview", title, description, policies, rules);
        if (!result.IsValid)
        {
            return (null, [.. result.Problems.Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.ToString())], attempt);
        }

        var card = result.Value!;
        var draft = new CardDraft(card.Title, card.Description, card.Policies);
        return (draft, [], draft);
    }

    /// <summary>
    /// A drafted card with every field that quotes the system prompt emptied (null when nothing is left, or when the
    /// fields only leak together), so a hand-over never puts the prompt on the review screen.
    /// </summary>
    internal static CardDraft? WithoutLeaks(CardDraft? draft)
    {
        if (draft is null)
        {
            return null;
        }

        string Clean(string field) => InterviewerPrompt.Leaks(field) ? string.Empty : field;
        var cleaned = new CardDraft(Clean(draft.Title), Clean(draft.Description), [.. draft.Policies.Where(p => !InterviewerPrompt.Leaks(p))]);
        var nothingLeft = cleaned.Title.Length == 0 && cleaned.Description.Length == 0 && cleaned.Policies.Count == 0;
        return nothingLeft || InterviewerPrompt.Leaks(string.Join('\n', [cleaned.Title, cleaned.Description, .. cleaned.Policies])) ? null : cleaned;
    }

    private static string Text(JsonElement arguments, string field, List<string> problems)
    {
        if (arguments.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        problems.Add($"{field}: missing; send it as text.");
        return string.Empty;
    }

    private static string RejectionMessage(IReadOnlyList<string> problems, ValuesCardRules rules) =>
        "The card was not accepted. Fix these problems and call submit_values_card again (do not mention them to the participant):\n"
        + string.Join('\n', problems.Select(p => "- " + p))
        + $"\nA card has a title of {rules.MinTitleWords} to {rules.MaxTitleWords} words, a description of {rules.MinDescriptionSentences} to {rules.MaxDescriptionSentences} sentences, "
        + $"and {rules.MinPolicies} to {rules.MaxPolicies} policies, each starting with a capitalized plural noun phrase such as \"MOMENTS when …\".";

    /// <summary>
    /// Why a step that streamed to its end is still not a whole reply, or null when it is. A reply cut at the token
    /// limit, stopped by a content filter, or whose stream simply ends without saying why, stops mid-sentence; stored,
    /// it would show the participant half a question and keep a model in the lead that cannot finish its turn.
    /// </summary>
    private static string? CutOffReason(ChatFinishReason? finishReason)
    {
        if (finishReason is null)
        {
            return "the model's reply ended without a finish reason";
        }

        if (finishReason == ChatFinishReason.Length)
        {
            return "the model's reply was cut off at its token limit";
        }

        return finishReason == ChatFinishReason.ContentFilter ? "the model's reply was stopped by a content filter" : null;
    }

    private static string FailureReason(Exception failure) => failure switch
    {
        ModelBudgetExhaustedException => "the study's token budget is spent",
        TimeoutException => "the model timed out",
        HttpRequestException http => $"the model's server failed ({(int?)http.StatusCode})",
        _ => $"the model call failed ({failure.GetType().Name})",
    };

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
