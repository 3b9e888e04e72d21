namespace MoralGraph.Core.Interview;

/// <summary>Who said something in an interview.</summary>
public enum InterviewRole
{
    /// <summary>The interviewer (guided script or model).</summary>
    Interviewer,

    /// <summary>The participant.</summary>
    Participant,
}

/// <summary>
/// The method's stages, in order: a story about a choice like the question's, what they paid attention to
/// when choosing well, the attentional policies, a title, a description, then review of the drafted card.
/// </summary>
public enum InterviewStage
{
    /// <summary>A personal story about a choice like the one in the question.</summary>
    Story,

    /// <summary>What they paid attention to when choosing well.</summary>
    Attention,

    /// <summary>Writing attentional policies, one per message.</summary>
    Policies,

    /// <summary>A short name for the value.</summary>
    Title,

    /// <summary>How an AI with this value would act.</summary>
    Description,

    /// <summary>The card is drafted; the participant reviews and confirms it.</summary>
    Review,
}

/// <summary>What a participant's message does beyond its text.</summary>
public enum InterviewIntent
{
    /// <summary>An answer to the interviewer's question.</summary>
    Answer,

    /// <summary>"That's all": ends a list (the policies) and moves on.</summary>
    Done,
}

/// <summary>One message of an interview transcript, as shown to the participant.</summary>
/// <param name="Turn">0-based position in the transcript; a replayed submission of the same turn is one message.</param>
/// <param name="Role">Who said it.</param>
/// <param name="Text">What was said, as plain text (never rendered as markup).</param>
/// <param name="Stage">The stage the message belongs to.</param>
/// <param name="Intent">For participant messages, what the message does.</param>
public sealed record InterviewMessage(int Turn, InterviewRole Role, string Text, InterviewStage Stage, InterviewIntent Intent = InterviewIntent.Answer)
{
    /// <summary>
    /// For an interviewer's message a model wrote, the prompt, model and time; null for the guided script. The
    /// interview stays with a model while its latest interviewer message has one, so a participant moved to the
    /// guided flow stays there.
    /// </summary>
    public Assistance.ModelProvenance? Provenance { get; init; }

    /// <summary>For an interviewer's message a model wrote, the cards it submitted in that turn that failed validation.</summary>
    public int RejectedCardSubmissions { get; init; }

    /// <summary>
    /// True for the guided script's message that took the interview over from a model, keeping what was said and drafted;
    /// the card step repeats its one-line explanation when the hand-over went straight to the model's draft.
    /// </summary>
    public bool HandedOver { get; init; }

    /// <summary>Most characters in one participant message: long enough for a story, short enough to read.</summary>
    public const int MaxParticipantLength = 2000;
}
