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

    /// <summary>
    /// The participants whose words the story quotes: the authors of the cards the two values speak with. The log
    /// encrypts the story with each one's key, so it cannot be read once any of them withdraws. Null in items drawn
    /// before this was recorded, and for values no participant wrote.
    /// </summary>
    public IReadOnlyList<string>? QuotedParticipants { get; init; }

    /// <summary>This item with its story passed through <paramref name="map"/>; itself when nothing changes.</summary>
    public VoteItem MapQuotedText(Erasure.QuotedTextMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (QuotedParticipants is not { Count: > 0 } quoted)
        {
            return this;
        }

        var mapped = map("item.story", quoted, Story);
        return ReferenceEquals(mapped, Story) ? this : this with { Story = mapped };
    }

    /// <summary>The participants whose words a story of <paramref name="from"/> and <paramref name="to"/> quotes (see <see cref="QuotedParticipants"/>).</summary>
    public static IReadOnlyList<string>? QuotedBy(Values.CanonicalValue from, Values.CanonicalValue to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);

        // A value speaks with its earliest remaining card's words, and that card's author is its first member.
        IReadOnlyList<string> quoted = [.. new[] { from, to }.Select(v => v.Members.Count > 0 ? v.Members[0].ParticipantId : null).OfType<string>().Distinct(StringComparer.Ordinal)];
        return quoted.Count > 0 ? quoted : null;
    }
}
