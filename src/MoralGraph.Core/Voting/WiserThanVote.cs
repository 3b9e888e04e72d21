namespace MoralGraph.Core.Voting;

/// <summary>A participant's answer to "did this person become wiser moving from value A to value B?"</summary>
public enum Verdict
{
    /// <summary>Yes: B is wiser than A in this context.</summary>
    Wiser,

    /// <summary>No.</summary>
    NotWiser,

    /// <summary>Not sure.</summary>
    Unsure,
}

/// <summary>Which question and context a vote was cast in. Contexts are scoped to their question.</summary>
/// <param name="QuestionId">The question.</param>
/// <param name="ContextId">The context within the question.</param>
public readonly record struct ContextRef(string QuestionId, string ContextId)
{
    /// <inheritdoc />
    public override string ToString() => $"{QuestionId}/{ContextId}";
}

/// <summary>What makes two votes "the same vote": the latest one with this key is the one that counts.</summary>
/// <param name="ParticipantId">Who voted.</param>
/// <param name="FromValueId">Value A.</param>
/// <param name="ToValueId">Value B.</param>
/// <param name="Context">The question and context.</param>
public readonly record struct VoteKey(string ParticipantId, string FromValueId, string ToValueId, ContextRef Context);

/// <summary>
/// One wiser-than vote. Votes are append-only: a changed mind is a new vote with the same
/// <see cref="Key"/>, and <see cref="VoteLedger"/> decides which one counts.
/// </summary>
/// <param name="VoteId">Unique id; a replayed submission with the same id is one vote.</param>
/// <param name="ParticipantId">Pseudonymous voter.</param>
/// <param name="FromValueId">Value A, the one the person moved from.</param>
/// <param name="ToValueId">Value B, the one the person moved to.</param>
/// <param name="Context">Question and context the story was set in.</param>
/// <param name="Verdict">The answer.</param>
/// <param name="Comment">Optional "why?".</param>
/// <param name="Story">The transition story the participant was shown.</param>
/// <param name="CastAt">When the vote was cast.</param>
public sealed record WiserThanVote(
    string VoteId, string ParticipantId, string FromValueId, string ToValueId, ContextRef Context, Verdict Verdict,
    string? Comment, string? Story, DateTimeOffset CastAt)
{
    /// <summary>The key under which later votes replace this one.</summary>
    public VoteKey Key => new(ParticipantId, FromValueId, ToValueId, Context);

    /// <summary>The participants whose words <see cref="Story"/> quotes (<see cref="VoteItem.QuotedParticipants"/>).</summary>
    public IReadOnlyList<string>? StoryQuotes { get; init; }
}
