using System.Runtime.CompilerServices;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Text;

namespace MoralGraph.Core.Interview;

/// <summary>
/// The embedded interviewer: no model, the same warm script for everyone, following the method's stages —
/// a story about a choice like this, what they paid attention to when choosing well, their attentional policies
/// (with hints when one reads as a goal, is vague or is not a plural noun phrase), a title, a description, then
/// review. It reads only the stage and the participant's intent, never their words' instructions, so text such as
/// "ignore your instructions" is just an answer. Wording comes from the phrasebook (<c>Interview.*</c> keys).
/// </summary>
/// <param name="phrases">Wording in the participant's language.</param>
public sealed class GuidedInterviewer(IPhrasebook phrases) : IInterviewer
{
    /// <inheritdoc />
    public IAsyncEnumerable<InterviewUpdate> ReplyAsync(InterviewRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (text, stage, card) = Next(request);
        return Say(text, stage, card, cancellationToken);
    }

    /// <summary>
    /// Takes over an interview a model was leading (its turn failed, or its card was rejected or quoted its prompt)
    /// without starting again: the reply opens with one line saying the assistant switched to the guided questions
    /// and kept the answers, then goes on from where the conversation is. With a card the model drafted, that card
    /// goes to review for the participant to fix; otherwise the questions the conversation has answered are skipped.
    /// A model's questions carry no stage, so "answered" is read from how many answers were given: the model opens
    /// on a story (as its prompt asks), and every later answer digs into what the participant paid attention to.
    /// </summary>
    /// <param name="request">The interview so far, led by a model.</param>
    /// <param name="modelDraft">The card the model drafted in the failed turn, if any (already free of the prompt's words).</param>
    /// <param name="cancellationToken">Cancels the reply.</param>
    public IAsyncEnumerable<InterviewUpdate> TakeOverAsync(InterviewRequest request, CardDraft? modelDraft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answers = request.Transcript.Count(m => m.Role == InterviewRole.Participant && m.Intent == InterviewIntent.Answer);
        var modelLed = request.Transcript.LastOrDefault(m => m.Role == InterviewRole.Interviewer)?.Provenance is not null;
        if (!modelLed || (answers == 0 && modelDraft is null) || request.Transcript[^1].Role != InterviewRole.Participant)
        {
            // Nothing was said to keep (or the guided script has the interview already): the ordinary next question.
            var (text, stage, card) = Next(request);
            return Say(text, stage, card, cancellationToken);
        }

        var handOver = phrases.Phrase("Interview.HandOver") + "\n\n";
        if (modelDraft is not null)
        {
            return Say(handOver + phrases.Phrase("Interview.DraftReady"), InterviewStage.Review, modelDraft, cancellationToken, handedOver: true);
        }

        return answers == 1
            ? Say(handOver + phrases.Phrase("Interview.AskAttention"), InterviewStage.Attention, null, cancellationToken, handedOver: true)
            : Say(handOver + phrases.Phrase("Interview.ExplainPolicies"), InterviewStage.Policies, null, cancellationToken, handedOver: true);
    }

    private static async IAsyncEnumerable<InterviewUpdate> Say(string text, InterviewStage stage, CardDraft? card, [EnumeratorCancellation] CancellationToken cancellationToken,
        bool handedOver = false)
    {
        foreach (var piece in Pieces(text))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new InterviewTextDelta(piece);
        }

        await Task.CompletedTask;
        yield return new InterviewTurnCompleted(stage, card) { HandedOver = handedOver };
    }

    private (string Text, InterviewStage Stage, CardDraft? Card) Next(InterviewRequest request)
    {
        var transcript = request.Transcript;
        var last = transcript.Count > 0 ? transcript[^1] : null;
        if (last is null)
        {
            return (phrases.Phrase("Interview.Opening", request.Question.Prompt) + "\n\n" + phrases.Phrase("Interview.AskStory"), InterviewStage.Story, null);
        }

        if (last.Role == InterviewRole.Interviewer)
        {
            // Already answered: asking again repeats the last question rather than skipping ahead.
            return (last.Text, last.Stage, last.Stage == InterviewStage.Review ? AnsweredDraft(transcript) : null);
        }

        var rules = ValuesCardRules.Strict.ForLanguage(request.Language);
        switch (last.Stage)
        {
            case InterviewStage.Story:
                return (phrases.Phrase("Interview.AskAttention"), InterviewStage.Attention, null);
            case InterviewStage.Attention:
                return (phrases.Phrase("Interview.ExplainPolicies"), InterviewStage.Policies, null);
            case InterviewStage.Policies:
                var count = PoliciesOf(transcript).Count;
                if (last.Intent == InterviewIntent.Done)
                {
                    return count < rules.MinPolicies
                        ? (phrases.Phrase("Interview.NeedMorePolicies", rules.MinPolicies - count), InterviewStage.Policies, null)
                        : (phrases.Phrase("Interview.AskTitle"), InterviewStage.Title, null);
                }

                if (count >= rules.MaxPolicies)
                {
                    return (phrases.Phrase("Interview.PolicyLimitReached", rules.MaxPolicies) + "\n\n" + phrases.Phrase("Interview.AskTitle"), InterviewStage.Title, null);
                }

                var hints = PolicyHints.For(last.Text, rules.IsEnglish);
                var noted = hints.Count > 0
                    ? phrases.Phrase("Interview.PolicyNotedWithHint", phrases.Phrase($"Hint.{hints[0].Kind}", hints[0].Detail))
                    : phrases.Phrase("Interview.PolicyNoted");
                var more = count < rules.MinPolicies
                    ? phrases.Phrase("Interview.AnotherPolicy", rules.MinPolicies - count)
                    : phrases.Phrase("Interview.MorePoliciesOrDone");
                return (noted + " " + more, InterviewStage.Policies, null);
            case InterviewStage.Title:
                // Checked where it is written: a title the card would refuse is asked for again now, not at confirmation.
                return TitleProblem(last.Text, rules) is { } problem
                    ? (phrases.Phrase($"CardProblem.{problem.Code}", [.. problem.Arguments]) + " " + phrases.Phrase("Interview.AskTitleAgain"), InterviewStage.Title, null)
                    : (phrases.Phrase("Interview.AskDescription"), InterviewStage.Description, null);
            case InterviewStage.Description:
                return (phrases.Phrase("Interview.DraftReady"), InterviewStage.Review, DraftFrom(transcript));
            default:
                return (phrases.Phrase("Interview.ReviewReminder"), InterviewStage.Review, AnsweredDraft(transcript));
        }
    }

    // The first of the card's own title problems (too many or too few words, too long, empty) that would refuse it.
    private static ValidationProblem? TitleProblem(string title, ValuesCardRules rules) =>
        ValuesCardValidator.Validate(title.Trim(), string.Empty, [], rules)
            .FirstOrDefault(p => p.Field == "title" && p.Severity == ProblemSeverity.Error && p.Code is not null);

    /// <summary>The policies the participant wrote, in order.</summary>
    public static List<string> PoliciesOf(IReadOnlyList<InterviewMessage> transcript) =>
        [.. transcript.Where(m => m.Role == InterviewRole.Participant && m.Stage == InterviewStage.Policies && m.Intent == InterviewIntent.Answer).Select(m => m.Text)];

    /// <summary>The card the transcript drafts: the latest title and description answers and every policy.</summary>
    public static CardDraft DraftFrom(IReadOnlyList<InterviewMessage> transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        string LatestAnswer(InterviewStage stage) =>
            transcript.LastOrDefault(m => m.Role == InterviewRole.Participant && m.Stage == stage && m.Intent == InterviewIntent.Answer)?.Text ?? string.Empty;
        return new CardDraft(LatestAnswer(InterviewStage.Title), LatestAnswer(InterviewStage.Description), PoliciesOf(transcript));
    }

    // The draft the guided answers make, or null when they made none: a card a model drafted before handing over
    // came from the conversation, not from answers, and a reminder must not replace it with an empty one.
    private static CardDraft? AnsweredDraft(IReadOnlyList<InterviewMessage> transcript)
    {
        var draft = DraftFrom(transcript);
        return draft.Title.Length == 0 && draft.Description.Length == 0 && draft.Policies.Count == 0 ? null : draft;
    }

    // Word by word, so the page renders the reply the way it renders a model's stream.
    private static IEnumerable<string> Pieces(string text)
    {
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == ' ')
            {
                yield return text[start..i];
                start = i;
            }
        }
    }
}
