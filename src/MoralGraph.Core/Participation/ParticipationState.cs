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
    {
        Id = joined.ParticipantId;
        JoinedAt = joined.OccurredAt;
        ResumeCodeHash = joined.ResumeCodeHash;
        Language = joined.Language;
        InviteCode = joined.InviteCode;
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
                _voted.Add(cast.Vote.Key);
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
    /// How many active participants hold the item (from, to, context) drawn and not yet answered: the vote draw
    /// counts these with the votes cast, so people drawing at the same moment are spread over different items.
    /// </summary>
    public Dictionary<(string From, string To, ContextRef Context), int> OutstandingItems()
    {
        var outstanding = new Dictionary<(string, string, ContextRef), int>();
        foreach (var participant in _participants.Values.Where(p => !p.Withdrawn))
        {
            foreach (var item in participant.PendingItems)
            {
                var key = (item.FromValueId, item.ToValueId, item.Context);
                outstanding[key] = outstanding.GetValueOrDefault(key) + 1;
            }
        }

        return outstanding;
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

        Find(participantId)?.Apply(studyEvent);
    }
}
