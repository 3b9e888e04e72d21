namespace MoralGraph.Core.Events;

// Cards a model's moderation flagged are held: out of play (the voting draw, deduplication, the graph, every export) as a
// hidden card is, until a facilitator clears the flag. The participant still sees their own card (FindCard ignores holds)
// and the moderation page lists it with the reason. A facilitator's own flag holds nothing: it asks for attention, and
// hiding is how a facilitator takes a card out of play.
public sealed partial class StudyState
{
    private readonly Dictionary<string, CardHold> _holds = new(StringComparer.Ordinal);

    /// <summary>Cards held out of play because model moderation flagged them, and why (see <see cref="CardHold"/>).</summary>
    public IReadOnlyDictionary<string, CardHold> HeldCards => _holds;

    private void Hold(CardFlagged flagged)
    {
        // A later model flag on a card already held (a second pass) keeps the first hold, whose clearing is what counts.
        if (flagged.Provenance is not null && _cards.ContainsKey(flagged.CardId))
        {
            _holds.TryAdd(flagged.CardId, new CardHold(flagged.Reason, ModerationCategories.Of(flagged), FlagCleared: false, TextCorrected: false));
        }
    }

    private void ClearHold(string cardId)
    {
        if (_holds.TryGetValue(cardId, out var hold))
        {
            Release(cardId, hold with { FlagCleared = true });
        }
    }

    private void NoteCorrection(string cardId)
    {
        if (_holds.TryGetValue(cardId, out var hold))
        {
            Release(cardId, hold with { TextCorrected = true });
        }
    }

    private void Release(string cardId, CardHold hold)
    {
        if (hold.IsOver)
        {
            _holds.Remove(cardId);
        }
        else
        {
            _holds[cardId] = hold;
        }
    }
}

/// <summary>
/// Why a card is held out of play: a model's moderation flag, until a facilitator clears it — and, for personal data, until
/// its text has also been corrected (<see cref="CardEdited"/> after the flag), so the words that were flagged never reach an
/// export even when a facilitator clears the flag first.
/// </summary>
/// <param name="Reason">The flag's reason.</param>
/// <param name="Category">What the model found (<see cref="ModerationCategories"/>), or null when not known.</param>
/// <param name="FlagCleared">True once a facilitator cleared the flag.</param>
/// <param name="TextCorrected">True once a facilitator corrected the card's text after the flag.</param>
public sealed record CardHold(string Reason, string? Category, bool FlagCleared, bool TextCorrected)
{
    /// <summary>True when the flag was personal data.</summary>
    public bool IsPersonalData => Category == ModerationCategories.PersonalData;

    /// <summary>True when the card is held only until its text is corrected (the flag is cleared, the personal data may still be there).</summary>
    public bool AwaitsCorrection => FlagCleared && IsPersonalData && !TextCorrected;

    /// <summary>True when nothing holds the card any longer.</summary>
    public bool IsOver => FlagCleared && (!IsPersonalData || TextCorrected);
}
