using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;

namespace MoralGraph.Core.Tests.Assistance;

public sealed class AssistanceStateTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly ModelProvenance Model = new("contexts-transcript", "0123456789abcdef", "llama3.1:8b", 0.3, At);

    [Fact]
    public void A_context_read_from_a_withdrawn_participants_interview_leaves_the_review_queue_with_them()
    {
        var state = StudyState.Replay(
        [
            new ContextProposed("cp-1", "q1", "When the user has told no one yet", AssistanceState.TranscriptSourcePrefix + "p-7") { StudyId = "s", OccurredAt = At, Actor = "model", Provenance = Model },
            new ContextProposed("cp-2", "q1", "When the user asks for facts only", "question") { StudyId = "s", OccurredAt = At, Actor = "model", Provenance = Model },
            new ContextProposed("cp-3", "q1", "When the user is under age", AssistanceState.TranscriptSourcePrefix + "p-8") { StudyId = "s", OccurredAt = At, Actor = "model", Provenance = Model },
            new ParticipantWithdrew("p-7") { StudyId = "s", OccurredAt = At, Actor = "p-7" },
        ]);

        Assert.Equal(["cp-2", "cp-3"], state.Assistance.PendingContextProposals().Select(p => p.ProposalId));
    }

    [Fact]
    public void Usage_adds_up_per_capability_and_in_total()
    {
        var state = StudyState.Replay(
        [
            new ModelUsageRecorded(ModelCapabilities.Interview, Model, 100, 20) { StudyId = "s", OccurredAt = At, Actor = "model" },
            new ModelUsageRecorded(ModelCapabilities.Interview, Model, 150, 30) { StudyId = "s", OccurredAt = At, Actor = "model" },
            new ModelUsageRecorded(ModelCapabilities.Stories, Model, 500, 200) { StudyId = "s", OccurredAt = At, Actor = "model" },
        ]);

        Assert.Equal(new ModelUsageTotals(750, 250, 3), state.Assistance.Usage);
        Assert.Equal(new ModelUsageTotals(250, 50, 2), state.Assistance.UsageByCapability[ModelCapabilities.Interview]);
        Assert.Equal(1000, state.Assistance.Usage.TotalTokens);
    }
}
