using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Tests;

/// <summary>Small builders so each test states only what matters to it.</summary>
internal static class Builders
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static Study Study(params (string Question, string[] Contexts)[] questions)
    {
        if (questions.Length == 0)
        {
            questions = [("q", ["c"])];
        }

        return new Study("test-study", "Test study", "", questions.Select(q =>
            new Question(q.Question, q.Question, $"Prompt {q.Question}?", q.Contexts.Select(c => new StudyContext(c, $"When {c}")).ToList())).ToList(),
            [new RedLine("r1", "Never lie about medicine.")], ["en"], StudyPhase.Voting, 4);
    }

    public static CanonicalValue Value(string id, string? participant = null) =>
        new(id, $"Value {id}", $"Description of {id}.", ["MOMENTS when it matters", "CHOICES that help", "SIGNS of care"],
            participant is null ? [] : [new ValueMember($"card-{id}", participant)]);

    public static WiserThanVote Vote(string participant, string from, string to, Verdict verdict = Verdict.Wiser, string question = "q", string context = "c", int minute = 0, string? id = null) =>
        new(id ?? $"{participant}-{from}-{to}-{question}-{context}-{minute}", participant, from, to, new ContextRef(question, context), verdict, null, null, T0.AddMinutes(minute));

    public static MoralGraphSnapshot Snapshot(Study study, IEnumerable<string> valueIds, IEnumerable<WiserThanVote> votes) =>
        new(study, valueIds.Select(id => Value(id)).ToList(), votes.ToList());

    public static MoralGraphSnapshot Snapshot(IEnumerable<string> valueIds, IEnumerable<WiserThanVote> votes) =>
        Snapshot(Study(), valueIds, votes);

    /// <summary>n participants vote the same way on one item.</summary>
    public static IEnumerable<WiserThanVote> Votes(int count, string from, string to, Verdict verdict = Verdict.Wiser, string prefix = "p", string question = "q", string context = "c") =>
        Enumerable.Range(0, count).Select(i => Vote($"{prefix}{i}", from, to, verdict, question, context));

    // Events of the test study, stamped at a minute after T0 so each test states only who did what.

    public static StudyDefined Defined(Study study) => new(study) { StudyId = study.Slug, OccurredAt = T0, Actor = "owner" };

    public static PhaseChanged PhaseMovedTo(StudyPhase phase, int minute = 0) =>
        new(phase) { StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = "owner" };

    public static ParticipantJoined Joined(string participant, string? inviteCode = null, string resumeCodeHash = "", int minute = 0) =>
        new(participant, resumeCodeHash.Length > 0 ? resumeCodeHash : $"hash-of-{participant}", "consent-v1", "en", inviteCode)
        { StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = participant };

    public static QuestionChosen Chose(string participant, string question = "q", int minute = 0) =>
        new(participant, question) { StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = participant };

    public static InterviewMessagePosted Said(string participant, int turn, InterviewRole role, InterviewStage stage, string text = "…", string question = "q", int minute = 0) =>
        new(participant, question, new InterviewMessage(turn, role, text, stage)) { StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = participant };

    public static CardSubmitted Submitted(string cardId, string participant, string question = "q", int minute = 0) =>
        new(cardId, participant, question, $"Value {cardId}", $"Description of {cardId}.", ["MOMENTS when it matters", "CHOICES that help", "SIGNS of care"])
        { StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = participant };

    public static CanonicalValueDefined ValueDefined(string id, string? question, int minute = 0) =>
        new(Value(id)) { QuestionId = question, StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = "import" };

    public static VoteItem Item(string from, string to, string question = "q", string context = "c") =>
        new($"{from}>{to}@{question}/{context}", new ContextRef(question, context), from, to, $"Story of {from} to {to}.");

    public static VoteItemsDrawn Drawn(string participant, int round, params VoteItem[] items) =>
        new(participant, round, items) { StudyId = "test-study", OccurredAt = T0.AddMinutes(round), Actor = participant };

    public static VoteCast Cast(WiserThanVote vote) =>
        new(vote) { StudyId = "test-study", OccurredAt = vote.CastAt, Actor = vote.ParticipantId };

    /// <summary>The participant's vote on a drawn item, as the voting page records it.</summary>
    public static VoteCast Answered(string participant, VoteItem item, Verdict verdict = Verdict.Wiser) =>
        Cast(new WiserThanVote(item.VoteIdFor(participant), participant, item.FromValueId, item.ToValueId, item.Context, verdict, null, item.Story, T0));

    public static SurveyAnswered Surveyed(string participant, int minute = 0) =>
        new(participant, new Dictionary<string, int> { ["values-expressed"] = 4 }) { StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = participant };

    public static ParticipantWithdrew Withdrew(string participant, int minute = 0) =>
        new(participant) { StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = participant };
}
