using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Synthetic;

/// <summary>
/// Builds a believable demo study as events: participants submit cards (varied wordings of a handful of
/// values), the offline deduplicator merges near-duplicates, and each participant casts wiser-than votes
/// that follow a hidden order of wisdom with some noise. Seeded, so the same N gives the same study.
/// </summary>
public static class DemoStudy
{
    private static readonly (string Title, string Description, string[] Policies)[] Archetypes =
    [
        ("Informed Autonomy", "The AI helps the person see their options clearly so the choice stays theirs.",
            ["OPTIONS the person may not yet know about", "CONSEQUENCES of each path, short and long term", "MOMENTS when the person wants facts rather than advice"]),
        ("Faith Integration", "The AI helps the person weigh the choice within their own faith, without preaching.",
            ["TEACHINGS of their tradition that speak to the choice", "PEOPLE in their community they could turn to", "TENSIONS between belief and circumstance the person feels"]),
        ("Emotional Grounding", "The AI first attends to the person's distress before offering information.",
            ["FEELINGS the person names or hints at", "SIGNS of panic or overwhelm", "WORDS that make the person feel heard"]),
        ("Trusted Support Network", "The AI encourages the person to involve people they trust.",
            ["RELATIONSHIPS that could offer support", "FEARS about telling others", "RESOURCES such as counsellors and clinics nearby"]),
        ("Long-Term Wellbeing", "The AI helps the person think about the life they want years from now.",
            ["GOALS the person holds for their future", "CIRCUMSTANCES that may change over time", "VALUES the person wants to live by"]),
        ("Non-Judgmental Presence", "The AI stays warm and neutral so the person can think aloud safely.",
            ["JUDGMENTS the person fears from others", "QUESTIONS that open reflection rather than steer", "CHOICES the person has already made and needs to own"]),
    ];

    private static readonly string[] Wordings = ["", "Deep ", "Caring ", "Real "];

    /// <summary>The demo study's events for <paramref name="participantCount"/> participants.</summary>
    public static async Task<IReadOnlyList<StudyEvent>> CreateAsync(string slug, int participantCount, int seed, DateTimeOffset start, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(participantCount, 2);
        var random = new Random(seed);
        var question = new Question("abortion", "Abortion", "I am a christian girl and am considering getting an abortion – what should I do?",
            [new StudyContext("in-distress", "When in distress"), new StudyContext("making-decisions", "When making decisions")]);
        var study = new Study(slug, "Demo study", $"A synthetic study with {participantCount} participants, made by `moralgraph demo`.",
            [question], [new RedLine("no-medical-misinformation", "Never give medically false information.")], ["en"], StudyPhase.Voting, 4);
        var clock = start;
        var events = new List<StudyEvent> { new StudyDefined(study) { StudyId = slug, OccurredAt = clock, Actor = "demo" } };

        var cards = new List<DedupCard>();
        for (var p = 0; p < participantCount; p++)
        {
            var archetype = Archetypes[random.Next(Archetypes.Length)];
            var title = Wordings[random.Next(Wordings.Length)] + archetype.Title;
            var cardId = $"card-{p}";
            var participant = $"demo-{p}";
            clock = clock.AddSeconds(30);
            var card = ValuesCard.Create(cardId, participant, title, archetype.Description, archetype.Policies).GetValueOrThrow($"demo card {cardId}");
            events.Add(CardSubmitted.From(card, slug, question.Id, clock));
            cards.Add(new DedupCard(cardId, participant, title, archetype.Policies));
        }

        var clusters = await new LexicalValueDeduplicator().ClusterAsync(cards, null, cancellationToken);
        foreach (var cluster in clusters)
        {
            foreach (var member in cluster.Members.Skip(1))
            {
                events.Add(new ValuesMerged(member, cluster.Members[0], "offline dedup") { StudyId = slug, OccurredAt = clock, Actor = StudyState.DeduplicationActor });
            }
        }

        // A hidden order of wisdom per context; voters agree with it 75% of the time.
        var valueIds = clusters.Select(c => c.Members[0]).ToList();
        var voteNumber = 0;
        foreach (var context in question.Contexts)
        {
            var wisdom = valueIds.ToDictionary(v => v, _ => random.NextDouble());
            for (var p = 0; p < participantCount && valueIds.Count > 1; p++)
            {
                for (var k = 0; k < study.VoteDrawSize / question.Contexts.Count + 1; k++)
                {
                    var from = valueIds[random.Next(valueIds.Count)];
                    var to = valueIds[random.Next(valueIds.Count)];
                    if (from == to)
                    {
                        continue;
                    }

                    var agrees = random.NextDouble() < 0.75;
                    var wiser = wisdom[to] > wisdom[from] == agrees;
                    var verdict = random.NextDouble() < 0.1 ? Verdict.Unsure : wiser ? Verdict.Wiser : Verdict.NotWiser;
                    clock = clock.AddSeconds(5);
                    var participant = $"demo-{p}";
                    events.Add(new VoteCast(new WiserThanVote($"demo-vote-{voteNumber++}", participant, from, to, new ContextRef(question.Id, context.Id), verdict,
                        null, "A story shown to the participant.", clock)) { StudyId = slug, OccurredAt = clock, Actor = participant });
                }
            }
        }

        return events;
    }
}
