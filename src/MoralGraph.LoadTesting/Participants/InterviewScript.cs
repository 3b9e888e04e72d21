namespace MoralGraph.LoadTesting.Participants;

/// <summary>
/// What simulated participants say to the guided interviewer, and the valid cards they confirm: titles of two to six
/// words, one-sentence descriptions, and three attentional policies each starting with a capitalized plural noun phrase
/// (see <c>ValuesCardRules</c>), so every confirmation is one the server accepts.
/// </summary>
internal static class InterviewScript
{
    /// <summary>Turns after which an interview that has not reached the card is given up.</summary>
    public const int MaxTurns = 12;

    public const string Story = "My friend lost her father last spring and I did not know what to say to her.";

    public const string Attention = "Whether she wanted to talk at all, and how tired she was.";

    private static readonly CardText[] Cards =
    [
        new("Care before options", "The AI first makes sure she is calm enough to think.",
            ["MOMENTS when panic is making the decision for her", "SOURCES of support she can reach today", "WORDS that show she feels heard"]),
        new("Quiet steady presence", "The AI stays with her without rushing to fix anything.",
            ["SILENCES she needs before she speaks", "SIGNS that she wants company rather than advice", "MEMORIES she chooses to share"]),
        new("Honest gentle comfort", "The AI tells the truth kindly and lets her set the pace.",
            ["QUESTIONS she is really asking under the first one", "FEELINGS she has not named yet", "LIMITS of what anyone can promise her"]),
    ];

    /// <summary>One of the cards, chosen with <paramref name="random"/>.</summary>
    public static CardText CardFor(Random random) => Cards[random.Next(Cards.Length)];
}
