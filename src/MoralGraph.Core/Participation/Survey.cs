namespace MoralGraph.Core.Participation;

/// <summary>
/// The closing survey of the Moral Graph Elicitation paper, each answered on a 1–5 scale. The wording participants read
/// lives in the UI's resources under <c>Survey.{Id}</c>; these ids are what is stored. A participant agrees with a
/// question's statement when they answer <see cref="AgreeFrom"/> or more (the paper's "agree" and "strongly agree").
/// </summary>
public static class Survey
{
    /// <summary>Lowest answer.</summary>
    public const int Min = 1;

    /// <summary>Highest answer.</summary>
    public const int Max = 5;

    /// <summary>The lowest answer that counts as agreeing with a question's statement (4 or 5 of 1–5).</summary>
    public const int AgreeFrom = 4;

    /// <summary>The questions' ids, in the order asked. Add ids, never rename them: stored answers name them.</summary>
    public static IReadOnlyList<string> QuestionIds { get; } =
    [
        "values-expressed",   // Did the values you submitted and voted on express what you care about?
        "clarified-thinking", // Did taking part clarify your thinking?
        "respect-gained",     // Did you gain respect for people who disagree with you?
        "trust-process",      // Do you trust this process to find what people value?
        "take-part-again",    // Would you take part again?
        "represented-by-process", // Do you feel well represented by this process? (the paper: 89.1 % did)
        "graph-fair",             // Is the moral graph this process builds fair? (the paper: 89 % thought the final graph fair)
    ];

    /// <summary>
    /// Each question as a statement a facilitator's report says of those who agreed ("89 % felt well represented by the
    /// process"), in English: the report is the facilitators', the questions (translated) are the participants'.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Statements { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["values-expressed"] = "felt the values they submitted and voted on expressed what they care about",
        ["clarified-thinking"] = "said taking part clarified their thinking",
        ["respect-gained"] = "gained respect for people who disagree with them",
        ["trust-process"] = "trust this process to find what people value",
        ["take-part-again"] = "would take part again",
        ["represented-by-process"] = "felt well represented by the process",
        ["graph-fair"] = "thought the moral graph fair",
    };

    /// <summary>True when <paramref name="answer"/> agrees with its question's statement.</summary>
    public static bool Agrees(int answer) => answer >= AgreeFrom;

    /// <summary>Every problem with <paramref name="answers"/>: unknown ids or answers outside 1–5. Skipped questions are fine.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyDictionary<string, int> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var problems = new List<string>();
        foreach (var (id, answer) in answers)
        {
            if (!QuestionIds.Contains(id))
            {
                problems.Add($"'{id}' is not a survey question.");
            }
            else if (answer is < Min or > Max)
            {
                problems.Add($"The answer to '{id}' is {answer}; use {Min} to {Max}.");
            }
        }

        return problems;
    }
}
