using MoralGraph.Core.Studies;

namespace MoralGraph.Core.Interview;

/// <summary>A card as drafted in the interview or edited on the review screen, not yet validated.</summary>
/// <param name="Title">Title.</param>
/// <param name="Description">Description.</param>
/// <param name="Policies">Attentional policies.</param>
public sealed record CardDraft(string Title, string Description, IReadOnlyList<string> Policies);

/// <summary>What the interviewer is asked to reply to.</summary>
/// <param name="Study">The study.</param>
/// <param name="Question">The question the interview is about.</param>
/// <param name="Transcript">Everything said so far; the participant's latest message is last (or nothing, to open).</param>
/// <param name="Language">The participant's language.</param>
public sealed record InterviewRequest(Study Study, Question Question, IReadOnlyList<InterviewMessage> Transcript, string Language);

/// <summary>A piece of the interviewer's reply as it is produced.</summary>
public abstract record InterviewUpdate;

/// <summary>More text of the reply: render it as it arrives (a model streams tokens; the guided script words).</summary>
/// <param name="Text">The next piece of text.</param>
public sealed record InterviewTextDelta(string Text) : InterviewUpdate;

/// <summary>The reply is complete: the stage it leaves the interview in, and the card when the interview drafted one.</summary>
/// <param name="Stage">The stage the reply asks about.</param>
/// <param name="ProposedCard">The drafted card, when <paramref name="Stage"/> is <see cref="InterviewStage.Review"/>.</param>
public sealed record InterviewTurnCompleted(InterviewStage Stage, CardDraft? ProposedCard) : InterviewUpdate
{
    /// <summary>The prompt, model and time when a model wrote the reply; null for the guided script.</summary>
    public Assistance.ModelProvenance? Provenance { get; init; }

    /// <summary>
    /// Cards a model submitted during this reply that failed validation (and were sent back to it); stored with the
    /// message so the count survives restarts and the interview can move to the guided flow after too many.
    /// </summary>
    public int RejectedCardSubmissions { get; init; }

    /// <summary>True when the guided script took the interview over from a model in this reply (the page says so).</summary>
    public bool HandedOver { get; init; }
}

/// <summary>
/// The text streamed so far is withdrawn (a model timed out mid-reply, or wrote something it must not): clear it.
/// Another reply follows in the same stream.
/// </summary>
/// <param name="Reason">Why, for logs (never shown to the participant as is).</param>
public sealed record InterviewReplyDiscarded(string Reason) : InterviewUpdate;

/// <summary>
/// Conducts the interview one reply at a time. Participant text is data: an interviewer never follows
/// instructions written in it. Implementations: the embedded guided script, and (when configured) a model.
/// </summary>
public interface IInterviewer
{
    /// <summary>
    /// Streams the reply to the transcript's latest participant message (or the opening, for an empty transcript),
    /// ending with exactly one <see cref="InterviewTurnCompleted"/>.
    /// </summary>
    IAsyncEnumerable<InterviewUpdate> ReplyAsync(InterviewRequest request, CancellationToken cancellationToken = default);
}
