using Microsoft.Extensions.AI;
using MoralGraph.Core.Interview;
using MoralGraph.LanguageModels.Prompts;

namespace MoralGraph.LanguageModels.Interview;

/// <summary>
/// The transcript as chat messages for the model: the system prompt first, the interviewer's messages as the
/// assistant's, and each participant message as a user message wrapped in <c>&lt;participant_message&gt;</c> tags, so
/// the model can tell the participant's words (data) from its instructions. Participant text never enters the system prompt.
/// </summary>
public static class InterviewTranscript
{
    /// <summary>The tag participant text is wrapped in.</summary>
    public const string ParticipantTag = "participant_message";

    /// <summary>The messages for one call.</summary>
    public static List<ChatMessage> ToChatMessages(string systemPrompt, IReadOnlyList<InterviewMessage> transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var messages = new List<ChatMessage> { new(ChatRole.System, systemPrompt) };
        if (transcript.Count == 0)
        {
            messages.Add(new ChatMessage(ChatRole.User, ModelInterviewer.OpeningCue));
            return messages;
        }

        if (transcript[0].Role == InterviewRole.Interviewer)
        {
            // The model opened the interview; the cue it opened on keeps the turns alternating as chat servers expect.
            messages.Add(new ChatMessage(ChatRole.User, ModelInterviewer.OpeningCue));
        }

        foreach (var message in transcript)
        {
            messages.Add(message.Role == InterviewRole.Interviewer
                ? new ChatMessage(ChatRole.Assistant, message.Text)
                : new ChatMessage(ChatRole.User, Delimited(message)));
        }

        return messages;
    }

    /// <summary>A participant's message as data: inside the tags, with any tag of the same name inside it removed so it cannot close them early.</summary>
    public static string Delimited(InterviewMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = message.Intent == InterviewIntent.Done && message.Text.Length == 0 ? "(The participant says they are done.)" : message.Text;
        return PromptMaterial.Wrap(ParticipantTag, text);
    }
}
