using System.Text.Json.Nodes;
using MoralGraph.Core.Bridging;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Synthetic;
using MoralGraph.Core.Voting;
using NJsonSchema;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Bridging;

public class BridgingTests
{
    /// <summary>
    /// Two camps in one context over values a, b, m (middle) and x. Camp A (12 people) holds a wisest, camp B (8) holds
    /// b wisest; both see m as wiser than x but not the wisest.
    /// Camp A: x→m wiser, m→a wiser, m→b not wiser, a→b not wiser. Camp B: x→m wiser, m→a not wiser, m→b wiser, a→b wiser.
    /// PageRank: x→m (20 wiser, likelihood 1) and m→a ((12 − 8) / 20 = 0.2) feed the ranking; m→b and a→b have negative
    /// likelihood and do not; so the chain x → m → a makes a the winner.
    /// Bridging: a is endorsed by all 24 of A's votes on it and by none of B's 16, so its score is Wilson(0 / 16) = 0.
    /// m gets 24 of A's 36 votes (x→m wiser, m→b not wiser; m→a wiser opposes it) and 16 of B's 24 (x→m wiser, m→a not
    /// wiser; m→b wiser opposes): min(Wilson(24 / 36) = 0.5033, Wilson(16 / 24) = 0.4671) = 0.4671. b and x get nothing
    /// from camp A: 0. So m is the bridging winner.
    /// </summary>
    private static MoralGraphSnapshot TwoCamps(int campA = 12, int campB = 8)
    {
        var votes = new List<WiserThanVote>();
        for (var i = 0; i < campA; i++)
        {
            votes.Add(Vote($"A{i}", "x", "m"));
            votes.Add(Vote($"A{i}", "m", "a"));
            votes.Add(Vote($"A{i}", "m", "b", Verdict.NotWiser));
            votes.Add(Vote($"A{i}", "a", "b", Verdict.NotWiser));
        }

        for (var i = 0; i < campB; i++)
        {
            votes.Add(Vote($"B{i}", "x", "m"));
            votes.Add(Vote($"B{i}", "m", "a", Verdict.NotWiser));
            votes.Add(Vote($"B{i}", "m", "b"));
            votes.Add(Vote($"B{i}", "a", "b"));
        }

        return Snapshot(["a", "b", "m", "x"], votes);
    }

    [Fact]
    public void Two_camps_are_found_as_two_groups_largest_first()
    {
        var groups = OpinionGroups.Of(TwoCamps());

        Assert.Equal([12, 8], groups.Summary.GroupSizes);
        Assert.Equal(0, groups.Summary.Unassigned);
        Assert.Null(groups.Summary.Reason);
        Assert.Equal(1.0, groups.Summary.Silhouette!.Value, 9);
        Assert.All(Enumerable.Range(0, 12), i => Assert.Equal(1, groups.GroupOf($"A{i}")));
        Assert.All(Enumerable.Range(0, 8), i => Assert.Equal(2, groups.GroupOf($"B{i}")));
    }

    [Fact]
    public void The_bridging_winner_differs_from_the_pagerank_winner()
    {
        var snapshot = TwoCamps();

        var byPageRank = Assert.Single(new DefaultProfile().Reconcile(snapshot).Graphs);
        var byBridging = Assert.Single(new BridgingProfile().Reconcile(snapshot).Graphs);

        Assert.Equal(["a"], AlignmentSpecBuilder.Winners(byPageRank));
        Assert.Equal(["m"], AlignmentSpecBuilder.Winners(byBridging));
        var bridging = byPageRank.Bridging!;
        Assert.Equal(0.4671, bridging.ScoreOf("m")!.Value, 4);
        Assert.Equal(0, bridging.ScoreOf("a"));
        Assert.Equal(0, bridging.ScoreOf("b"));
        Assert.Equal(0, bridging.ScoreOf("x"));
        Assert.Equal(
            [new GroupSupport(1, 24, 36, 24.0 / 36, 0.5033399787115652), new GroupSupport(2, 16, 24, 16.0 / 24, 0.4670631683813174)],
            bridging.SupportOf("m")!.Select(s => s with { LowerBound = Math.Round(s.LowerBound, 12) }),
            new GroupSupportComparer());
        Assert.Equal([24, 0], bridging.SupportOf("a")!.Select(s => s.Endorsing));
        Assert.Equal([24, 16], bridging.SupportOf("a")!.Select(s => s.Votes));

        // The bridging ranking is m first, then the zeros by PageRank score; the PageRank scores themselves are kept.
        Assert.Equal(["m", "a"], byBridging.Ranking.Take(2).Select(r => r.ValueId));
        Assert.Equal([1, 2, 3, 4], byBridging.Ranking.Select(r => r.Rank));
        Assert.Equal(byPageRank.Ranking.Single(r => r.ValueId == "m").Score, byBridging.Ranking[0].Score);
    }

    [Fact]
    public void The_same_seed_gives_the_same_groups_and_the_seed_is_recorded()
    {
        var snapshot = OpinionCampStudies.Create(participants: 120, valueCount: 10, contexts: 1, votesPerParticipant: 20, seed: 7);
        var options = new OpinionGroupOptions { Seed = 42 };

        var first = OpinionGroups.Of(snapshot, options);
        var second = OpinionGroups.Of(snapshot, options);

        Assert.True(first.Summary.GroupCount >= 2);
        Assert.Equal(42, first.Summary.Seed);
        Assert.Equal(first.Summary.GroupSizes, second.Summary.GroupSizes);
        Assert.Equal(first.Summary.Silhouette, second.Summary.Silhouette);
        var voters = snapshot.Votes.Select(v => v.ParticipantId).Distinct().ToList();
        Assert.Equal(voters.Select(first.GroupOf), voters.Select(second.GroupOf));
    }

    [Fact]
    public void Three_camps_voting_with_noise_over_several_contexts_are_found_as_three_groups()
    {
        var snapshot = OpinionCampStudies.Create(participants: 300, valueCount: 12, contexts: 3, votesPerParticipant: 30, seed: 3, loyalty: 0.85);

        var groups = OpinionGroups.Of(snapshot);

        Assert.Equal(3, groups.Summary.GroupCount);
        // Each camp lands mostly in one group, a different one per camp.
        var campGroups = Enumerable.Range(0, 3).Select(camp => Enumerable.Range(0, 100)
            .Select(i => groups.GroupOf($"p{(3 * i) + camp}")).GroupBy(g => g).OrderByDescending(g => g.Count()).First()).ToList();
        Assert.All(campGroups, g => Assert.True(g.Count() >= 90, $"group {g.Key} holds only {g.Count()} of its camp's 100"));
        Assert.Equal(3, campGroups.Select(g => g.Key).Distinct().Count());
    }

    [Fact]
    public void Participants_with_too_few_votes_are_left_out_of_the_groups()
    {
        // Three more voters: two decided pairs each (the minimum is three) and an unsure one, which does not count.
        var snapshot = TwoCamps();
        var votes = snapshot.Votes.ToList();
        foreach (var late in new[] { "L0", "L1", "L2" })
        {
            votes.Add(Vote(late, "x", "m"));
            votes.Add(Vote(late, "m", "a"));
            votes.Add(Vote(late, "a", "b", Verdict.Unsure));
        }

        var groups = OpinionGroups.Of(snapshot with { Votes = votes });

        Assert.Equal(3, groups.Summary.Unassigned);
        Assert.Equal([12, 8], groups.Summary.GroupSizes);
        Assert.Null(groups.GroupOf("L0"));

        // Their votes count in the ranking but not in any group's support.
        var graph = Assert.Single(new DefaultProfile().Reconcile(snapshot with { Votes = votes }).Graphs);
        Assert.Equal([36, 24], graph.Bridging!.SupportOf("m")!.Select(s => s.Votes));
    }

    [Fact]
    public void Too_few_voters_form_no_groups_and_the_bridging_profile_falls_back_to_pagerank()
    {
        // 4 + 3 voters: fewer than two groups of the minimum size (5).
        var snapshot = TwoCamps(campA: 4, campB: 3);

        var groups = OpinionGroups.Of(snapshot);
        var byBridging = Assert.Single(new BridgingProfile().Reconcile(snapshot).Graphs);
        var byPageRank = Assert.Single(new DefaultProfile().Reconcile(snapshot).Graphs);

        Assert.Equal("too-few-participants", groups.Summary.Reason);
        Assert.Equal(0, groups.Summary.GroupCount);
        Assert.Equal(7, groups.Summary.Unassigned);
        Assert.Null(byBridging.Bridging);
        Assert.False(byBridging.RankedByBridging);
        Assert.Equal(byPageRank.Ranking.Select(r => r.ValueId), byBridging.Ranking.Select(r => r.ValueId));
    }

    [Fact]
    public void A_handful_of_dissenters_in_a_large_study_is_not_an_opinion_group_unless_the_share_allows_it()
    {
        // 6 of 156 voters (3.8 %) dissent: below the default minimum share of 5 %, though above the minimum size of 5.
        var snapshot = TwoCamps(campA: 150, campB: 6);

        var byDefault = OpinionGroups.Of(snapshot);
        var anyShare = OpinionGroups.Of(snapshot, new OpinionGroupOptions { MinGroupShare = 0 });

        Assert.Equal("no-grouping-fits", byDefault.Summary.Reason);
        Assert.Equal(156, byDefault.Summary.Unassigned);
        Assert.Equal([150, 6], anyShare.Summary.GroupSizes);
    }

    [Fact]
    public void Voters_who_all_agree_form_no_groups()
    {
        var votes = Votes(12, "x", "m").Concat(Votes(12, "m", "a")).Concat(Votes(12, "b", "a"));

        var groups = OpinionGroups.Of(Snapshot(["a", "b", "m", "x"], votes));

        Assert.Equal("no-disagreement", groups.Summary.Reason);
        Assert.Empty(groups.Summary.GroupSizes);
    }

    [Theory]
    [InlineData(1, 5, 3)]
    [InlineData(5, 0, 3)]
    [InlineData(5, 5, 0)]
    public void Knobs_out_of_range_are_refused(int maxGroups, int minGroupSize, int minVotes)
    {
        var options = new OpinionGroupOptions { MaxGroups = maxGroups, MinGroupSize = minGroupSize, MinVotesPerParticipant = minVotes };

        Assert.Throws<ArgumentOutOfRangeException>(() => OpinionGroups.Of(TwoCamps(), options));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DefaultProfile(new DefaultProfileOptions { OpinionGroups = options }));
    }

    [Fact]
    public void Clustering_stops_when_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => OpinionGroups.Of(OpinionCampStudies.Create(60, 10, 1, 20, seed: 1), cancellationToken: cancelled.Token));
    }

    [Fact]
    public async Task The_bridging_profile_exports_a_spec_with_the_groups_and_bridging_scores()
    {
        var input = ExportFormats.Prepare(TwoCamps(), ReconciliationProfiles.Find("bridging")!, generatedAt: null);
        using var stream = new MemoryStream();
        await ExportFormats.Find("json")!.WriteAsync(input, stream);
        var json = System.Text.Encoding.UTF8.GetString(stream.ToArray());

        Assert.Empty((await JsonSchema.FromJsonAsync(AlignmentSpecJson.Schema)).Validate(json));
        var document = JsonNode.Parse(json)!.AsObject();
        Assert.Null(AlignmentSpecJson.CheckHash(document));
        Assert.Equal("1.4.0", document["schemaVersion"]!.GetValue<string>());
        Assert.Equal("bridging", document["algorithm"]!["profile"]!.GetValue<string>());
        Assert.Equal("m", document["layers"]!["communityValues"]![0]!["winningValueIds"]![0]!.GetValue<string>());

        var bridging = document["bridging"]!;
        Assert.Equal(OpinionGroups.MethodName, bridging["method"]!.GetValue<string>());
        Assert.Equal(20231018, bridging["seed"]!.GetValue<int>());
        Assert.Equal(2, bridging["k"]!.GetValue<int>());
        Assert.Equal([12, 8], bridging["groups"]!.AsArray().Select(g => g!["size"]!.GetValue<int>()));
        var context = bridging["contexts"]![0]!;
        Assert.Equal("m", context["topBridgingValueId"]!.GetValue<string>());
        var m = Assert.Single(context["values"]!.AsArray());
        Assert.True(m!["winning"]!.GetValue<bool>());
        Assert.Equal(0.4671, m["bridgingScore"]!.GetValue<double>(), 4);
        Assert.Equal([16, 24], m["groups"]![1]!.AsObject().Where(p => p.Key is "endorsing" or "votes").Select(p => p.Value!.GetValue<int>()));
        Assert.DoesNotContain("A0", json, StringComparison.Ordinal);

        // Read back, the spec keeps its bridging block.
        var read = AlignmentSpecJson.Read(json);
        Assert.Equal("m", read.Bridging!.Contexts[0].TopBridgingValueId);
    }

    [Fact]
    public void A_default_export_reports_the_pagerank_winner_and_the_bridging_leader()
    {
        var snapshot = TwoCamps();
        var spec = AlignmentSpecBuilder.Build(snapshot, new DefaultProfile().Reconcile(snapshot));

        var context = Assert.Single(spec.Bridging!.Contexts);
        Assert.Equal("m", context.TopBridgingValueId);
        Assert.Equal([("a", true), ("m", false)], context.Values.Select(v => (v.ValueId, v.Winning)));
        Assert.Equal(0, context.Values[0].BridgingScore);
        Assert.Equal([12, 8], context.GroupVoters);
    }

    [Fact]
    public void A_result_shared_as_json_between_instances_keeps_its_groups_and_bridging_figures()
    {
        // Instances on one log share the background reconciliation as JSON (web defaults); the dashboard reads it back.
        var options = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var result = new DefaultProfile().Reconcile(TwoCamps());

        var back = System.Text.Json.JsonSerializer.Deserialize<ReconciliationResult>(System.Text.Json.JsonSerializer.Serialize(result, options), options)!;

        Assert.Equal([12, 8], back.OpinionGroups!.GroupSizes);
        Assert.Equal(result.Graphs[0].Bridging!.ScoreOf("m"), back.Graphs[0].Bridging!.ScoreOf("m"));
        Assert.Equal([24, 16], back.Graphs[0].Bridging!.SupportOf("m")!.Select(s => s.Endorsing));
    }

    [Fact]
    public void The_mai_2023_profile_groups_no_one_and_its_spec_has_no_bridging_block()
    {
        var snapshot = TwoCamps();

        var spec = AlignmentSpecBuilder.Build(snapshot, new Mai2023Profile().Reconcile(snapshot));

        Assert.Null(spec.Bridging);
        Assert.DoesNotContain("\"bridging\"", AlignmentSpecJson.Write(spec), StringComparison.Ordinal);
    }

    private sealed class GroupSupportComparer : IEqualityComparer<GroupSupport>
    {
        public bool Equals(GroupSupport? x, GroupSupport? y) =>
            x is not null && y is not null && x.Group == y.Group && x.Endorsing == y.Endorsing && x.Votes == y.Votes
            && Math.Abs(x.Share!.Value - y.Share!.Value) < 1e-12 && Math.Abs(x.LowerBound - y.LowerBound) < 1e-12;

        public int GetHashCode(GroupSupport obj) => obj.Group;
    }
}
