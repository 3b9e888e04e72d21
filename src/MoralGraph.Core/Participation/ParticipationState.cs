using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Participation;

/// <summary>One participant's journey as the events say it is now.</summary>
public sealed class ParticipantRecord
{
    private readonly List<InterviewMessage> _transcript = [];
    private readonly List<VoteItemsDrawn> _draws = [];
    private readonly HashSet<VoteKey> _voted = [];
    private readonly Dictionary<string, bool> _membershipAnswers = new(StringComparer.Ordinal);

    internal ParticipantRecord(ParticipantJoined joined)
        : this(joined.ParticipantId, joined.OccurredAt, joined.ResumeCodeHash, joined.Language, joined.InviteCode)
    {
    }

    private ParticipantRecord(string id, DateTimeOffset joinedAt, string resumeCodeHash, string language, string? inviteCode)
    {
        Id = id;
        JoinedAt = joinedAt;
        ResumeCodeHash = resumeCodeHash;
        Language = language;
        InviteCode = inviteCode;
    }

    /// <summary>Pseudonymous id.</summary>
    public string Id { get; }

    /// <summary>When they agreed to take part.</summary>
    public DateTimeOffset JoinedAt { get; }

    /// <summary>Hash of their resume code.</summary>
    public string ResumeCodeHash { get; }

    /// <summary>Their language.</summary>
    public string Language { get; }

    /// <summary>The invite code they joined with.</summary>
    public string? InviteCode { get; }

    /// <summary>The question they are interviewed about, once chosen.</summary>
    public string? QuestionId { get; private set; }

    /// <summary>Their interview so far.</summary>
    public IReadOnlyList<InterviewMessage> Transcript => _transcript;

    /// <summary>The latest draft of their card, if they have edited it.</summary>
    public CardDraftSaved? Draft { get; private set; }

    /// <summary>Their confirmed card's id, once confirmed.</summary>
    public string? CardId { get; private set; }

    /// <summary>Their answers to "is this still your value?", by canonical value id.</summary>
    public IReadOnlyDictionary<string, bool> MembershipAnswers => _membershipAnswers;

    /// <summary>Every draw of wiser-than items made for them, in order.</summary>
    public IReadOnlyList<VoteItemsDrawn> Draws => _draws;

    /// <summary>Their survey answers, once given.</summary>
    public IReadOnlyDictionary<string, int>? Survey { get; private set; }

    /// <summary>True once they withdrew: everything they gave is excluded.</summary>
    public bool Withdrawn { get; private set; }

    /// <summary>True when they have voted on <paramref name="item"/>.</summary>
    public bool HasAnswered(VoteItem item) => _voted.Contains(new VoteKey(Id, item.FromValueId, item.ToValueId, item.Context));

    /// <summary>Items drawn for them they have not answered yet, in the order shown.</summary>
    public IEnumerable<VoteItem> PendingItems => _draws.SelectMany(d => d.Items).Where(i => !HasAnswered(i));

    /// <summary>Every item drawn for them.</summary>
    public IEnumerable<VoteItem> DrawnItems => _draws.SelectMany(d => d.Items);

    /// <summary>The stage the interview is at: the stage of the interviewer's latest message.</summary>
    public InterviewStage InterviewStage => _transcript.LastOrDefault(m => m.Role == InterviewRole.Interviewer)?.Stage ?? InterviewStage.Story;

    /// <summary>
    /// A copy that later events do not change, for a page or a request to keep after it has left the study's gate.
    /// Costs what the participant's own journey holds (their transcript, draws and votes), whatever the study's size.
    /// </summary>
    public ParticipantRecord Detach()
    {
        var copy = Restore(Capture());
        copy._voted.UnionWith(_voted);
        return copy;
    }

    internal ParticipantCapture Capture() => new(
        Id, JoinedAt, ResumeCodeHash, Language, InviteCode, QuestionId, [.. _transcript], Draft, CardId,
        new Dictionary<string, bool>(_membershipAnswers, StringComparer.Ordinal), [.. _draws], Survey, Withdrawn);

    /// <summary>The record <paramref name="capture"/> was taken from, except its votes (see <see cref="MarkVoted"/>).</summary>
    internal static ParticipantRecord Restore(ParticipantCapture capture)
    {
        var record = new ParticipantRecord(capture.Id, capture.JoinedAt, capture.ResumeCodeHash, capture.Language, capture.InviteCode)
        {
            QuestionId = capture.QuestionId,
            Draft = capture.Draft,
            CardId = capture.CardId,
            Survey = capture.Survey,
            Withdrawn = capture.Withdrawn,
        };
        record._transcript.AddRange(capture.Transcript);
        foreach (var (valueId, stillMine) in capture.MembershipAnswers)
        {
            record._membershipAnswers.Add(valueId, stillMine);
        }

        record._draws.AddRange(capture.Draws);
        return record;
    }

    internal void MarkVoted(VoteKey key) => _voted.Add(key);

    /// <summary>Replaces their transcript's and draft's words with <see cref="Erasure.ParticipantText.Withdrawn"/> (they withdrew).</summary>
    internal void EraseWords()
    {
        for (var i = 0; i < _transcript.Count; i++)
        {
            _transcript[i] = _transcript[i] with { Text = Erasure.ParticipantText.Withdrawn };
        }

        Draft = (CardDraftSaved?)Draft?.MapParticipantText(Erasure.ParticipantText.Erase);
    }

    /// <summary>Passes the stories of their draws through <paramref name="map"/> (another participant withdrew).</summary>
    internal void MapQuotes(Erasure.QuotedTextMap map)
    {
        for (var i = 0; i < _draws.Count; i++)
        {
            _draws[i] = (VoteItemsDrawn)_draws[i].MapQuotedText(map);
        }
    }

    /// <summary>The (participant, from, to, context) keys of every vote they cast.</summary>
    public IReadOnlyCollection<VoteKey> VotedKeys => _voted;

    internal void Apply(StudyEvent studyEvent)
    {
        switch (studyEvent)
        {
            case QuestionChosen chosen when QuestionId is null:
                QuestionId = chosen.QuestionId;
                break;
            case InterviewMessagePosted posted when posted.QuestionId == QuestionId && posted.Message.Turn == _transcript.Count:
                _transcript.Add(posted.Message);
                break;
            case CardDraftSaved draft when draft.QuestionId == QuestionId:
                Draft = draft;
                break;
            case CardSubmitted card when card.QuestionId == QuestionId:
                CardId ??= card.CardId;
                break;
            case ValueMembershipAnswered answered:
                _membershipAnswers[answered.ValueId] = answered.StillMine;
                break;
            case VoteItemsDrawn drawn when drawn.Round == _draws.Count:
                _draws.Add(drawn);
                break;
            case VoteCast cast:
                MarkVoted(cast.Vote.Key);
                break;
            case SurveyAnswered survey:
                Survey ??= survey.Answers;
                break;
            case ParticipantWithdrew:
                Withdrawn = true;
                break;
        }
    }
}

/// <summary>
/// Who takes part in a study and how far each has come: the projection behind the participant pages,
/// capacity and invite limits, balanced question assignment and the vote draw's load balancing.
/// </summary>
public sealed class ParticipationState
{
    private readonly Dictionary<string, ParticipantRecord> _participants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byResumeHash = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<(string To, ContextRef Context), int>> _outstanding = new(StringComparer.Ordinal);

    /// <summary>Every participant who joined, withdrawn ones included, in the order they joined.</summary>
    public IEnumerable<ParticipantRecord> All => _participants.Values;

    /// <summary>Participants who joined and have not withdrawn (they hold a seat against the study's capacity).</summary>
    public int ActiveCount => _participants.Values.Count(p => !p.Withdrawn);

    /// <summary>The participant with <paramref name="participantId"/>, or null.</summary>
    public ParticipantRecord? Find(string? participantId) =>
        participantId is not null && _participants.TryGetValue(participantId, out var record) ? record : null;

    /// <summary>The participant whose resume code hashes to <paramref name="resumeCodeHash"/>, or null (withdrawn ones too: the caller decides).</summary>
    public ParticipantRecord? FindByResumeCodeHash(string resumeCodeHash) =>
        _byResumeHash.TryGetValue(resumeCodeHash, out var id) ? _participants[id] : null;

    /// <summary>Active participants who joined with <paramref name="inviteCode"/>.</summary>
    public int ActiveCountWithInvite(string inviteCode) =>
        _participants.Values.Count(p => !p.Withdrawn && string.Equals(p.InviteCode, inviteCode, StringComparison.OrdinalIgnoreCase));

    /// <summary>Active participants per question, for balanced assignment.</summary>
    public int ActiveCountOnQuestion(string questionId) => _participants.Values.Count(p => !p.Withdrawn && p.QuestionId == questionId);

    /// <summary>
    /// How many active participants hold each item drawn and not yet answered, by value A, then (value B, context): the
    /// vote draw counts these with the votes cast, so people drawing at the same moment are spread over different items.
    /// Kept as events arrive, so a draw looks up the few values it considers instead of walking every participant.
    /// </summary>
    public IReadOnlyDictionary<string, Dictionary<(string To, ContextRef Context), int>> OutstandingItemsFrom => _outstanding;

    /// <summary>How many active participants hold the item (from, to, context) drawn and not yet answered.</summary>
    public int OutstandingCount(string fromValueId, string toValueId, ContextRef context) =>
        _outstanding.TryGetValue(fromValueId, out var byTarget) ? byTarget.GetValueOrDefault((toValueId, context)) : 0;

    private void CountOutstanding(VoteItem item, int delta)
    {
        if (!_outstanding.TryGetValue(item.FromValueId, out var byTarget))
        {
            _outstanding[item.FromValueId] = byTarget = [];
        }

        var count = byTarget.GetValueOrDefault((item.ToValueId, item.Context)) + delta;
        if (count == 0)
        {
            byTarget.Remove((item.ToValueId, item.Context));
        }
        else
        {
            byTarget[(item.ToValueId, item.Context)] = count;
        }
    }

    /// <summary>Counts the outstanding items again from every participant's record (after a restore).</summary>
    internal void RecountOutstanding()
    {
        _outstanding.Clear();
        foreach (var participant in _participants.Values.Where(p => !p.Withdrawn))
        {
            foreach (var item in participant.PendingItems)
            {
                CountOutstanding(item, +1);
            }
        }
    }

    /// <summary>Passes every drawn item's story through <paramref name="map"/>: the stories that quote a participant who withdrew go.</summary>
    internal void EraseQuotes(Erasure.QuotedTextMap map)
    {
        foreach (var participant in _participants.Values)
        {
            participant.MapQuotes(map);
        }
    }

    internal IReadOnlyList<ParticipantCapture> Capture() => [.. _participants.Values.Select(p => p.Capture())];

    internal void Restore(IReadOnlyList<ParticipantCapture> participants)
    {
        foreach (var capture in participants)
        {
            var record = ParticipantRecord.Restore(capture);
            _participants.Add(record.Id, record);
            _byResumeHash.TryAdd(record.ResumeCodeHash, record.Id);
        }
    }

    /// <summary>Applies one study event; events about unknown participants are ignored.</summary>
    public void Apply(StudyEvent studyEvent)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        if (studyEvent is ParticipantJoined joined)
        {
            if (_participants.TryAdd(joined.ParticipantId, new ParticipantRecord(joined)))
            {
                _byResumeHash.TryAdd(joined.ResumeCodeHash, joined.ParticipantId);
            }

            return;
        }

        var participantId = studyEvent switch
        {
            QuestionChosen e => e.ParticipantId,
            InterviewMessagePosted e => e.ParticipantId,
            CardDraftSaved e => e.ParticipantId,
            CardSubmitted e => e.ParticipantId,
            ValueMembershipAnswered e => e.ParticipantId,
            VoteItemsDrawn e => e.ParticipantId,
            VoteCast e => e.Vote.ParticipantId,
            SurveyAnswered e => e.ParticipantId,
            ParticipantWithdrew e => e.ParticipantId,
            _ => null,
        };

        if (Find(participantId) is not { } participant)
        {
            return;
        }

        // The outstanding items change with a participant's draw, answer or withdrawal: what they held before the event
        // leaves the count, what they hold after it joins it, looking only at this participant's items.
        var before = participant.Withdrawn || studyEvent is not (VoteItemsDrawn or VoteCast or ParticipantWithdrew) ? null : participant.PendingItems.ToList();
        participant.Apply(studyEvent);
        if (before is not null)
        {
            foreach (var item in before)
            {
                CountOutstanding(item, -1);
            }

            if (!participant.Withdrawn)
            {
                foreach (var item in participant.PendingItems)
                {
                    CountOutstanding(item, +1);
                }
            }
        }
    }
}
