using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Synthetic;

/// <summary>
/// Seeded synthetic moral graphs for demos and benchmarks: N values in one question and context, each
/// value the "from" side of <c>edgesPerValue</c> wiser-than items with one vote each (80% wiser, 10% not
/// wiser, 10% unsure) from a pool of participants.
/// </summary>
public static class SyntheticStudies
{
    private const string Slug = "synthetic";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ContextRef Context = new("q", "c");

    /// <summary>A snapshot with <paramref name="valueCount"/> values and about valueCount × edgesPerValue votes, built by hand (votes as records).</summary>
    public static MoralGraphSnapshot LargeGraph(int valueCount, int edgesPerValue = 5, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(valueCount, 2);
        var ids = Ids(valueCount);
        return new MoralGraphSnapshot(Study(), [.. ids.Select(Value)], [.. Votes(ids, edgesPerValue, seed)]);
    }

    /// <summary>
    /// The same study as <see cref="LargeGraph"/> as the events that make it (its definition, each value defined, each vote
    /// cast), produced one at a time so a <see cref="StudyState"/> can be replayed from them without holding them all.
    /// </summary>
    public static IEnumerable<StudyEvent> LargeStudyEvents(int valueCount, int edgesPerValue = 5, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(valueCount, 2);
        return Events(Ids(valueCount), edgesPerValue, seed);
    }

    private static IEnumerable<StudyEvent> Events(string[] ids, int edgesPerValue, int seed)
    {
        yield return new StudyDefined(Study()) { StudyId = Slug, OccurredAt = Start, Actor = "synthetic" };
        foreach (var id in ids)
        {
            yield return new CanonicalValueDefined(Value(id)) { QuestionId = Context.QuestionId, StudyId = Slug, OccurredAt = Start, Actor = "synthetic" };
        }

        foreach (var vote in Votes(ids, edgesPerValue, seed))
        {
            yield return new VoteCast(vote) { StudyId = Slug, OccurredAt = vote.CastAt, Actor = vote.ParticipantId };
        }
    }

    private static Study Study() =>
        new(Slug, "Synthetic study", "Generated for benchmarks.",
            [new Question(Context.QuestionId, "Synthetic question", "How should an AI answer this?", [new StudyContext(Context.ContextId, "When benchmarking")])], [], ["en"], StudyPhase.Closed, 4);

    private static string[] Ids(int valueCount) =>
        [.. Enumerable.Range(0, valueCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private static readonly IReadOnlyList<string> Policies = ["CHOICES that are synthetic", "MOMENTS when it is measured", "SIGNS of speed"];

    private static CanonicalValue Value(string id) => new(id, "Synthetic value", "A value made up for a benchmark.", Policies, []);

    private static IEnumerable<WiserThanVote> Votes(string[] ids, int edgesPerValue, int seed)
    {
        var random = new Random(seed);
        var participants = Enumerable.Range(0, Math.Max(10, ids.Length / 10)).Select(p => $"p{p}").ToArray();
        var count = 0;
        for (var from = 0; from < ids.Length; from++)
        {
            for (var k = 0; k < edgesPerValue; k++)
            {
                var to = random.Next(ids.Length - 1);
                if (to >= from)
                {
                    to++;
                }

                var roll = random.Next(10);
                var verdict = roll < 8 ? Verdict.Wiser : roll == 8 ? Verdict.NotWiser : Verdict.Unsure;
                yield return new WiserThanVote($"v{count}", participants[random.Next(participants.Length)], ids[from], ids[to], Context, verdict,
                    null, null, Start.AddSeconds(count));
                count++;
            }
        }
    }
}
