namespace MoralGraph.Core.Erasure;

/// <summary>
/// Rewrites one piece of a participant's own text: <paramref name="field"/> names where it sits (for example
/// <c>card.title</c>), so an encryption can bind the ciphertext to its place.
/// </summary>
/// <param name="field">Which field of the event the text is.</param>
/// <param name="text">The text as the event holds it.</param>
/// <returns>The text to hold instead.</returns>
public delegate string ParticipantTextMap(string field, string text);

/// <summary>
/// Rewrites one text that quotes participants' words (a transition story made from their values' cards):
/// <paramref name="quoted"/> are the participants quoted, each of whose keys must exist for the text to be read.
/// </summary>
/// <param name="field">Which field of the event the text is.</param>
/// <param name="quoted">Whose words it quotes.</param>
/// <param name="text">The text as the event holds it.</param>
/// <returns>The text to hold instead.</returns>
public delegate string QuotedTextMap(string field, IReadOnlyList<string> quoted, string text);

/// <summary>What a participant's words read as once they are erased.</summary>
public static class ParticipantText
{
    /// <summary>
    /// The one text every erased word reads as: after a withdrawal, in the live state and when the log is read with
    /// the participant's key destroyed, so both give the same state.
    /// </summary>
    public const string Withdrawn = "[withdrawn]";

    /// <summary>A map that erases every text it is given.</summary>
    public static ParticipantTextMap Erase { get; } = static (_, _) => Withdrawn;
}

/// <summary>
/// Declares that an event type carries no words a participant wrote, so the event log stores it as it is. Every event
/// type either overrides <see cref="Events.StudyEvent.MapParticipantText"/> or carries this attribute (a test checks),
/// so a new event type cannot leave participants' words in clear text by being forgotten.
/// </summary>
/// <param name="reason">Why its strings are not a participant's words.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NotParticipantTextAttribute(string reason) : Attribute
{
    /// <summary>Why its strings are not a participant's words.</summary>
    public string Reason { get; } = reason;
}
