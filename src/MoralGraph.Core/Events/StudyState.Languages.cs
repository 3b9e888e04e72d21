using MoralGraph.Core.Values;

namespace MoralGraph.Core.Events;

// Which language a card and a value are written in. A card is in the language its author took part in (recorded when
// they joined, and the language its rules were checked in); a value in the language of its earliest card; a value with
// no card (a seed, an import) in the study's first language.
public sealed partial class StudyState
{
    /// <summary>The language <paramref name="card"/> is written in, as a lower-case primary tag (<c>es</c> for <c>es-ES</c>).</summary>
    public string LanguageOfCard(CardSubmitted card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return LanguageOfParticipant(card.ParticipantId);
    }

    /// <summary>The language value <paramref name="valueId"/> is written in (its earliest card's), as a lower-case primary tag.</summary>
    public string LanguageOfValue(string valueId) => LanguageOfValue(FindValue(valueId));

    /// <summary>The language <paramref name="value"/> is written in (its earliest card's), as a lower-case primary tag.</summary>
    public string LanguageOfValue(CanonicalValue? value)
    {
        var firstMember = value is { Members.Count: > 0 } ? value.Members[0] : null;
        var author = firstMember is null ? null : Participation.Find(firstMember.ParticipantId);
        return PrimaryLanguage(author?.Language ?? StudyLanguage);
    }

    /// <summary>
    /// The model's translation of value <paramref name="valueId"/> into <paramref name="language"/>, only when it was
    /// made from the words the value has now (<see cref="Assistance.ValueTranslated.SourceHash"/>); null when there is
    /// none, it was erased, the value is gone, or its words changed since (an edit, or another card now speaking for it).
    /// </summary>
    public Assistance.ValueTranslated? CurrentTranslationOf(string valueId, string language)
    {
        ArgumentNullException.ThrowIfNull(valueId);
        ArgumentNullException.ThrowIfNull(language);
        return Assistance.TranslationOf(valueId, language) is { } translation && FindValue(valueId) is { } value
            && translation.SourceHash == Core.Assistance.ValueTranslated.HashOf(value.Title, value.Description, value.Policies)
            ? translation
            : null;
    }

    /// <summary><c>es</c> for <c>es-ES</c>: cards are compared and labelled by language, not by region.</summary>
    public static string PrimaryLanguage(string tag) => Text.LanguageTags.Primary(tag);

    private string StudyLanguage => Study is { Languages.Count: > 0 } study ? study.Languages[0] : "en";

    // A card is in the language its author took part in.
    private string LanguageOfParticipant(string participantId) => PrimaryLanguage(Participation.Find(participantId)?.Language ?? StudyLanguage);

    /// <summary>
    /// The language of each of a snapshot's <paramref name="values"/> and of their members' cards (an imported member, whose
    /// author never joined here, is in the study's first language), only those in another language listed, and the
    /// current translations of each value.
    /// </summary>
    private SnapshotLanguages LanguagesOf(IReadOnlyList<CanonicalValue> values)
    {
        var studyLanguage = PrimaryLanguage(StudyLanguage);
        var ofValues = new Dictionary<string, string>(StringComparer.Ordinal);
        var ofCards = new Dictionary<string, string>(StringComparer.Ordinal);

        // Once per author, not per card: a snapshot of a million values would otherwise make a tag per value.
        var ofParticipants = new Dictionary<string, string>(StringComparer.Ordinal);
        string Of(string participantId)
        {
            if (!ofParticipants.TryGetValue(participantId, out var language))
            {
                ofParticipants[participantId] = language = LanguageOfParticipant(participantId);
            }

            return language;
        }

        foreach (var value in values)
        {
            // A value is in its earliest card's language (LanguageOfValue); one with no card in the study's.
            if (value.Members.Count > 0 && Of(value.Members[0].ParticipantId) is var language && language != studyLanguage)
            {
                ofValues[value.Id] = language;
            }

            foreach (var member in value.Members)
            {
                if (Of(member.ParticipantId) is var cardLanguage && cardLanguage != studyLanguage)
                {
                    ofCards[member.CardId] = cardLanguage;
                }
            }
        }

        // A translation of a value no longer in the snapshot (merged away) is not current; one of a value left with no
        // card may be listed but is never asked for.
        var translations = Assistance.Translations
            .Select(t => CurrentTranslationOf(t.ValueId, t.Language))
            .OfType<Core.Assistance.ValueTranslated>()
            .GroupBy(t => t.ValueId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Core.Assistance.ValueTranslated>)[.. g.OrderBy(t => PrimaryLanguage(t.Language), StringComparer.Ordinal)], StringComparer.Ordinal);
        return new SnapshotLanguages(studyLanguage, ofValues, ofCards, translations);
    }
}
