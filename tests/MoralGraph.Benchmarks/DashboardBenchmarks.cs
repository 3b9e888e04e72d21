using BenchmarkDotNet.Attributes;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Live;

namespace MoralGraph.Benchmarks;

/// <summary>
/// What a live dashboard costs in a busy room: a study of 500 participants (cards, dedup merges, draws, 2,000 votes,
/// surveys). A new event costs one <see cref="ApplyOneEvent"/> and one <see cref="Overview"/> (shared by every console
/// watching), plus per console one <see cref="GraphView"/>; <see cref="ReplayLog"/> is what applying events to a
/// cached state saves; <see cref="Reconcile"/> runs in the background, debounced.
/// </summary>
[MemoryDiagnoser]
public class DashboardBenchmarks
{
    private const string Slug = "bench";
    private List<StudyEvent> _events = null!;
    private StudyState _state = null!;
    private ReconciliationResult _result = null!;
    private Dictionary<string, string> _titles = null!;
    private VoteCast _extraVote = null!;

    [Params(500)]
    public int Participants { get; set; }

    [Params(2_000)]
    public int Votes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = BusyStudy.Events(Slug, Participants, Votes, seed: 7);
        _state = StudyState.Replay(_events);
        var snapshot = _state.ToSnapshot();
        _result = new DefaultProfile().Reconcile(snapshot);
        _titles = snapshot.Values.ToDictionary(v => v.Id, v => v.Title, StringComparer.Ordinal);
        var vote = _events.OfType<VoteCast>().First().Vote;
        _extraVote = new VoteCast(vote with { VoteId = "extra", ParticipantId = "p-extra" }) { StudyId = Slug, OccurredAt = vote.CastAt, Actor = "p-extra" };
    }

    [Benchmark]
    public StudyOverview Overview() => StudyOverview.From(_state, _events.Count);

    [Benchmark]
    public ContextGraphView GraphView() => ContextGraphView.From(_result.Graphs[0], _titles, 1, DateTimeOffset.UnixEpoch);

    [Benchmark]
    public StudyState ReplayLog() => StudyState.Replay(_events);

    [Benchmark]
    public long ApplyOneEvent()
    {
        // The same vote again: the ledger keeps one per key, so the state does not grow between iterations.
        _state.Apply(_extraVote);
        return _state.EventCount;
    }

    [Benchmark]
    public ReconciliationResult Reconcile() => new DefaultProfile().Reconcile(_state.ToSnapshot());
}

/// <summary>A study in full swing, as events, seeded.</summary>
public static class BusyStudy
{
    public static List<StudyEvent> Events(string slug, int participants, int votes, int seed)
    {
        var random = new Random(seed);
        var clock = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        var contexts = new[] { new ContextRef("q", "c1"), new ContextRef("q", "c2") };
        var study = new Study(slug, "Busy", "A busy room.", [new Question("q", "Q", "What should I do?", [new StudyContext("c1", "When in distress"), new StudyContext("c2", "When deciding")])],
            [], ["en"], StudyPhase.Interviewing, voteDrawSize: 8);
        var events = new List<StudyEvent> { new StudyDefined(study) { StudyId = slug, OccurredAt = clock, Actor = "bench" } };

        T At<T>(T e)
            where T : StudyEvent => e with { OccurredAt = clock = clock.AddSeconds(1) };

        var cards = new List<string>();
        for (var p = 0; p < participants; p++)
        {
            var id = $"p{p}";
            events.Add(At(new ParticipantJoined(id, $"hash-{id}", "v1", "en", null) { StudyId = slug, OccurredAt = clock, Actor = id }));
            events.Add(At(new QuestionChosen(id, "q") { StudyId = slug, OccurredAt = clock, Actor = id }));
            for (var turn = 0; turn < 12; turn++)
            {
                var role = turn % 2 == 0 ? InterviewRole.Interviewer : InterviewRole.Participant;
                events.Add(At(new InterviewMessagePosted(id, "q", new InterviewMessage(turn, role, "Some words.", InterviewStage.Policies)) { StudyId = slug, OccurredAt = clock, Actor = id }));
            }

            if (p % 5 != 4)
            {
                events.Add(At(new CardSubmitted($"card-{p}", id, "q", $"Value {p % 40}", "A description.", ["MOMENTS that matter"]) { StudyId = slug, OccurredAt = clock, Actor = id }));
                cards.Add($"card-{p}");
            }
        }

        // Deduplication folds the cards into 40 values.
        var values = cards.Take(40).ToList();
        for (var i = 40; i < cards.Count; i++)
        {
            events.Add(At(new ValuesMerged(cards[i], values[i % 40], "dedup") { StudyId = slug, OccurredAt = clock, Actor = StudyState.DeduplicationActor }));
        }

        var wisdom = values.ToDictionary(v => v, _ => random.NextDouble());
        var perVoter = Math.Max(1, votes / participants);
        var cast = 0;
        for (var p = 0; p < participants && cast < votes; p++)
        {
            var id = $"p{p}";
            var items = new List<VoteItem>();
            for (var k = 0; k < perVoter; k++)
            {
                var (from, to) = (values[random.Next(values.Count)], values[random.Next(values.Count)]);
                if (from == to)
                {
                    to = values[(values.IndexOf(from) + 1) % values.Count];
                }

                items.Add(new VoteItem($"{id}-{k}", contexts[k % 2], from, to, "A story."));
            }

            events.Add(At(new VoteItemsDrawn(id, 0, items) { StudyId = slug, OccurredAt = clock, Actor = id }));
            foreach (var item in items)
            {
                var verdict = random.NextDouble() < 0.75 == wisdom[item.ToValueId] > wisdom[item.FromValueId] ? Verdict.Wiser : Verdict.NotWiser;
                events.Add(At(new VoteCast(new WiserThanVote(item.VoteIdFor(id), id, item.FromValueId, item.ToValueId, item.Context, verdict, null, item.Story, clock))
                {
                    StudyId = slug, OccurredAt = clock, Actor = id,
                }));
                cast++;
            }

            if (p % 3 == 0)
            {
                events.Add(At(new SurveyAnswered(id, new Dictionary<string, int> { ["clarity"] = 4 }) { StudyId = slug, OccurredAt = clock, Actor = id }));
            }
        }

        return events;
    }
}
