namespace MoralGraph.Core.Voting;

/// <summary>
/// One wiser-than question put to a participant: in this context, someone moved from value A to value B —
/// did they become wiser? The story is stored with the item so the vote records exactly what was shown.
/// </summary>
/// <param name="ItemId">Id unique for the participant (a vote on it gets a derived id, so double clicks are one vote).</param>
/// <param name="Context">The question and context.</param>
/// <param name="FromValueId">Value A.</param>
/// <param name="ToValueId">Value B.</param>
/// <param name="Story">The transition story.</param>
public sealed record VoteItem(string ItemId, ContextRef Context, string FromValueId, string ToValueId, string Story)
{
    /// <summary>The id of <paramref name="participantId"/>'s vote on this item: one vote per item, however often it is submitted.</summary>
    public string VoteIdFor(string participantId) => $"{participantId}:{ItemId}";

    /// <summary>The model that wrote the story, when a model did (template stories carry none).</summary>
    public Assistance.ModelProvenance? StoryProvenance { get; init; }
}
