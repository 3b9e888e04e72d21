using System.Text.Json;
using MoralGraph.Core.Events;
using MoralGraph.Core.Synthetic;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Tests.Events;

/// <summary>
/// A state restored from a snapshot, then given the events after it, must be the state a full replay of the log gives:
/// the same capture, the same graph, the same answers to what participant actions look up.
/// </summary>
public sealed class StudyStateCaptureTests
{
    private const string Slug = "assembly";

    [Fact]
    public void The_synthetic_assembly_holds_every_kind_of_study_event()
    {
        var kinds = SyntheticAssembly.Events(Slug, 400, seed: 3).Select(e => e.GetType()).ToHashSet();
        var studyKinds = typeof(StudyEvent).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(StudyEvent)) && !t.IsAbstract && t.Namespace != typeof(MoralGraph.Core.Access.AccessLog).Namespace);

        Assert.Empty(studyKinds.Where(k => !kinds.Contains(k)).Select(k => k.Name));
    }

    [Fact]
    public async Task A_capture_written_and_read_back_restores_a_state_that_captures_the_same()
    {
        var state = StudyState.Replay(SyntheticAssembly.Events(Slug, 400, seed: 3));

        var restored = await RoundTripAsync(state);

        Assert.Equal(Json(state.Capture()), Json(restored.Capture()));
        Assert.Equal(Json(state.ToSnapshot()), Json(restored.ToSnapshot()));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.93)]
    public async Task A_state_restored_midway_and_given_the_rest_of_the_log_equals_the_full_replay(double cut)
    {
        var events = SyntheticAssembly.Events(Slug, 400, seed: 5);
        var at = (int)(events.Count * cut);
        var replayed = StudyState.Replay(events);

        var resumed = await RoundTripAsync(StudyState.Replay(events.Take(at)));
        foreach (var studyEvent in events.Skip(at))
        {
            resumed.Apply(studyEvent);
        }

        Assert.Equal(Json(replayed.Capture()), Json(resumed.Capture()));
        AssertSameLookups(replayed, resumed);
    }

    [Fact]
    public async Task A_large_study_restored_from_its_capture_equals_its_full_replay()
    {
        // About 100,000 events: the size of a room of a few thousand people.
        var events = SyntheticAssembly.Events(Slug, 5_500, seed: 11);
        Assert.InRange(events.Count, 90_000, 130_000);
        var replayed = StudyState.Replay(events);

        var resumed = await RoundTripAsync(StudyState.Replay(events.Take(events.Count - 5_000)));
        foreach (var studyEvent in events.TakeLast(5_000))
        {
            resumed.Apply(studyEvent);
        }

        Assert.Equal(Json(replayed.Capture()), Json(resumed.Capture()));
        Assert.Equal(Json(replayed.ToSnapshot()), Json(resumed.ToSnapshot()));
        AssertSameLookups(replayed, resumed);
    }

    [Fact]
    public void Each_value_looked_up_alone_is_the_value_the_snapshot_lists()
    {
        var state = StudyState.Replay(SyntheticAssembly.Events(Slug, 400, seed: 7));
        var snapshot = state.ToSnapshot();

        Assert.All(snapshot.Values, value => Assert.Equal(Json(value), Json(state.FindValue(value.Id))));
        Assert.Equal(snapshot.Values.Count, snapshot.Study.Questions.SelectMany(q => state.ValuesAnswering(q.Id)).Distinct().Count());
    }

    [Fact]
    public void An_items_tally_is_what_the_graphs_votes_say_when_neither_value_absorbed_another()
    {
        var state = StudyState.Replay(SyntheticAssembly.Events(Slug, 400, seed: 7));
        var votes = state.ToSnapshot().Votes;
        var merged = state.Capture().MergedInto.Values.ToHashSet(StringComparer.Ordinal);

        var items = votes.Select(v => (v.FromValueId, v.ToValueId, v.Context)).Distinct().Where(i => !merged.Contains(i.FromValueId) && !merged.Contains(i.ToValueId)).ToList();
        Assert.True(items.Count > 100, $"Only {items.Count} items to compare.");
        foreach (var (from, to, context) in items)
        {
            var onItem = votes.Where(v => v.FromValueId == from && v.ToValueId == to && v.Context == context).ToList();
            var expected = new ItemTally(onItem.Count(v => v.Verdict == Verdict.Wiser), onItem.Count(v => v.Verdict == Verdict.NotWiser), onItem.Count(v => v.Verdict == Verdict.Unsure));
            Assert.Equal(expected, state.TallyOf(from, to, context));
        }
    }

    [Fact]
    public void The_votes_counted_for_the_draw_are_the_votes_that_count_of_those_still_taking_part()
    {
        var state = StudyState.Replay(SyntheticAssembly.Events(Slug, 400, seed: 9));
        var merged = state.Capture().MergedInto.Values.ToHashSet(StringComparer.Ordinal);
        var counted = state.Votes.EffectiveVotes().Where(v => !state.WithdrawnParticipants.Contains(v.ParticipantId)).ToList();

        // On values nobody merged into, by the ids the votes were cast on (the draw's load is a count, not the graph).
        foreach (var value in state.ToSnapshot().Values.Where(v => !merged.Contains(v.Id)))
        {
            Assert.Equal(counted.Count(v => v.FromValueId == value.Id || v.ToValueId == value.Id), state.VotesOnValue(value.Id));
        }
    }

    private static void AssertSameLookups(StudyState expected, StudyState actual)
    {
        var snapshot = expected.ToSnapshot();
        foreach (var value in snapshot.Values)
        {
            Assert.Equal(Json(expected.FindValue(value.Id)), Json(actual.FindValue(value.Id)));
            Assert.Equal(expected.VotesOnValue(value.Id), actual.VotesOnValue(value.Id));
            Assert.Equal(Json(expected.VotesFrom(value.Id).OrderBy(p => p.Key.ToString()).ToList()), Json(actual.VotesFrom(value.Id).OrderBy(p => p.Key.ToString()).ToList()));
        }

        foreach (var participant in expected.Participation.All.Where(p => !p.Withdrawn).Take(40))
        {
            var questions = snapshot.Study.Questions.Select(q => q.Id).ToList();
            Assert.Equal(
                VoteDraw.Choose(expected, participant.Id, questions, 6).Select(c => (c.From.Id, c.To.Id, c.Context)),
                VoteDraw.Choose(actual, participant.Id, questions, 6).Select(c => (c.From.Id, c.To.Id, c.Context)));
        }

        Assert.Equal(Outstanding(expected), Outstanding(actual));
    }

    private static List<string> Outstanding(StudyState state) =>
        [.. state.Participation.OutstandingItemsFrom.SelectMany(from => from.Value.Select(to => $"{from.Key}>{to.Key.To}@{to.Key.Context}={to.Value}")).Order(StringComparer.Ordinal)];

    private static async Task<StudyState> RoundTripAsync(StudyState state)
    {
        using var stream = new MemoryStream();
        await state.Capture().WriteJsonAsync(stream);
        stream.Position = 0;
        return StudyState.Restore(await StudyStateCapture.ReadJsonAsync(stream));
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, EventHashChain.JsonOptions);
}
