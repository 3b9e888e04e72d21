namespace MoralGraph.Core.Assistance;

/// <summary>
/// Where a model-made artifact came from, so a study can be re-run and audited: which prompt (its id and a hash of
/// its exact text), which model, at what temperature, and when. Stored with every interview reply, card draft, story,
/// translation, merge proposal, context proposal and flag a model produced; artifacts of the embedded defaults carry none.
/// </summary>
/// <param name="PromptId">The prompt's stable id, such as <c>interviewer</c>.</param>
/// <param name="PromptHash">The first 16 hex digits of the SHA-256 of the prompt's text.</param>
/// <param name="ModelId">The model as configured (never an endpoint or key).</param>
/// <param name="Temperature">The sampling temperature sent, when one was.</param>
/// <param name="At">When the call was made.</param>
public sealed record ModelProvenance(string PromptId, string PromptHash, string ModelId, double? Temperature, DateTimeOffset At);

/// <summary>What a model is used for; usage and budgets are reported per capability.</summary>
public static class ModelCapabilities
{
    /// <summary>Conducting the interview.</summary>
    public const string Interview = "interview";

    /// <summary>Turning a transcript into a card, and critiquing a card.</summary>
    public const string Articulation = "articulation";

    /// <summary>Judging whether cards express the same value.</summary>
    public const string Deduplication = "deduplication";

    /// <summary>Embedding cards for deduplication candidates.</summary>
    public const string Embedding = "embedding";

    /// <summary>Writing transition stories.</summary>
    public const string Stories = "stories";

    /// <summary>Proposing contexts.</summary>
    public const string Contexts = "contexts";

    /// <summary>Checking cards against the red lines and for abuse.</summary>
    public const string Moderation = "moderation";

    /// <summary>Translating values into the study's other languages.</summary>
    public const string Translation = "translation";
}
