using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Events;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Deduplication;

public class StudyDeduplicationTests
{
    private static readonly string[] Autonomy = ["OPTIONS the person may not know about", "CONSEQUENCES of each path", "MOMENTS when the person wants facts"];
    private static readonly string[] Faith = ["TEACHINGS of their religious tradition", "PEOPLE in their church community", "TENSIONS between belief and circumstance"];

    private static ValuesMerged Merge(string from, string into, string actor, int minute) =>
        new(from, into, "test") { StudyId = "test-study", OccurredAt = T0.AddMinutes(minute), Actor = actor };

    private static List<StudyEvent> Cards() =>
    [
        new StudyDefined(Study()) { StudyId = "test-study", OccurredAt = T0, Actor = "test" },
        new CardSubmitted("a1", "p1", "q", "Informed Autonomy", "Lay out options.", Autonomy) { StudyId = "test-study", OccurredAt = T0, Actor = "p1" },
        new CardSubmitted("a2", "p2", "q", "Informed autonomy", "Lay out options.", Autonomy) { StudyId = "test-study", OccurredAt = T0, Actor = "p2" },
        new CardSubmitted("a3", "p3", "q", "Informed Autonomy", "Lay out options.", Autonomy) { StudyId = "test-study", OccurredAt = T0, Actor = "p3" },
        new CardSubmitted("f1", "p4", "q", "Faith Integration", "Within their faith.", Faith) { StudyId = "test-study", OccurredAt = T0, Actor = "p4" },
    ];

    [Fact]
    public async Task Near_duplicates_are_merged_into_one_value()
    {
        var merges = await StudyDeduplication.ProposeMergesAsync(StudyState.Replay(Cards()), new LexicalValueDeduplicator(), T0);
        var snapshot = StudyState.Replay([.. Cards(), .. merges]).ToSnapshot();

        Assert.Equal(2, snapshot.Values.Count);
        Assert.Equal(3, snapshot.Values.Single(v => v.Title.StartsWith("Informed", StringComparison.Ordinal)).Members.Count);
        Assert.All(merges, m => Assert.Equal(StudyState.DeduplicationActor, m.Actor));
    }

    [Fact]
    public async Task A_card_its_author_split_off_is_never_merged_back()
    {
        // a3 was merged by an earlier run, then its author said "this is not my value".
        List<StudyEvent> history = [.. Cards(), Merge("a3", "a1", StudyState.DeduplicationActor, 1),
            new CardSplit("a3", "a3-own", "not my value") { StudyId = "test-study", OccurredAt = T0.AddMinutes(2), Actor = "p3" }];

        var merges = await StudyDeduplication.ProposeMergesAsync(StudyState.Replay(history), new LexicalValueDeduplicator(), T0);
        var snapshot = StudyState.Replay([.. history, .. merges]).ToSnapshot();

        Assert.Equal(["p3"], snapshot.Values.Single(v => v.Id == "a3-own").Members.Select(m => m.ParticipantId));
        Assert.Equal(["p1", "p2"], snapshot.Values.Single(v => v.Id == "a1").Members.Select(m => m.ParticipantId).Order());
    }

    [Fact]
    public async Task A_facilitators_merge_is_kept_even_against_the_algorithm()
    {
        List<StudyEvent> history = [.. Cards(), Merge("f1", "a1", "facilitator-1", 1)];

        var merges = await StudyDeduplication.ProposeMergesAsync(StudyState.Replay(history), new LexicalValueDeduplicator(), T0);
        var snapshot = StudyState.Replay([.. history, .. merges]).ToSnapshot();

        Assert.Contains(snapshot.Values, v => v.Members.Any(m => m.CardId == "f1") && v.Members.Any(m => m.CardId == "a1"));
    }
}
