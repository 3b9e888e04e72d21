using MoralGraph.Core.Deduplication;

namespace MoralGraph.Core.Tests.Deduplication;

public class LexicalValueDeduplicatorTests
{
    private static readonly DedupCard[] Cards =
    [
        new("autonomy-1", "p1", "Informed Autonomy", ["OPTIONS the person may not know about", "CONSEQUENCES of each path", "MOMENTS when the person wants facts"]),
        new("autonomy-2", "p2", "Informed autonomy", ["OPTIONS that the person might not know about", "CONSEQUENCES of each path they could take", "MOMENTS when the person wants facts, not advice"]),
        new("autonomy-3", "p3", "Respecting Informed Autonomy", ["OPTIONS the person may not know", "CONSEQUENCES of every path", "MOMENTS when facts are wanted"]),
        new("faith-1", "p4", "Faith Integration", ["TEACHINGS of their religious tradition", "PEOPLE in their church community", "TENSIONS between belief and circumstance"]),
        new("faith-2", "p5", "Integrating Faith", ["TEACHINGS of the religious tradition they hold", "PEOPLE in their church community they trust", "TENSIONS between belief and their circumstance"]),
        new("grounding", "p6", "Emotional Grounding", ["FEELINGS the person names", "SIGNS of panic or overwhelm", "WORDS that make the person feel heard"]),
        new("homework", "p7", "Engaging Education", ["ALIGNMENT between interests and homework", "CHALLENGES that are achievable", "CURIOSITY the child shows"]),
    ];

    [Fact]
    public async Task Obvious_duplicates_merge_and_distinct_values_stay_apart()
    {
        var clusters = await new LexicalValueDeduplicator().ClusterAsync(Cards);

        Assert.Equal(4, clusters.Count);
        Assert.Equal(["autonomy-1", "autonomy-2", "autonomy-3"], ClusterOf(clusters, "autonomy-1").Order());
        Assert.Equal(["faith-1", "faith-2"], ClusterOf(clusters, "faith-1").Order());
        Assert.Single(ClusterOf(clusters, "grounding"));
        Assert.Single(ClusterOf(clusters, "homework"));
    }

    [Fact]
    public async Task Two_cards_by_the_same_author_are_never_merged()
    {
        var sameAuthor = Cards.Select(c => c.CardId == "faith-2" ? c with { AuthorKey = "p4" } : c).ToList();
        var clusters = await new LexicalValueDeduplicator().ClusterAsync(sameAuthor);

        Assert.Single(ClusterOf(clusters, "faith-1"));
    }

    [Fact]
    public async Task Cards_are_compared_within_their_language_only()
    {
        // The same words in two cards marked as different languages: shared words across languages (names, loanwords,
        // a Spanish card quoting an English one) say nothing about sharing a value, so offline dedup keeps them apart.
        var languages = Cards.Select(c => c with { Language = c.CardId == "faith-2" ? "es" : "en" }).ToList();
        var clusters = await new LexicalValueDeduplicator().ClusterAsync(languages);

        Assert.Single(ClusterOf(clusters, "faith-1"));
        Assert.Single(ClusterOf(clusters, "faith-2"));
        Assert.Equal(3, ClusterOf(clusters, "autonomy-1").Count);
    }

    [Fact]
    public async Task Facilitator_decisions_win_over_the_algorithm()
    {
        var clusters = await new LexicalValueDeduplicator().ClusterAsync(Cards,
        [
            new DedupOverride("faith-1", "faith-2", Together: false),
            new DedupOverride("grounding", "homework", Together: true),
        ]);

        Assert.Single(ClusterOf(clusters, "faith-1"));
        Assert.Equal(["grounding", "homework"], ClusterOf(clusters, "grounding").Order());
    }

    [Fact]
    public async Task Complete_linkage_does_not_chain_loosely_related_cards()
    {
        // a~b and b~c share words, but a and c share almost none: single linkage would put all three together.
        DedupCard[] chain =
        [
            new("a", "p1", "Calm Listening", ["FEELINGS the person names", "PAUSES in the conversation", "WORDS that soothe"]),
            new("b", "p2", "Calm Honest Listening", ["FEELINGS the person names", "PAUSES in the conversation", "FACTS stated plainly", "RISKS stated honestly"]),
            new("c", "p3", "Honest Facts", ["FACTS stated plainly", "RISKS stated honestly", "SOURCES that are reliable"]),
        ];
        var clusters = await new LexicalValueDeduplicator(threshold: 0.4).ClusterAsync(chain);

        Assert.DoesNotContain(clusters, c => c.Members.Contains("a") && c.Members.Contains("c"));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Thresholds_out_of_range_are_refused(double threshold)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LexicalValueDeduplicator(threshold));
    }

    private static IReadOnlyList<string> ClusterOf(IReadOnlyList<DedupCluster> clusters, string cardId) =>
        clusters.Single(c => c.Members.Contains(cardId)).Members;
}
