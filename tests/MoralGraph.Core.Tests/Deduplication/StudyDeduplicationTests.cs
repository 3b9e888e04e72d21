using MoralGraph.Core.Assistance;
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
    public async Task People_s_merges_reach_the_deduplicator_as_decisions_and_its_own_do_not()
    {
        List<StudyEvent> history = [.. Cards(), Merge("f1", "a1", "facilitator-1", 1), Merge("a3", "a2", StudyState.DeduplicationActor, 2)];
        var recorder = new RecordingDeduplicator();

        await StudyDeduplication.ProposeMergesAsync(StudyState.Replay(history), recorder, T0);

        var decision = Assert.Single(recorder.Decisions!);
        Assert.Equal(new DedupOverride("f1", "a1", Together: true), decision);
    }

    [Fact]
    public async Task A_merge_of_whole_values_never_reunites_a_split_card_with_the_cards_it_left()
    {
        // a1 was merged with a2, then split off by its author; a later run merged a3 into a2's value. A clustering
        // that pairs a1 with a3 would merge a1's value with a2's whole value: that merge must not be proposed.
        List<StudyEvent> history =
        [
            .. Cards(),
            Merge("a1", "a2", StudyState.DeduplicationActor, 1),
            new CardSplit("a1", "a1-own", "not my value") { StudyId = "test-study", OccurredAt = T0.AddMinutes(2), Actor = "p1" },
            Merge("a3", "a2", StudyState.DeduplicationActor, 3),
        ];

        var merges = await StudyDeduplication.ProposeMergesAsync(StudyState.Replay(history), new FixedClusters([["a1", "a3"], ["a2"]]), T0);

        Assert.Empty(merges);
    }

    [Fact]
    public async Task A_review_proposal_carries_the_cluster_s_reason_and_provenance_and_the_lexical_one_its_title()
    {
        var provenance = new ModelProvenance("dedup-judge", "0123456789abcdef", "judge-model", 0.2, T0);
        var judged = new FixedClusters([["a1", "a2"]], reason: "judged the same value: both lay out options", provenance: provenance);

        var fromModel = Assert.Single(await StudyDeduplication.ProposeForReviewAsync(StudyState.Replay(Cards()), judged, T0));
        var fromLexical = await StudyDeduplication.ProposeForReviewAsync(StudyState.Replay(Cards()), new LexicalValueDeduplicator(), T0);

        Assert.Equal(("a2", "a1", "judged the same value: both lay out options", provenance), (fromModel.FromValueId, fromModel.IntoValueId, fromModel.Reason, fromModel.Provenance));
        Assert.Equal("test-study", judged.StudyId);
        Assert.Equal(2, fromLexical.Count);
        Assert.All(fromLexical, p => Assert.Null(p.Provenance));
        Assert.All(fromLexical, p => Assert.StartsWith("offline dedup: \"Informed", p.Reason, StringComparison.Ordinal));
    }

    private sealed class FixedClusters(string[][] clusters, string? reason = null, ModelProvenance? provenance = null) : IValueDeduplicator
    {
        public string? StudyId { get; private set; }

        public Task<IReadOnlyList<DedupCluster>> ClusterAsync(IReadOnlyList<DedupCard> cards, IReadOnlyList<DedupOverride>? facilitatorDecisions = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<DedupCluster>>(clusters.Select(c => new DedupCluster(c[0], c) { Reason = reason, Provenance = provenance }).ToList());

        public Task<IReadOnlyList<DedupCluster>> ClusterStudyAsync(string studyId, IReadOnlyList<DedupCard> cards, IReadOnlyList<DedupOverride>? facilitatorDecisions = null,
            CancellationToken cancellationToken = default)
        {
            StudyId = studyId;
            return ClusterAsync(cards, facilitatorDecisions, cancellationToken);
        }
    }

    private sealed class RecordingDeduplicator : IValueDeduplicator
    {
        public IReadOnlyList<DedupOverride>? Decisions { get; private set; }

        public Task<IReadOnlyList<DedupCluster>> ClusterAsync(IReadOnlyList<DedupCard> cards, IReadOnlyList<DedupOverride>? facilitatorDecisions = null, CancellationToken cancellationToken = default)
        {
            Decisions = facilitatorDecisions;
            return Task.FromResult<IReadOnlyList<DedupCluster>>([]);
        }
    }
}
