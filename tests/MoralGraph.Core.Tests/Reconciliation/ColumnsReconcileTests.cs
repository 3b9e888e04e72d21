using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Reconciliation;

/// <summary>
/// A state's snapshot hands reconciliation its votes encoded from the vote columns. On random studies with merges,
/// splits, withdrawals, changed votes, replays and votes on unknown values, that path must give exactly what the string
/// path gives for the same votes, chosen by the rule <see cref="StudyState.ToSnapshot"/> has always followed (kept here
/// as an independent oracle, the pre-columns code).
/// </summary>
public class ColumnsReconcileTests
{
    private static readonly DateTimeOffset GeneratedAt = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Reconciling_through_the_columns_equals_reconciling_the_same_votes_through_strings(int seed)
    {
        var events = RandomStudy(seed);
        var state = StudyState.Replay(events);
        var snapshot = state.ToSnapshot();
        var (expectedVotes, madeOne) = OracleEffectiveVotes(events.OfType<VoteCast>().Select(c => c.Vote), state, snapshot);
        var byStrings = new MoralGraphSnapshot(snapshot.Study, snapshot.Values, expectedVotes);

        Assert.IsType<EncodedVoteList>(snapshot.Votes);
        Assert.Equal(expectedVotes.Select(Recorded), snapshot.Votes.Select(Recorded));
        Assert.True(expectedVotes.Count > 40, $"the random study should leave plenty of votes, not {expectedVotes.Count}");
        Assert.True(madeOne > 0, "merges should make some person's votes name the same item");

        var fromColumns = ((EncodedVoteList)snapshot.Votes).EncodingFor(snapshot)!;
        var fromStrings = VoteEncoding.Encode(byStrings, CancellationToken.None);
        Assert.Equal(fromStrings.ValueIds, fromColumns.ValueIds);
        Assert.Equal(fromStrings.From, fromColumns.From);
        Assert.Equal(fromStrings.To, fromColumns.To);
        Assert.Equal(fromStrings.Participant, fromColumns.Participant);
        Assert.Equal(fromStrings.ParticipantIds, fromColumns.ParticipantIds);
        Assert.Equal(fromStrings.Verdict, fromColumns.Verdict);
        Assert.Equal(fromStrings.Contexts, fromColumns.Contexts);
        Assert.Equal(fromStrings.VotesByContext, fromColumns.VotesByContext);

        foreach (var profile in new IReconciliationProfile[] { new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 40 }), new Mai2023Profile() })
        {
            Assert.Equal(SpecJson(byStrings, profile), SpecJson(snapshot, profile));
        }
    }

    [Fact]
    public void A_copy_of_the_snapshot_with_other_values_is_encoded_from_its_strings()
    {
        var state = StudyState.Replay(RandomStudy(1));
        var snapshot = state.ToSnapshot();
        var fewer = snapshot with { Values = [.. snapshot.Values.Skip(1)] };

        Assert.Null(((EncodedVoteList)fewer.Votes).EncodingFor(fewer));
        Assert.NotEmpty(new DefaultProfile().Reconcile(fewer).Graphs);
    }

    [Fact]
    public void A_vote_on_a_value_merged_into_one_no_vote_names_counts_for_that_one()
    {
        var state = StudyState.Replay(
        [
            Defined(Study()),
            Submitted("a", "ann"),
            Submitted("x", "xavier"),
            Submitted("y", "yves"),
            Cast(Vote("pat", "a", "x", Verdict.Wiser, id: "1")),
            new ValuesMerged("x", "y", "same") { StudyId = "test-study", OccurredAt = T0, Actor = "facilitator" },
        ]);

        var vote = Assert.Single(state.ToSnapshot().Votes);
        Assert.Equal(("1", "a", "y"), (vote.VoteId, vote.FromValueId, vote.ToValueId));
    }

    private static string SpecJson(MoralGraphSnapshot snapshot, IReconciliationProfile profile) =>
        AlignmentSpecJson.Write(ExportFormats.Prepare(snapshot, profile, GeneratedAt).Spec);

    private static (string, string, string, string, ContextRef, Verdict, DateTimeOffset) Recorded(WiserThanVote v) =>
        (v.VoteId, v.ParticipantId, v.FromValueId, v.ToValueId, v.Context, v.Verdict, v.CastAt);

    /// <summary>
    /// A study whose events interleave cards, imported values, votes (changed, replayed, tied in time, out of order, on
    /// unknown values), merges (chained, some invalid), splits and withdrawals. Each participant votes on a few values
    /// again and again, so merges make one person's votes name the same item.
    /// </summary>
    private static List<StudyEvent> RandomStudy(int seed)
    {
        var random = new Random(seed);
        var study = Study(("q1", ["c1", "c2"]), ("q2", ["c1"]));
        var participants = Enumerable.Range(0, 20).Select(p => $"p{p}").ToArray();
        var values = new List<string>();
        var events = new List<StudyEvent> { Defined(study) };
        for (var i = 0; i < 20; i++)
        {
            values.Add($"card{i}");
            events.Add(Submitted($"card{i}", participants[random.Next(participants.Length)], random.Next(2) == 0 ? "q1" : "q2", minute: i));
        }

        for (var i = 0; i < 4; i++)
        {
            values.Add($"seed{i}");
            events.Add(ValueDefined($"seed{i}", null));
        }

        var contexts = new[] { ("q1", "c1"), ("q1", "c2"), ("q2", "c1"), ("q3", "gone") };
        var favourites = participants.ToDictionary(p => p, _ => values.OrderBy(_ => random.Next()).Take(5).Append("ghost").ToArray());
        var cast = new List<WiserThanVote>();
        for (var step = 0; step < 800; step++)
        {
            var roll = random.Next(100);
            if (roll < 2)
            {
                var (from, into) = (values[random.Next(values.Count)], values[random.Next(values.Count)]);
                events.Add(new ValuesMerged(from, into, "same") { StudyId = study.Slug, OccurredAt = T0, Actor = random.Next(2) == 0 ? StudyState.DeduplicationActor : "facilitator" });
            }
            else if (roll < 3)
            {
                var card = $"card{random.Next(20)}";
                events.Add(new CardSplit(card, $"{card}-own-{step}", "not mine") { StudyId = study.Slug, OccurredAt = T0, Actor = "participant" });
            }
            else if (roll < 4 && step > 400)
            {
                events.Add(Withdrew(participants[random.Next(participants.Length)]));
            }
            else if (roll < 12 && cast.Count > 0)
            {
                // A replay: an id seen before, whatever it now says.
                var earlier = cast[random.Next(cast.Count)];
                events.Add(Cast(earlier with { Verdict = (Verdict)random.Next(3), CastAt = T0.AddMinutes(random.Next(40)) }));
            }
            else
            {
                var participant = participants[random.Next(participants.Length)];
                var pool = favourites[participant];
                var (question, context) = contexts[random.Next(contexts.Length)];
                var vote = Vote(participant, pool[random.Next(pool.Length)], pool[random.Next(pool.Length)], (Verdict)random.Next(3), question, context,
                    minute: random.Next(40), id: $"vote{step}");
                cast.Add(vote);
                events.Add(Cast(vote));
            }
        }

        return events;
    }

    /// <summary>What ToSnapshot chose before the columns: the ledger's effective votes, remapped, appended to a new ledger.</summary>
    private static (List<WiserThanVote> Votes, int MadeOne) OracleEffectiveVotes(IEnumerable<WiserThanVote> cast, StudyState state, MoralGraphSnapshot snapshot)
    {
        var valueIds = snapshot.Values.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        var remapped = new List<WiserThanVote>();
        foreach (var vote in Latest(cast))
        {
            var (from, to) = (state.ResolveValue(vote.FromValueId), state.ResolveValue(vote.ToValueId));
            if (!state.WithdrawnParticipants.Contains(vote.ParticipantId) && from != to && valueIds.Contains(from) && valueIds.Contains(to))
            {
                remapped.Add(vote with { FromValueId = from, ToValueId = to });
            }
        }

        var effective = Latest(remapped);
        return (effective, remapped.Count - effective.Count);

        static List<WiserThanVote> Latest(IEnumerable<WiserThanVote> votes)
        {
            var history = new List<WiserThanVote>();
            var byKey = new Dictionary<VoteKey, (int First, int Latest)>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var vote in votes)
            {
                if (!ids.Add(vote.VoteId))
                {
                    continue;
                }

                history.Add(vote);
                var index = history.Count - 1;
                if (!byKey.TryGetValue(vote.Key, out var current))
                {
                    byKey[vote.Key] = (index, index);
                }
                else if (history[current.Latest].CastAt <= vote.CastAt)
                {
                    byKey[vote.Key] = (current.First, index);
                }
            }

            return byKey.Values.OrderBy(v => v.First).Select(v => history[v.Latest]).ToList();
        }
    }
}
