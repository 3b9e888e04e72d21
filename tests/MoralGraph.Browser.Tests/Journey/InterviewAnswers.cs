namespace MoralGraph.Browser.Tests.Journey;

/// <summary>What a participant says in the guided interview, one message per answer; their card is drafted from it.</summary>
/// <param name="Story">The story the interviewer asks for first.</param>
/// <param name="Attention">What they paid attention to.</param>
/// <param name="Policies">Attentional policies, one message each (three to seven make a valid card).</param>
/// <param name="Title">The card's title (two to six words).</param>
/// <param name="Description">The card's description (one to three sentences).</param>
public sealed record InterviewAnswers(string Story, string Attention, IReadOnlyList<string> Policies, string Title, string Description)
{
    /// <summary>
    /// Answers to the example study's abortion question that make a valid card titled <paramref name="title"/>. Each
    /// test gives its own title, so its card can be told apart from other tests' cards on the same server.
    /// </summary>
    public static InterviewAnswers Titled(string title) => new(
        "My friend faced this. She talked to her pastor and to her sister before deciding.",
        "Whether she felt judged, and what she really wanted for her future.",
        [
            "MOMENTS when she feels torn between faith and her future",
            "FEARS of judgement that stop her from asking for help",
            "PEOPLE she trusts who would listen without pushing",
        ],
        title,
        "The AI listens first and helps her find her own answer.");
}
