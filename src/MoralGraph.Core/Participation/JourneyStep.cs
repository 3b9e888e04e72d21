using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;

namespace MoralGraph.Core.Participation;

/// <summary>The steps of a participant's journey, in order (the stepper shows them).</summary>
public enum JourneyStep
{
    /// <summary>Read and agree to what is collected.</summary>
    Consent,

    /// <summary>Choose (or be given) a question.</summary>
    Question,

    /// <summary>The interview.</summary>
    Interview,

    /// <summary>Review, edit and confirm the values card.</summary>
    Card,

    /// <summary>Wiser-than voting.</summary>
    Voting,

    /// <summary>The closing survey.</summary>
    Survey,

    /// <summary>Thank you.</summary>
    Done,
}

/// <summary>Where a participant is, decided from the study's phase and what they have done — never from the page they were on.</summary>
public static class Journey
{
    /// <summary>
    /// The step to show. While interviewing, everyone goes through every step. Once the study is voting, new
    /// cards are no longer taken: a participant without a confirmed card goes from their question straight to
    /// voting. A closed study (or a withdrawn participant) is done.
    /// </summary>
    /// <param name="study">The study.</param>
    /// <param name="participant">The participant, or null before consent.</param>
    /// <param name="isAvailable">
    /// Whether a drawn item can still be shown (both its values are still in the study); items that cannot are
    /// passed over rather than answered for the participant. Null: all can.
    /// </param>
    public static JourneyStep CurrentStep(Study study, ParticipantRecord? participant, Func<Voting.VoteItem, bool>? isAvailable = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (participant is null)
        {
            return JourneyStep.Consent;
        }

        if (participant.Withdrawn || study.Phase is StudyPhase.Closed or StudyPhase.Draft)
        {
            return JourneyStep.Done;
        }

        if (participant.QuestionId is null)
        {
            return JourneyStep.Question;
        }

        if (participant.CardId is null && study.Phase == StudyPhase.Interviewing)
        {
            return participant.InterviewStage == InterviewStage.Review ? JourneyStep.Card : JourneyStep.Interview;
        }

        if (participant.Draws.Count == 0 || participant.PendingItems.Any(isAvailable ?? (_ => true)))
        {
            return JourneyStep.Voting;
        }

        return participant.Survey is null ? JourneyStep.Survey : JourneyStep.Done;
    }
}
