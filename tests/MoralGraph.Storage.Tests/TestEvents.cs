using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;

namespace MoralGraph.Storage.Tests;

/// <summary>The events the storage tests append: study "s" and votes in it, each with its own idempotency key.</summary>
internal static class TestEvents
{
    public static readonly DateTimeOffset T0 = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    public static StudyDefined Defined() => new(new Study("s", "Storage test", "", [new Question("q", "Q", "Prompt?", [new StudyContext("c", "When testing")])], [], ["en"], StudyPhase.Voting, 4))
    {
        StudyId = "s", OccurredAt = T0, Actor = "test",
    };

    public static VoteCast VoteEvent(string participant, int number) =>
        new(new WiserThanVote($"{participant}-{number}", participant, $"v{number}", $"v{number + 1}", new ContextRef("q", "c"), Verdict.Wiser, null, null, T0.AddSeconds(number)))
        {
            StudyId = "s", OccurredAt = T0.AddSeconds(number), Actor = participant,
        };
}
