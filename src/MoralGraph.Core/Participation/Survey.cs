namespace MoralGraph.Core.Participation;

/// <summary>
/// The closing survey of the Moral Graph Elicitation paper, each answered on a 1–5 scale. The wording lives in
/// the UI's resources under <c>Survey.{Id}</c>; these ids are what is stored.
/// </summary>
public static class Survey
{
    /// <summary>Lowest answer.</summary>
    public const int Min = 1;

    /// <summary>Highest answer.</summary>
    public const int Max = 5;

    /// <summary>The questions' ids, in the order asked.</summary>
    public static IReadOnlyList<string> QuestionIds { get; } =
    [
        "values-expressed",   // Did the values you submitted and voted on express what you care about?
        "clarified-thinking", // Did taking part clarify your thinking?
        "respect-gained",     // Did you gain respect for people who disagree with you?
        "trust-process",      // Do you trust this process to find what people value?
        "take-part-again",    // Would you take part again?
    ];

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
