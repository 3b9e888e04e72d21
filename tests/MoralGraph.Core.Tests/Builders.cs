using MoralGraph.Core.Events;
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
}
