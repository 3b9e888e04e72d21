using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Synthetic;

/// <summary>
/// Seeded synthetic studies whose voters fall into camps, for the opinion-group clustering's tests and benchmark: each
/// participant belongs to one of three camps (by number) and judges <c>votesPerParticipant</c> random pairs of values in
/// random contexts, as their camp does with probability <c>loyalty</c> (otherwise the other way). Camp 0 holds values
/// later in study order wiser, camp 1 earlier ones, camp 2 values nearer the middle.
/// </summary>
public static class OpinionCampStudies
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Camps the participants fall into.</summary>
    public const int Camps = 3;

    /// <summary>A snapshot of one question with <paramref name="contexts"/> contexts and <paramref name="valueCount"/> values.</summary>
    public static MoralGraphSnapshot Create(int participants, int valueCount, int contexts, int votesPerParticipant, int seed, double loyalty = 0.8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(participants);
        ArgumentOutOfRangeException.ThrowIfLessThan(valueCount, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contexts);
        ArgumentOutOfRangeException.ThrowIfNegative(votesPerParticipant);
        ArgumentOutOfRangeException.ThrowIfLessThan(loyalty, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(loyalty, 1);
        var random = new Random(seed);
        var ids = Enumerable.Range(0, valueCount).Select(v => $"v{v}").ToArray();
        var contextIds = Enumerable.Range(0, contexts).Select(c => $"c{c}").ToArray();
        var votes = new List<WiserThanVote>(participants * votesPerParticipant);
        var middle = (valueCount - 1) / 2.0;
        for (var p = 0; p < participants; p++)
        {
            var camp = p % Camps;
            for (var n = 0; n < votesPerParticipant; n++)
            {
                var from = random.Next(valueCount);
                var to = random.Next(valueCount - 1);
                to += to >= from ? 1 : 0;
                var toWiser = camp switch
                {
                    0 => to > from,
                    1 => to < from,
                    _ => Math.Abs(to - middle) < Math.Abs(from - middle),
                };
                if (random.NextDouble() >= loyalty)
                {
                    toWiser = !toWiser;
                }

                var context = new ContextRef("q", contextIds[random.Next(contexts)]);
                votes.Add(new WiserThanVote($"v{votes.Count}", $"p{p}", ids[from], ids[to], context, toWiser ? Verdict.Wiser : Verdict.NotWiser,
                    null, null, Start.AddSeconds(votes.Count)));
            }
        }

        var study = new Study("opinion-camps", "Synthetic camps", "Generated for the opinion-group clustering.",
            [new Question("q", "Synthetic question", "How should an AI answer this?", [.. contextIds.Select(c => new StudyContext(c, $"When {c}"))])],
            [], ["en"], StudyPhase.Closed, 4);
        return new MoralGraphSnapshot(study, [.. ids.Select(id => new CanonicalValue(id, $"Value {id}", "A value made up for a benchmark.", ["CHOICES that are synthetic"], []))], votes);
    }
}
