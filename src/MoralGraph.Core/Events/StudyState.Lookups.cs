using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Events;

// What participant actions look up: one value, the values of a question, how many votes an item or value has, a
// participant's own values. Each is kept as events arrive or answered from the few entries concerned, so an action
// costs the same however many events the study holds (ToSnapshot, which walks everything, is for reconciliation).
public sealed partial class StudyState
{
    private readonly Dictionary<string, int> _cardOrder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _cardsOfParticipant = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _definedValuesOfParticipant = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _absorbed = new(StringComparer.Ordinal);

    // Votes that count (one per participant and item, withdrawn participants' left out), by the value ids they were cast
    // on: by value A, then (value B, context), with their verdicts; and per value, on either side.
    private readonly Dictionary<string, Dictionary<(string To, ContextRef Context), ItemTally>> _votesFrom = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _votesOnValue = new(StringComparer.Ordinal);

    // What values are and which question each answers changes only with cards, merges, splits, hiding, flags (a model's
    // holds its card), editing and withdrawals — never with votes or draws, which are most of a live assembly's events — so lookups of values are
    // kept until one of those arrives. A popular value gathers hundreds of cards; building it once is what keeps a
    // draw (which reads every value of a question) from walking every card of the study.
    private readonly Dictionary<string, CanonicalValue?> _valueCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _answeringCache = new(StringComparer.Ordinal);
    private long _valuesVersion;
    private long _cachedVersion;

    /// <summary>
    /// The value <paramref name="valueId"/> as <see cref="ToSnapshot"/> would list it (its members, and the words of its
    /// earliest remaining card), or null when it is not in the graph now (merged away, hidden, withdrawn).
    /// </summary>
    public CanonicalValue? FindValue(string valueId)
    {
        ArgumentNullException.ThrowIfNull(valueId);
        InvalidateValueCaches();
        if (!_valueCache.TryGetValue(valueId, out var value))
        {
            _valueCache[valueId] = value = BuildValue(valueId);
        }

        return value;
    }

    private CanonicalValue? BuildValue(string valueId)
    {
        if (_mergedInto.ContainsKey(valueId))
        {
            return null;
        }

        var cards = CardsInPlay(valueId);
        var members = cards.Select(c => new ValueMember(c.CardId, c.ParticipantId)).ToList();
        if (_absorbed.ContainsKey(valueId))
        {
            // Imported values merged into this one bring their recorded members along, in the order they were defined.
            members.AddRange(_definedValues.Values
                .Where(v => v.Id != valueId && _mergedInto.ContainsKey(v.Id) && Resolve(v.Id) == valueId)
                .SelectMany(v => v.Members).Where(m => !_withdrawn.Contains(m.ParticipantId)));
        }

        if (_definedValues.TryGetValue(valueId, out var defined))
        {
            return defined with { Members = [.. defined.Members.Where(m => !_withdrawn.Contains(m.ParticipantId)), .. members] };
        }

        if (cards.Count == 0)
        {
            return null;
        }

        var representative = cards[0];
        return new CanonicalValue(valueId, representative.Title, representative.Description, representative.Policies, members);
    }

    /// <summary>Notes an event that may change what a value is or which question it answers.</summary>
    private void ValuesChanged() => _valuesVersion++;

    private void InvalidateValueCaches()
    {
        if (_cachedVersion != _valuesVersion)
        {
            _valueCache.Clear();
            _answeringCache.Clear();
            _cachedVersion = _valuesVersion;
        }
    }

    /// <summary>
    /// The values in the graph now that answer <paramref name="questionId"/> (one of their cards was written for it, or
    /// they were defined for it or for any question), in the order they entered the study.
    /// </summary>
    public IReadOnlyList<string> ValuesAnswering(string questionId)
    {
        InvalidateValueCaches();
        if (!_answeringCache.TryGetValue(questionId, out var values))
        {
            _answeringCache[questionId] = values = [.. FindValuesAnswering(questionId)];
        }

        return values;
    }

    private IEnumerable<string> FindValuesAnswering(string questionId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var valueId in _valueOrder)
        {
            if (!seen.Add(valueId) || _mergedInto.ContainsKey(valueId))
            {
                continue;
            }

            var inPlay = CardsInPlay(valueId);
            var answers = inPlay.Any(c => c.QuestionId == questionId) || DefinedQuestionsOf(valueId).Any(q => q is null || q == questionId);
            if (answers && (inPlay.Count > 0 || _definedValues.ContainsKey(valueId)))
            {
                yield return valueId;
            }
        }
    }

    /// <summary>The values in the graph now that hold one of <paramref name="participantId"/>'s cards (or list them as a member).</summary>
    public IReadOnlySet<string> ValuesOfParticipant(string participantId)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        if (_withdrawn.Contains(participantId))
        {
            return values;
        }

        foreach (var cardId in _cardsOfParticipant.GetValueOrDefault(participantId) ?? [])
        {
            if (!_hidden.ContainsKey(cardId) && !_holds.ContainsKey(cardId))
            {
                values.Add(Resolve(_valueOfCard[cardId]));
            }
        }

        foreach (var valueId in _definedValuesOfParticipant.GetValueOrDefault(participantId) ?? [])
        {
            values.Add(Resolve(valueId));
        }

        return values;
    }

    /// <summary>Votes that count cast on the value (as A or B), with the votes on the values merged into it.</summary>
    public int VotesOnValue(string valueId) =>
        _absorbed.ContainsKey(valueId) ? AliasesOf(valueId).Sum(v => _votesOnValue.GetValueOrDefault(v)) : _votesOnValue.GetValueOrDefault(valueId);

    /// <summary>
    /// Votes that count cast from <paramref name="fromValueId"/> (as value A), by (value B, context), on the values as they
    /// are now (votes on values merged into them included). Votes that now compare a value with itself are left out.
    /// </summary>
    public Dictionary<(string To, ContextRef Context), int> VotesFrom(string fromValueId)
    {
        var counts = new Dictionary<(string To, ContextRef Context), int>();
        foreach (var alias in AliasesOf(fromValueId))
        {
            foreach (var ((to, context), tally) in _votesFrom.GetValueOrDefault(alias) ?? [])
            {
                var target = Resolve(to);
                if (target != fromValueId)
                {
                    counts[(target, context)] = counts.GetValueOrDefault((target, context)) + tally.Total;
                }
            }
        }

        return counts;
    }

    /// <summary>
    /// The answers so far to the item (from, to, context): the votes that count, of participants who have not withdrawn,
    /// with the votes on values merged into A or B. (One person's two votes that a merge made the same item both count
    /// here; the graph counts their latest.)
    /// </summary>
    public ItemTally TallyOf(string fromValueId, string toValueId, ContextRef context)
    {
        var total = default(ItemTally);
        var targets = AliasesOf(toValueId).ToHashSet(StringComparer.Ordinal);
        foreach (var alias in AliasesOf(fromValueId))
        {
            foreach (var ((to, itemContext), tally) in _votesFrom.GetValueOrDefault(alias) ?? [])
            {
                if (itemContext == context && targets.Contains(to))
                {
                    total += tally;
                }
            }
        }

        return total;
    }

    private List<CardSubmitted> CardsInPlay(string valueId)
    {
        var cards = new List<CardSubmitted>();
        foreach (var cardId in CardsOf(valueId))
        {
            if (_cards.TryGetValue(cardId, out var card) && IsInPlay(card))
            {
                cards.Add(card);
            }
        }

        // In the order the cards were submitted, as the snapshot lists members: the earliest card speaks for the value.
        if (cards.Count > 1)
        {
            cards.Sort((a, b) => _cardOrder[a.CardId].CompareTo(_cardOrder[b.CardId]));
        }

        return cards;
    }

    private IEnumerable<string?> DefinedQuestionsOf(string valueId) =>
        AliasesOf(valueId).Where(_definedValueQuestion.ContainsKey).Select(v => _definedValueQuestion[v]);

    /// <summary>The value and every value merged into it, directly or through others.</summary>
    private IEnumerable<string> AliasesOf(string valueId)
    {
        yield return valueId;
        if (!_absorbed.TryGetValue(valueId, out var direct))
        {
            yield break;
        }

        var pending = new Stack<string>(direct);
        while (pending.TryPop(out var alias))
        {
            yield return alias;
            foreach (var further in _absorbed.GetValueOrDefault(alias) ?? [])
            {
                pending.Push(further);
            }
        }
    }

    private void NoteAbsorbed(string fromValueId, string intoValueId)
    {
        if (!_absorbed.TryGetValue(intoValueId, out var absorbed))
        {
            _absorbed[intoValueId] = absorbed = [];
        }

        absorbed.Add(fromValueId);
    }

    private void NoteCard(CardSubmitted card)
    {
        _cardOrder.Add(card.CardId, _cardOrder.Count);
        if (!_cardsOfParticipant.TryGetValue(card.ParticipantId, out var cards))
        {
            _cardsOfParticipant[card.ParticipantId] = cards = [];
        }

        cards.Add(card.CardId);
    }

    private void NoteDefinedValue(CanonicalValue value)
    {
        foreach (var participantId in value.Members.Select(m => m.ParticipantId).Distinct(StringComparer.Ordinal))
        {
            if (!_definedValuesOfParticipant.TryGetValue(participantId, out var values))
            {
                _definedValuesOfParticipant[participantId] = values = [];
            }

            values.Add(value.Id);
        }
    }

    private void CountVote(WiserThanVote vote)
    {
        // A changed vote moves its item's tally from the old verdict to the new one (if it is the latest: votes are
        // "later" by the time they were cast).
        var before = Votes.LatestFor(vote.Key);
        if (!Votes.Append(vote) || _withdrawn.Contains(vote.ParticipantId))
        {
            return;
        }

        if (before is not null)
        {
            AdjustVoteCount(vote.Key, before.Verdict, -1);
        }

        AdjustVoteCount(vote.Key, Votes.LatestFor(vote.Key)!.Verdict, +1);
        if (before is null)
        {
            _votesOnValue[vote.FromValueId] = _votesOnValue.GetValueOrDefault(vote.FromValueId) + 1;
            _votesOnValue[vote.ToValueId] = _votesOnValue.GetValueOrDefault(vote.ToValueId) + 1;
        }
    }

    private void UncountVotesOf(string participantId)
    {
        // A participant who joined through the app keeps their keys; votes brought in by an import are looked up once.
        var keys = Participation.Find(participantId)?.VotedKeys
            ?? (IReadOnlyCollection<VoteKey>)[.. Votes.EffectiveVotes().Where(v => v.ParticipantId == participantId).Select(v => v.Key)];
        foreach (var key in keys)
        {
            if (Votes.LatestFor(key) is { } latest)
            {
                AdjustVoteCount(key, latest.Verdict, -1);
                _votesOnValue[key.FromValueId] -= 1;
                _votesOnValue[key.ToValueId] -= 1;
            }
        }
    }

    private void AdjustVoteCount(VoteKey key, Verdict verdict, int delta)
    {
        if (!_votesFrom.TryGetValue(key.FromValueId, out var byTarget))
        {
            _votesFrom[key.FromValueId] = byTarget = [];
        }

        var item = (key.ToValueId, key.Context);
        var tally = byTarget.GetValueOrDefault(item) + ItemTally.Of(verdict, delta);
        if (tally.Total == 0)
        {
            byTarget.Remove(item);
        }
        else
        {
            byTarget[item] = tally;
        }
    }

    /// <summary>After a restore: what the lookups keep, computed from the restored collections as the events built it.</summary>
    private void RebuildLookups()
    {
        foreach (var card in _cards.Values)
        {
            NoteCard(card);
        }

        foreach (var value in _definedValues.Values)
        {
            NoteDefinedValue(value);
        }

        foreach (var (from, into) in _mergedInto)
        {
            NoteAbsorbed(from, into);
        }

        foreach (var vote in Votes.EffectiveVotes().Where(v => !_withdrawn.Contains(v.ParticipantId)))
        {
            AdjustVoteCount(vote.Key, vote.Verdict, +1);
            _votesOnValue[vote.FromValueId] = _votesOnValue.GetValueOrDefault(vote.FromValueId) + 1;
            _votesOnValue[vote.ToValueId] = _votesOnValue.GetValueOrDefault(vote.ToValueId) + 1;
        }

        Participation.RecountOutstanding();
    }
}

/// <summary>How an item was answered: "yes", "no" and "not sure" votes.</summary>
/// <param name="Wiser">"Yes": B is wiser.</param>
/// <param name="NotWiser">"No".</param>
/// <param name="Unsure">"Not sure".</param>
public readonly record struct ItemTally(int Wiser, int NotWiser, int Unsure)
{
    /// <summary>All answers.</summary>
    public int Total => Wiser + NotWiser + Unsure;

    /// <summary><paramref name="count"/> answers of one verdict.</summary>
    public static ItemTally Of(Verdict verdict, int count) => verdict switch
    {
        Verdict.Wiser => new(count, 0, 0),
        Verdict.NotWiser => new(0, count, 0),
        _ => new(0, 0, count),
    };

    /// <summary>The two tallies together.</summary>
    public static ItemTally operator +(ItemTally left, ItemTally right) =>
        new(left.Wiser + right.Wiser, left.NotWiser + right.NotWiser, left.Unsure + right.Unsure);
}
