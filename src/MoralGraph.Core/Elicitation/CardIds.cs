using System.Security.Cryptography;
using System.Text;

namespace MoralGraph.Core.Elicitation;

/// <summary>
/// The id of the card a participant confirms for a question. The same participant and question always give the same id,
/// so a second click on "confirm" names the same card; but the id does not carry the participant's id, because a card
/// id travels further than its author: into exports and, when other cards are merged into it, as the id of a value that
/// outlives its author's withdrawal.
/// </summary>
public static class CardIds
{
    /// <summary>The card id for <paramref name="participantId"/>'s card on <paramref name="questionId"/>: "c-" and 16 hex digits.</summary>
    public static string For(string participantId, string questionId)
    {
        ArgumentNullException.ThrowIfNull(participantId);
        ArgumentNullException.ThrowIfNull(questionId);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"card\n{participantId}\n{questionId}"));
        return "c-" + Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }
}
