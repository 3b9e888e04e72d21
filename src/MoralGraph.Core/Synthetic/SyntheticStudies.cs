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
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A snapshot with <paramref name="valueCount"/> values and about valueCount × edgesPerValue votes.</summary>
    public static MoralGraphSnapshot LargeGraph(int valueCount, int edgesPerValue = 5, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(valueCount, 2);
        var random = new Random(seed);
        var context = new ContextRef("q", "c");
        var study = new Study("synthetic", "Synthetic study", "Generated for benchmarks.",
            [new Question("q", "Synthetic question", "How should an AI answer this?", [new StudyContext("c", "When benchmarking")])], [], ["en"], StudyPhase.Closed, 4);
        var ids = new string[valueCount];
        IReadOnlyList<string> policies = ["CHOICES that are synthetic", "MOMENTS when it is measured", "SIGNS of speed"];
        var values = new CanonicalValue[valueCount];
        for (var i = 0; i < valueCount; i++)
        {
            ids[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            values[i] = new CanonicalValue(ids[i], "Synthetic value", "A value made up for a benchmark.", policies, []);
        }

        var participants = Enumerable.Range(0, Math.Max(10, valueCount / 10)).Select(p => $"p{p}").ToArray();
        var votes = new List<WiserThanVote>(valueCount * edgesPerValue);
        for (var from = 0; from < valueCount; from++)
        {
            for (var k = 0; k < edgesPerValue; k++)
            {
                var to = random.Next(valueCount - 1);
                if (to >= from)
                {
                    to++;
                }

                var roll = random.Next(10);
                var verdict = roll < 8 ? Verdict.Wiser : roll == 8 ? Verdict.NotWiser : Verdict.Unsure;
                votes.Add(new WiserThanVote($"v{votes.Count}", participants[random.Next(participants.Length)], ids[from], ids[to], context, verdict,
                    null, null, Start.AddSeconds(votes.Count)));
            }
        }

        return new MoralGraphSnapshot(study, values, votes);
    }
}
