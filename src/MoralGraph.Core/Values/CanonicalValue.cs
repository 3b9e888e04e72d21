namespace MoralGraph.Core.Values;

/// <summary>A card that belongs to a canonical value, with who wrote it (pseudonymous).</summary>
/// <param name="CardId">The member card.</param>
/// <param name="ParticipantId">Its author's pseudonymous id.</param>
public sealed record ValueMember(string CardId, string ParticipantId);

/// <summary>
/// Fields of a card as MAI's 2023 app stored it, kept verbatim so the MAI export reproduces their file
/// byte-for-byte in meaning (their cards had short and detailed instructions instead of one description).
/// </summary>
/// <param name="InstructionsShort">MAI's <c>instructionsShort</c>.</param>
/// <param name="InstructionsDetailed">MAI's <c>instructionsDetailed</c>.</param>
/// <param name="CreatedAt">MAI's <c>createdAt</c> as written in the dump.</param>
/// <param name="UpdatedAt">MAI's <c>updatedAt</c> as written in the dump.</param>
public sealed record MaiCardFields(string InstructionsShort, string InstructionsDetailed, string CreatedAt, string UpdatedAt);

/// <summary>
/// A value as it takes part in the moral graph: the deduplicated cluster of cards from different
/// participants, keeping every member and its author. Built by replaying events, never edited in place.
/// </summary>
/// <param name="Id">Stable id of the canonical value.</param>
/// <param name="Title">Title (from the representative card).</param>
/// <param name="Description">Description (from the representative card).</param>
/// <param name="Policies">Attentional policies (from the representative card).</param>
/// <param name="Members">Every card merged into this value and who wrote it.</param>
/// <param name="Mai">Original MAI fields for values imported from MAI's dump, else null.</param>
public sealed record CanonicalValue(
    string Id, string Title, string Description, IReadOnlyList<string> Policies, IReadOnlyList<ValueMember> Members, MaiCardFields? Mai = null)
{
    /// <summary>Distinct participants whose cards are in this value.</summary>
    public int ParticipantCount => Members.Count switch
    {
        0 => 0,
        1 => 1,
        _ => Members.Select(m => m.ParticipantId).Distinct(StringComparer.Ordinal).Count(),
    };
}
