using MoralGraph.Core.Assistance;
using MoralGraph.Core.Studies;

namespace MoralGraph.Core.Events;

/// <summary>
/// The language each value and card of a <see cref="MoralGraphSnapshot"/> is written in, as lower-case primary tags, and
/// the model translations of each value's current words, fixed when the snapshot was taken (the rules are
/// <see cref="StudyState.LanguageOfCard"/>, <see cref="StudyState.LanguageOfValue(Values.CanonicalValue?)"/> and
/// <see cref="StudyState.CurrentTranslationOf"/>). Only what differs from the study's first language is kept: an imported
/// study of a million values in one language costs nothing here.
/// </summary>
public sealed class SnapshotLanguages
{
    private readonly IReadOnlyDictionary<string, string> _values;
    private readonly IReadOnlyDictionary<string, string> _cards;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<ValueTranslated>> _translations;

    /// <param name="studyLanguage">The study's first language, that of every value and card not listed.</param>
    /// <param name="values">Values in another language, by value id.</param>
    /// <param name="cards">Cards in another language, by card id.</param>
    /// <param name="translations">Each translated value's current translations, by value id, ordered by language; none when null.</param>
    public SnapshotLanguages(
        string studyLanguage, IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string> cards,
        IReadOnlyDictionary<string, IReadOnlyList<ValueTranslated>>? translations = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyLanguage);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(cards);
        StudyLanguage = Text.LanguageTags.Primary(studyLanguage);
        _values = values;
        _cards = cards;
        _translations = translations ?? new Dictionary<string, IReadOnlyList<ValueTranslated>>();
    }

    /// <summary>The study's first language, as a primary tag.</summary>
    public string StudyLanguage { get; }

    /// <summary>Every value and card in the study's first language: a snapshot made without a study's state (an import, a benchmark).</summary>
    public static SnapshotLanguages Uniform(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return new(study.Languages.Count > 0 ? study.Languages[0] : "en", new Dictionary<string, string>(), new Dictionary<string, string>());
    }

    /// <summary>The language value <paramref name="valueId"/> is written in.</summary>
    public string OfValue(string valueId) => _values.GetValueOrDefault(valueId, StudyLanguage);

    /// <summary>The language card <paramref name="cardId"/> is written in.</summary>
    public string OfCard(string cardId) => _cards.GetValueOrDefault(cardId, StudyLanguage);

    /// <summary>
    /// The model translations of value <paramref name="valueId"/>'s current words, ordered by language: none stale (made
    /// from words it no longer has) or erased (quoting a participant who withdrew).
    /// </summary>
    public IReadOnlyList<ValueTranslated> TranslationsOf(string valueId) => _translations.GetValueOrDefault(valueId, []);
}
