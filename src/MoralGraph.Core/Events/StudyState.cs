using MoralGraph.Core.Assistance;
using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Erasure;
using MoralGraph.Core.Legitimacy;
using MoralGraph.Core.Participation;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Events;

/// <summary>
/// A study as its events say it is now: the projection every reader (reconciliation, exports, pages)
/// starts from. Apply events in log order; <see cref="ToSnapshot"/> gives the moral graph's input with
/// withdrawn participants' contributions removed.
/// </summary>
public sealed partial class StudyState
{
    private readonly Dictionary<string, CardSubmitted> _cards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _valueOfCard = new(StringComparer.Ordinal);

    // The reverse of _valueOfCard, so merges and splits touch only the cards concerned: studies are replayed on
    // every load, and a dedup run records one merge per duplicate.
    private readonly Dictionary<string, List<string>> _cardsOfValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CanonicalValue> _definedValues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _definedValueQuestion = new(StringComparer.Ordinal);
    private readonly List<string> _valueOrder = [];
    private readonly HashSet<string> _withdrawn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _mergedInto = new(StringComparer.Ordinal);
    private readonly List<DedupOverride> _decisions = [];
    private readonly Dictionary<string, string> _hidden = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _flags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CardSubmitted> _originals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _splitInto = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MergeProposal> _proposals = new(StringComparer.Ordinal);
    private readonly List<AnnouncementMade> _announcements = [];
    private readonly Dictionary<string, ExportRecorded> _latestExports = new(StringComparer.Ordinal);
    private readonly List<SpecReleased> _releases = [];

    // Hashes of the idempotency keys of every applied event: whoever appends to a live state can tell a new submission
    // from a possible replay without asking the store (a hash collision only sends a new one down the careful path).
    private readonly HashSet<ulong> _submissionKeys = [];

    /// <summary>The actor the offline deduplicator records its merges under; merges by anyone else are decisions it keeps.</summary>
    public const string DeduplicationActor = "dedup";

    /// <summary>Merges and splits people made (facilitators, participants saying "not my value"), which deduplication must respect.</summary>
    public IReadOnlyList<DedupOverride> DeduplicationDecisions => _decisions;

    /// <summary>Each current card (withdrawn authors, hidden and held cards excluded) with the value it belongs to now.</summary>
    public IEnumerable<(CardSubmitted Card, string ValueId)> CurrentCards() =>
        _cards.Values.Where(IsInPlay).Select(c => (c, Resolve(_valueOfCard[c.CardId])));

    /// <summary>Every card of a participant who has not withdrawn, hidden and held ones included, for the facilitators' console.</summary>
    public IEnumerable<(CardSubmitted Card, string ValueId)> CardsForModeration() =>
        _cards.Values.Where(c => !_withdrawn.Contains(c.ParticipantId)).Select(c => (c, Resolve(_valueOfCard[c.CardId])));

    /// <summary>Hidden cards and why.</summary>
    public IReadOnlyDictionary<string, string> HiddenCards => _hidden;

    /// <summary>Flagged cards and why.</summary>
    public IReadOnlyDictionary<string, string> FlaggedCards => _flags;

    /// <summary>A card as first submitted, when a facilitator has since edited it; else null.</summary>
    public CardSubmitted? OriginalOf(string cardId) => _originals.GetValueOrDefault(cardId);

    /// <summary>Every merge proposal, decided or not, in the order proposed.</summary>
    public IReadOnlyCollection<MergeProposal> MergeProposals => _proposals.Values;

    /// <summary>Proposals still waiting for a facilitator whose two values both still exist apart.</summary>
    public IEnumerable<MergeProposal> PendingMergeProposals() => _proposals.Values.Where(p =>
        p.Accepted is null && IsCurrentValue(p.FromValueId) && IsCurrentValue(p.IntoValueId) && Resolve(p.FromValueId) != Resolve(p.IntoValueId));

    /// <summary>Announcements to participants, oldest first.</summary>
    public IReadOnlyList<AnnouncementMade> Announcements => _announcements;

    /// <summary>The latest export recorded from the console, per reconciliation profile: what the next export is compared with.</summary>
    public IReadOnlyDictionary<string, ExportRecorded> LatestExports => _latestExports;

    /// <summary>The study's published releases, oldest first (<c>v1</c>, <c>v2</c>, …).</summary>
    public IReadOnlyList<SpecReleased> Releases => _releases;

    private bool IsInPlay(CardSubmitted card) =>
        !_withdrawn.Contains(card.ParticipantId) && !_hidden.ContainsKey(card.CardId) && !_holds.ContainsKey(card.CardId);

    /// <summary>The study definition and phase, or null before a <see cref="StudyDefined"/> event.</summary>
    public Study? Study { get; private set; }

    /// <summary>Every vote ever cast, with which ones count.</summary>
    public VoteLedger Votes { get; } = new();

    /// <summary>Pseudonymous ids of participants who withdrew.</summary>
    public IReadOnlySet<string> WithdrawnParticipants => _withdrawn;

    /// <summary>Who takes part and how far each has come.</summary>
    public ParticipationState Participation { get; } = new();

    /// <summary>What models did for the study: token use, proposed contexts, written stories.</summary>
    public AssistanceState Assistance { get; } = new();

    /// <summary>Number of events applied.</summary>
    public long EventCount { get; private set; }

    /// <summary>
    /// False when no applied event had <paramref name="studyEvent"/>'s idempotency key, so it is certainly a new
    /// submission; true when it may be a replay of one (the store decides). Always false for events without a key.
    /// </summary>
    public bool MayHaveRecorded(StudyEvent studyEvent)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        return studyEvent.IdempotencyKey is { } key && _submissionKeys.Contains(Text.StableHash.Of(key));
    }

    /// <summary>Replays <paramref name="events"/> into a new state.</summary>
    public static StudyState Replay(IEnumerable<StudyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var state = new StudyState();
        foreach (var studyEvent in events)
        {
            state.Apply(studyEvent);
        }

        return state;
    }

    /// <summary>Applies one event.</summary>
    public void Apply(StudyEvent studyEvent)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        EventCount++;
        if (studyEvent.IdempotencyKey is { } key)
        {
            _submissionKeys.Add(Text.StableHash.Of(key));
        }

        if (_withdrawn.Count > 0)
        {
            // Words that arrive after their author withdrew read as the log gives them back (their key is gone).
            if (TextOwner(studyEvent) is { } owner && _withdrawn.Contains(owner))
            {
                studyEvent = studyEvent.MapParticipantText(ParticipantText.Erase);
            }

            studyEvent = studyEvent.MapQuotedText(EraseQuotesOfWithdrawn);
        }

        Participation.Apply(studyEvent);
        Assistance.Apply(studyEvent);
        // Flags count too: a model's flag holds its card out of play, and clearing it brings the card back.
        if (studyEvent is CardSubmitted or CanonicalValueDefined or ValuesMerged or CardSplit or CardHidden or CardRestored or CardEdited or ParticipantWithdrew
            or CardFlagged or CardFlagCleared)
        {
            ValuesChanged();
        }

        switch (studyEvent)
        {
            case StudyDefined defined:
                // A new definition changes questions, contexts and red lines, never the phase a running study is in.
                Study = Study is null ? defined.Study : defined.Study with { Phase = Study.Phase };
                break;
            case PhaseChanged changed when Study is not null && StudyPhases.CanMove(Study.Phase, changed.Phase):
                Study = Study with { Phase = changed.Phase };
                break;
            case CanonicalValueDefined defined:
                if (_definedValues.TryAdd(defined.Value.Id, defined.Value))
                {
                    NoteDefinedValue(defined.Value);
                    _definedValueQuestion[defined.Value.Id] = defined.QuestionId;
                    _valueOrder.Add(defined.Value.Id);
                }

                break;
            case CardSubmitted card:
                if (_cards.TryAdd(card.CardId, card))
                {
                    NoteCard(card);
                    MoveCard(card.CardId, card.CardId);
                    _valueOrder.Add(card.CardId);
                }

                break;
            case ValuesMerged merged when IsCurrentValue(merged.FromValueId) && IsCurrentValue(merged.IntoValueId) && merged.FromValueId != merged.IntoValueId:
                // Cards move; votes follow through the alias when the snapshot is taken.
                _mergedInto[merged.FromValueId] = merged.IntoValueId;
                NoteAbsorbed(merged.FromValueId, merged.IntoValueId);
                if (merged.Actor != DeduplicationActor && CardsOf(merged.IntoValueId).FirstOrDefault() is { } anchor)
                {
                    // A person's merge is a decision the algorithm must keep.
                    foreach (var cardId in CardsOf(merged.FromValueId))
                    {
                        _decisions.Add(new DedupOverride(cardId, anchor, Together: true));
                    }
                }

                foreach (var cardId in CardsOf(merged.FromValueId).ToList())
                {
                    MoveCard(cardId, merged.IntoValueId);
                }

                break;
            // A split mints a new value: an id already in use (or merged away) would silently join or lose the card.
            case CardSplit split when _cards.ContainsKey(split.CardId) && !IsCurrentValue(split.NewValueId) && !_mergedInto.ContainsKey(split.NewValueId):
                // Remember who it was split from: deduplication must never put them back together.
                foreach (var other in CardsOf(_valueOfCard[split.CardId]).Where(c => c != split.CardId))
                {
                    _decisions.Add(new DedupOverride(split.CardId, other, Together: false));
                }

                MoveCard(split.CardId, split.NewValueId);
                _splitInto[split.CardId] = split.NewValueId;
                if (!_valueOrder.Contains(split.NewValueId))
                {
                    _valueOrder.Add(split.NewValueId);
                }

                break;
            case VoteCast cast:
                CountVote(cast.Vote);
                break;
            case ParticipantWithdrew withdrew:
                if (_withdrawn.Add(withdrew.ParticipantId))
                {
                    UncountVotesOf(withdrew.ParticipantId);
                    EraseWordsOf(withdrew.ParticipantId);
                }

                break;
            case CardHidden hidden when _cards.ContainsKey(hidden.CardId):
                _hidden[hidden.CardId] = hidden.Reason;
                break;
            case CardRestored restored:
                _hidden.Remove(restored.CardId);
                break;
            case CardFlagged flagged when _cards.ContainsKey(flagged.CardId):
                // A model's flag on a card a facilitator already flagged leaves their reason showing; it holds the card all the same.
                if (flagged.Provenance is null || !_flags.ContainsKey(flagged.CardId))
                {
                    _flags[flagged.CardId] = flagged.Reason;
                }

                Hold(flagged);
                break;
            case CardFlagCleared cleared:
                _flags.Remove(cleared.CardId);
                ClearHold(cleared.CardId);
                break;
            case CardEdited edited when _cards.TryGetValue(edited.CardId, out var before):
                _originals.TryAdd(edited.CardId, before);
                _cards[edited.CardId] = before with { Title = edited.Title, Description = edited.Description, Policies = edited.Policies };
                NoteCorrection(edited.CardId);
                break;
            case MergeProposed proposed:
                _proposals.TryAdd(proposed.ProposalId, new MergeProposal(proposed.ProposalId, proposed.FromValueId, proposed.IntoValueId, proposed.Reason, proposed.OccurredAt, null)
                {
                    Provenance = proposed.Provenance,
                });
                break;
            case MergeProposalDecided decided when _proposals.TryGetValue(decided.ProposalId, out var proposal) && proposal.Accepted is null:
                _proposals[decided.ProposalId] = proposal with { Accepted = decided.Accepted, DecidedBy = decided.Actor };
                break;
            case AnnouncementMade announcement:
                _announcements.Add(announcement);
                break;
            case ExportRecorded recorded:
                _latestExports[recorded.Summary.Profile] = recorded;
                break;
            case SpecReleased released:
                _releases.Add(released);
                break;
        }
    }

    /// <summary>
    /// The canonical values and the votes that count, excluding withdrawn participants: their cards leave
    /// their values (a value left with no card and no imported definition disappears) and their votes are dropped.
    /// Votes on a value that no longer exists are dropped too.
    /// </summary>
    public MoralGraphSnapshot ToSnapshot()
    {
        var study = Study ?? throw new InvalidOperationException("The study has not been defined.");
        var membersByValue = _cards.Values
            .Where(IsInPlay)
            .GroupBy(c => Resolve(_valueOfCard[c.CardId]))
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        // Imported values merged into another bring their recorded members along.
        var inheritedMembers = _definedValues.Values.Where(v => _mergedInto.ContainsKey(v.Id))
            .SelectMany(v => v.Members.Select(m => (Into: Resolve(v.Id), Member: m)))
            .ToLookup(p => p.Into, p => p.Member, StringComparer.Ordinal);

        var values = new List<CanonicalValue>();
        foreach (var valueId in _valueOrder.Distinct())
        {
            if (_mergedInto.ContainsKey(valueId))
            {
                continue;
            }

            membersByValue.TryGetValue(valueId, out var cards);
            var members = cards is null ? [] : cards.Select(c => new ValueMember(c.CardId, c.ParticipantId)).ToList();
            members.AddRange(inheritedMembers[valueId].Where(m => !_withdrawn.Contains(m.ParticipantId)));
            if (_definedValues.TryGetValue(valueId, out var defined))
            {
                // An imported value that gained and lost no member is itself: no copy, nor garbage per value (a study may
                // import a million, and a snapshot's garbage adds to the peak memory of the reconciliation it feeds).
                var unchanged = members.Count == 0 && (_withdrawn.Count == 0 || !defined.Members.Any(m => _withdrawn.Contains(m.ParticipantId)));
                values.Add(unchanged ? defined : defined with { Members = [.. defined.Members.Where(m => !_withdrawn.Contains(m.ParticipantId)), .. members] });
            }
            else if (members.Count > 0 && cards is { Count: > 0 })
            {
                // The value speaks with its earliest remaining card's words.
                var representative = cards[0];
                values.Add(new CanonicalValue(valueId, representative.Title, representative.Description, representative.Policies, members));
            }
        }

        // Votes on a merged-away value count for the value it joined (see StudyState.Votes.cs).
        return new MoralGraphSnapshot(study, values, EffectiveVotesOf(values))
        {
            // Studies run in the app report their survey; an imported one (no one joined here) has nothing to report.
            Legitimacy = Participation.All.Any() ? LegitimacyReport.Of(this) : null,
            Languages = LanguagesOf(values),
        };
    }

    /// <summary>
    /// Replaces everything the participant wrote with <see cref="ParticipantText.Withdrawn"/>, as the log reads once their
    /// key is destroyed: the live state then equals a replay of the log, and a snapshot written after holds no word of theirs.
    /// </summary>
    private void EraseWordsOf(string participantId)
    {
        if (_cardsOfParticipant.TryGetValue(participantId, out var cardIds))
        {
            foreach (var cardId in cardIds)
            {
                _cards[cardId] = (CardSubmitted)_cards[cardId].MapParticipantText(ParticipantText.Erase);
                if (_originals.TryGetValue(cardId, out var original))
                {
                    _originals[cardId] = (CardSubmitted)original.MapParticipantText(ParticipantText.Erase);
                }
            }
        }

        Participation.Find(participantId)?.EraseWords();
        Participation.EraseQuotes(EraseQuotesOfWithdrawn);
        Assistance.EraseQuotes(EraseQuotesOfWithdrawn);
        foreach (var (profile, export) in _latestExports.ToList())
        {
            _latestExports[profile] = (ExportRecorded)export.MapQuotedText(EraseQuotesOfWithdrawn);
        }
    }

    private string EraseQuotesOfWithdrawn(string field, IReadOnlyList<string> quoted, string text) =>
        quoted.Any(_withdrawn.Contains) ? ParticipantText.Withdrawn : text;

    // A facilitator's edit stored before edits named their card's author is still the author's words.
    private string? TextOwner(StudyEvent studyEvent) => studyEvent.ParticipantTextOwner()
        ?? (studyEvent is CardEdited edited && _cards.TryGetValue(edited.CardId, out var card) ? card.ParticipantId : null);

    private bool IsCurrentValue(string valueId) =>
        !_mergedInto.ContainsKey(valueId) && (_definedValues.ContainsKey(valueId) || CardsOf(valueId).Count > 0);

    private List<string> CardsOf(string valueId) => _cardsOfValue.TryGetValue(valueId, out var cards) ? cards : [];

    private void MoveCard(string cardId, string valueId)
    {
        if (_valueOfCard.TryGetValue(cardId, out var current))
        {
            _cardsOfValue[current].Remove(cardId);
        }

        _valueOfCard[cardId] = valueId;
        if (!_cardsOfValue.TryGetValue(valueId, out var cards))
        {
            _cardsOfValue[valueId] = cards = [];
        }

        cards.Add(cardId);
    }

    /// <summary>The value <paramref name="valueId"/> is now: itself, or the value it was merged into (following every merge).</summary>
    public string ResolveValue(string valueId) => Resolve(valueId);

    private string Resolve(string valueId)
    {
        // Merges only ever target a current value, so the chain has no cycle; the bound is a guard all the same.
        for (var hops = 0; hops <= _mergedInto.Count && _mergedInto.TryGetValue(valueId, out var into); hops++)
        {
            valueId = into;
        }

        return valueId;
    }

    /// <summary>
    /// The questions each current value answers: those of its cards (withdrawn authors excluded), and the question
    /// it was defined for. A null entry means any question (values imported without one).
    /// </summary>
    public Dictionary<string, HashSet<string?>> QuestionsOfValues()
    {
        var questions = new Dictionary<string, HashSet<string?>>(StringComparer.Ordinal);
        foreach (var (card, valueId) in CurrentCards())
        {
            Add(valueId, card.QuestionId);
        }

        foreach (var (valueId, questionId) in _definedValueQuestion)
        {
            Add(Resolve(valueId), questionId);
        }

        return questions;

        void Add(string valueId, string? questionId)
        {
            if (!questions.TryGetValue(valueId, out var set))
            {
                questions[valueId] = set = [];
            }

            set.Add(questionId);
        }
    }

    /// <summary>
    /// The value another card's value absorbed <paramref name="cardId"/> into — what its author is asked "is this still
    /// your value?" about — or null while the card speaks for itself (its own value, or the value a split minted for it).
    /// </summary>
    public string? MergedValueOf(string cardId) =>
        ValueOfCard(cardId) is { } valueId && valueId != cardId && _splitInto.GetValueOrDefault(cardId) != valueId ? valueId : null;

    /// <summary>The canonical value <paramref name="cardId"/> belongs to now, or null for an unknown card.</summary>
    public string? ValueOfCard(string cardId) => _valueOfCard.TryGetValue(cardId, out var valueId) ? Resolve(valueId) : null;

    /// <summary>The card with <paramref name="cardId"/> as submitted, or null (also for withdrawn authors).</summary>
    public CardSubmitted? FindCard(string cardId) =>
        _cards.TryGetValue(cardId, out var card) && !_withdrawn.Contains(card.ParticipantId) ? card : null;
}

/// <summary>A proposal to merge two values, and what a facilitator decided.</summary>
/// <param name="ProposalId">Its id.</param>
/// <param name="FromValueId">The value that would join the other.</param>
/// <param name="IntoValueId">The value it would join.</param>
/// <param name="Reason">Why it was proposed.</param>
/// <param name="ProposedAt">When.</param>
/// <param name="Accepted">The decision, or null while pending.</param>
public sealed record MergeProposal(string ProposalId, string FromValueId, string IntoValueId, string Reason, DateTimeOffset ProposedAt, bool? Accepted)
{
    /// <summary>Who decided, once decided.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>The model call that judged the two values the same, when a model did.</summary>
    public Assistance.ModelProvenance? Provenance { get; init; }
}

/// <summary>The input of reconciliation and exports: a study, its canonical values, the votes that count.</summary>
/// <param name="Study">The study definition.</param>
/// <param name="Values">Canonical values in the order they entered the study.</param>
/// <param name="Votes">Effective votes (latest per key, withdrawn participants excluded).</param>
public sealed record MoralGraphSnapshot(Study Study, IReadOnlyList<CanonicalValue> Values, IReadOnlyList<WiserThanVote> Votes)
{
    /// <summary>The study's legitimacy figures (survey agreement, steps done), or null when no one took part through the app.</summary>
    public LegitimacyReport? Legitimacy { get; init; }

    /// <summary>
    /// The language of each value and card, as the study's state knew it; null for a snapshot made without one, whose
    /// values and cards are all in the study's first language (see <see cref="LanguagesOrUniform"/>).
    /// </summary>
    public SnapshotLanguages? Languages { get; init; }

    /// <summary><see cref="Languages"/>, or every value and card in the study's first language.</summary>
    public SnapshotLanguages LanguagesOrUniform => Languages ?? SnapshotLanguages.Uniform(Study);
}
