using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Assistance;

/// <summary>A proposed context and what became of it.</summary>
/// <param name="ProposalId">Stable id.</param>
/// <param name="QuestionId">The question.</param>
/// <param name="Text">The context.</param>
/// <param name="Source">Where it came from.</param>
/// <param name="ProposedAt">When.</param>
/// <param name="Provenance">The model that proposed it, if any.</param>
/// <param name="Accepted">Null while pending.</param>
public sealed record ContextProposal(string ProposalId, string QuestionId, string Text, string Source, DateTimeOffset ProposedAt, ModelProvenance? Provenance, bool? Accepted);

/// <summary>Tokens a study's model calls used.</summary>
/// <param name="InputTokens">Tokens sent.</param>
/// <param name="OutputTokens">Tokens received.</param>
/// <param name="Calls">Number of calls.</param>
public sealed record ModelUsageTotals(long InputTokens, long OutputTokens, int Calls)
{
    /// <summary>Input and output together: what the budget counts.</summary>
    public long TotalTokens => InputTokens + OutputTokens;

    /// <summary>These totals plus one call.</summary>
    public ModelUsageTotals Add(long input, long output) => new(InputTokens + input, OutputTokens + output, Calls + 1);
}

/// <summary>What models did for a study: token use, proposed contexts and written stories, projected from its events.</summary>
public sealed class AssistanceState
{
    private readonly Dictionary<string, ModelUsageTotals> _usageByCapability = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ContextProposal> _contextProposals = new(StringComparer.Ordinal);
    private readonly Dictionary<(ContextRef, string, string), TransitionStoryWritten> _stories = [];
    private readonly Dictionary<(string ValueId, string Language), ValueTranslated> _translations = [];
    private readonly HashSet<string> _withdrawn = new(StringComparer.Ordinal);
    private readonly HashSet<string> _moderatedCards = new(StringComparer.Ordinal);

    /// <summary>Every call's tokens together.</summary>
    public ModelUsageTotals Usage { get; private set; } = new(0, 0, 0);

    /// <summary>Token use per capability.</summary>
    public IReadOnlyDictionary<string, ModelUsageTotals> UsageByCapability => _usageByCapability;

    /// <summary>Every proposed context, in the order proposed.</summary>
    public IReadOnlyCollection<ContextProposal> ContextProposals => _contextProposals.Values;

    /// <summary>
    /// Proposed contexts waiting for a facilitator. A proposal read from the transcript of a participant who has since
    /// withdrawn is not among them: it came from their words, which leave the study with them.
    /// </summary>
    public IEnumerable<ContextProposal> PendingContextProposals() =>
        _contextProposals.Values.Where(p => p.Accepted is null && !(p.Source.StartsWith(TranscriptSourcePrefix, StringComparison.Ordinal) && _withdrawn.Contains(p.Source[TranscriptSourcePrefix.Length..])));

    /// <summary>The <see cref="ContextProposed.Source"/> of a context read from a participant's transcript, before their id.</summary>
    public const string TranscriptSourcePrefix = "transcript:";

    /// <summary>Every model-written story.</summary>
    public IReadOnlyCollection<TransitionStoryWritten> Stories => _stories.Values;

    /// <summary>The latest translation of each value into each language, erased ones included (they read <see cref="Erasure.ParticipantText.Withdrawn"/>).</summary>
    public IReadOnlyCollection<ValueTranslated> Translations => _translations.Values;

    /// <summary>
    /// The latest translation of value <paramref name="valueId"/> into <paramref name="language"/> (compared by primary
    /// tag), or null; null too once erased because the participant it quotes withdrew. It may be of words the value no
    /// longer has: <see cref="StudyState.CurrentTranslationOf"/> returns only a translation of its current words.
    /// </summary>
    public ValueTranslated? TranslationOf(string valueId, string language)
    {
        ArgumentNullException.ThrowIfNull(valueId);
        ArgumentNullException.ThrowIfNull(language);
        return _translations.GetValueOrDefault((valueId, Text.LanguageTags.Primary(language))) is { IsErased: false } translation ? translation : null;
    }

    /// <summary>Cards a model's moderation pass has checked.</summary>
    public IReadOnlySet<string> ModeratedCards => _moderatedCards;

    /// <summary>
    /// The latest model-written story for moving from <paramref name="fromValueId"/> to <paramref name="toValueId"/>, or
    /// null; null too for one erased because it quoted a participant who withdrew (a new one is written from the value's
    /// remaining words).
    /// </summary>
    public TransitionStoryWritten? StoryFor(ContextRef context, string fromValueId, string toValueId) =>
        _stories.GetValueOrDefault((context, fromValueId, toValueId)) is { } story && story.Story != Erasure.ParticipantText.Withdrawn ? story : null;

    /// <summary>Passes every kept story through <paramref name="map"/>: those quoting a participant who withdrew go.</summary>
    internal void EraseQuotes(Erasure.QuotedTextMap map)
    {
        foreach (var (key, story) in _stories.ToList())
        {
            _stories[key] = (TransitionStoryWritten)story.MapQuotedText(map);
        }

        foreach (var (key, translation) in _translations.ToList())
        {
            _translations[key] = (ValueTranslated)translation.MapQuotedText(map);
        }
    }

    internal AssistanceCapture Capture() => new(
        Usage, new Dictionary<string, ModelUsageTotals>(_usageByCapability, StringComparer.Ordinal), [.. _contextProposals.Values], [.. _stories.Values], [.. _moderatedCards], [.. _translations.Values]);

    /// <summary>Restores a capture; <paramref name="withdrawn"/> are the study's withdrawn participants, which this state also follows.</summary>
    internal void Restore(AssistanceCapture capture, IEnumerable<string> withdrawn)
    {
        Usage = capture.Usage;
        foreach (var (capability, totals) in capture.UsageByCapability)
        {
            _usageByCapability.Add(capability, totals);
        }

        foreach (var proposal in capture.ContextProposals)
        {
            _contextProposals.Add(proposal.ProposalId, proposal);
        }

        foreach (var story in capture.Stories)
        {
            _stories.Add((story.Context, story.FromValueId, story.ToValueId), story);
        }

        foreach (var translation in capture.Translations ?? [])
        {
            _translations.Add(TranslationKey(translation), translation);
        }

        _moderatedCards.UnionWith(capture.ModeratedCards);
        _withdrawn.UnionWith(withdrawn);
    }

    /// <summary>Applies one event (others are ignored).</summary>
    public void Apply(StudyEvent studyEvent)
    {
        switch (studyEvent)
        {
            case ModelUsageRecorded usage:
                Usage = Usage.Add(usage.InputTokens, usage.OutputTokens);
                _usageByCapability[usage.Capability] = _usageByCapability.GetValueOrDefault(usage.Capability, new ModelUsageTotals(0, 0, 0)).Add(usage.InputTokens, usage.OutputTokens);
                break;
            case ContextProposed proposed:
                _contextProposals.TryAdd(proposed.ProposalId, new ContextProposal(proposed.ProposalId, proposed.QuestionId, proposed.Text, proposed.Source, proposed.OccurredAt, proposed.Provenance, null));
                break;
            case ContextProposalDecided decided when _contextProposals.TryGetValue(decided.ProposalId, out var proposal) && proposal.Accepted is null:
                _contextProposals[decided.ProposalId] = proposal with { Accepted = decided.Accepted };
                break;
            case ParticipantWithdrew withdrew:
                _withdrawn.Add(withdrew.ParticipantId);
                break;
            case TransitionStoryWritten story:
                _stories[(story.Context, story.FromValueId, story.ToValueId)] = story;
                break;
            case ValueTranslated translation:
                _translations[TranslationKey(translation)] = translation;
                break;
            case CardModerated moderated:
                _moderatedCards.Add(moderated.CardId);
                break;
        }
    }

    private static (string, string) TranslationKey(ValueTranslated translation) => (translation.ValueId, Text.LanguageTags.Primary(translation.Language));
}
