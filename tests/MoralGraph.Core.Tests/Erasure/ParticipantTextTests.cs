using System.Reflection;
using System.Text.Json.Serialization;
using MoralGraph.Core.Erasure;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Synthetic;
using MoralGraph.Core.Voting;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Erasure;

/// <summary>
/// Participants' words are stored encrypted with their own key, and a withdrawal leaves none of them: not in the live
/// state, not in a replay of the log once the key is destroyed — and both give the same state.
/// </summary>
public sealed class ParticipantTextTests
{
    private const string Marker = "ZEBRA-MARKER-7731";

    [Fact]
    public void Every_event_type_either_maps_its_participant_text_or_declares_it_has_none()
    {
        var undeclared = new List<string>();
        foreach (var type in typeof(StudyEvent).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType))
        {
            var maps = type.GetMethod(nameof(StudyEvent.MapParticipantText))!.DeclaringType == type;
            var names = type.GetMethod(nameof(StudyEvent.ParticipantTextOwner))!.DeclaringType == type;
            var declaredNone = type.GetCustomAttribute<NotParticipantTextAttribute>() is not null;
            if (maps == declaredNone || maps != names)
            {
                undeclared.Add(type.Name);
            }
        }

        Assert.Empty(undeclared);
    }

    [Fact]
    public void A_protected_event_holds_no_word_in_clear_and_reads_back_as_written()
    {
        var protector = new ParticipantTextProtector(new InMemoryParticipantKeys());
        var card = Card("alice", Marker);

        var stored = EventHashChain.Serialize(protector.Protect(card));
        var read = protector.Reveal(EventHashChain.Deserialize(stored));

        Assert.DoesNotContain(Marker, stored, StringComparison.Ordinal);
        Assert.Contains(ParticipantTextProtector.EnvelopePrefix, stored, StringComparison.Ordinal);
        Assert.Equal(EventHashChain.Serialize(card), EventHashChain.Serialize(read));
    }

    [Fact]
    public void Once_the_key_is_destroyed_every_text_reads_as_withdrawn_and_later_words_are_never_kept()
    {
        var keys = new InMemoryParticipantKeys();
        var protector = new ParticipantTextProtector(keys);
        var stored = EventHashChain.Serialize(protector.Protect(Card("alice", Marker)));

        keys.Destroy("test-study", "alice");
        var read = (CardSubmitted)protector.Reveal(EventHashChain.Deserialize(stored));
        var later = EventHashChain.Serialize(protector.Protect(Message("alice", 9, Marker)));

        Assert.Equal([ParticipantText.Withdrawn, ParticipantText.Withdrawn], [read.Title, read.Description]);
        Assert.All(read.Policies, p => Assert.Equal(ParticipantText.Withdrawn, p));
        Assert.DoesNotContain(Marker, later, StringComparison.Ordinal);
        Assert.DoesNotContain(keys.List(), k => k.ParticipantId == "alice" && !k.IsDestroyed);
    }

    [Fact]
    public void A_ciphertext_moved_into_another_participants_event_is_refused_as_damage()
    {
        var protector = new ParticipantTextProtector(new InMemoryParticipantKeys());
        protector.Protect(Card("bob", "Bob's own words"));
        var alices = (CardSubmitted)protector.Protect(Card("alice", Marker));
        var forged = alices with { CardId = "card-bob-2", ParticipantId = "bob", Actor = "bob" };

        var refusal = Assert.Throws<InvalidOperationException>(() => protector.Reveal(forged));

        Assert.Contains("damaged", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_withdrawal_leaves_no_word_of_the_participant_in_the_state_and_the_other_members_words_carry_the_value()
    {
        var events = new StudyEvent[] { Defined(Study()) }.Concat(Journey("alice", Marker)).Concat(Journey("bob", "Bob keeps his words"))
            .Append(new ValuesMerged("card-bob", "card-alice", "Same value.") { StudyId = "test-study", OccurredAt = T0.AddMinutes(30), Actor = "facilitator" })
            .Append(Withdrew("alice", minute: 40))
            .ToList();

        var state = StudyState.Replay(events);
        var capture = System.Text.Encoding.UTF8.GetString(state.Capture().ToJsonBytes());
        var value = Assert.Single(state.ToSnapshot().Values, v => v.Members.Any(m => m.ParticipantId == "bob"));

        Assert.DoesNotContain(Marker, capture, StringComparison.Ordinal);
        Assert.Contains("Bob keeps his words", value.Title, StringComparison.Ordinal);
        Assert.DoesNotContain(value.Members, m => m.ParticipantId == "alice");
        Assert.All(state.Participation.Find("alice")!.Transcript, m => Assert.Equal(ParticipantText.Withdrawn, m.Text));
    }

    [Fact]
    public void The_live_state_after_withdrawals_equals_the_replay_of_the_encrypted_log_with_their_keys_destroyed()
    {
        var events = SyntheticAssembly.Events("assembly", 300, seed: 5).ToList();
        var keys = new InMemoryParticipantKeys();
        var protector = new ParticipantTextProtector(keys);
        var stored = events.Select(e => EventHashChain.Serialize(protector.Protect(e))).ToList();
        var withdrawn = events.OfType<ParticipantWithdrew>().Select(w => w.ParticipantId).ToList();
        foreach (var participant in withdrawn)
        {
            keys.Destroy("assembly", participant);
        }

        var live = StudyState.Replay(events).Capture().ToJsonBytes();
        var replayed = StudyState.Replay(stored.Select(s => protector.Reveal(EventHashChain.Deserialize(s)))).Capture().ToJsonBytes();

        Assert.NotEmpty(withdrawn);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(live), System.Text.Encoding.UTF8.GetString(replayed));
        Assert.DoesNotContain($"from {withdrawn[0]}.", System.Text.Encoding.UTF8.GetString(live), StringComparison.Ordinal);
    }

    [Fact]
    public void A_story_that_quotes_a_participant_who_withdrew_is_gone_from_other_participants_draws_and_votes_live_and_in_the_log()
    {
        var keys = new InMemoryParticipantKeys();
        var protector = new ParticipantTextProtector(keys);
        var item = new VoteItem("i0", new ContextRef("q", "c"), "card-bob", "card-alice", $"Someone moved to {Marker}.") { QuotedParticipants = ["bob", "alice"] };
        var vote = new WiserThanVote(item.VoteIdFor("carol"), "carol", item.FromValueId, item.ToValueId, item.Context, Verdict.Wiser, null, item.Story, T0) { StoryQuotes = item.QuotedParticipants };
        var events = new StudyEvent[] { Defined(Study()) }.Concat(Journey("alice", Marker)).Concat(Journey("bob", "Bob keeps his words"))
            .Concat([Joined("carol"), Chose("carol"), Drawn("carol", 0, item), Cast(vote), Withdrew("alice", minute: 40)]).ToList();
        var stored = events.Select(e => EventHashChain.Serialize(protector.Protect(e))).ToList();
        keys.Destroy("test-study", "alice");

        var live = StudyState.Replay(events);
        var replayed = StudyState.Replay(stored.Select(s => protector.Reveal(EventHashChain.Deserialize(s))));
        var storedVote = (VoteCast)protector.Reveal(EventHashChain.Deserialize(stored[^2]));

        Assert.All(stored, s => Assert.DoesNotContain(Marker, s, StringComparison.Ordinal));
        Assert.Equal(ParticipantText.Withdrawn, Assert.Single(live.Participation.Find("carol")!.DrawnItems).Story);
        Assert.Equal(ParticipantText.Withdrawn, storedVote.Vote.Story);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(live.Capture().ToJsonBytes()), System.Text.Encoding.UTF8.GetString(replayed.Capture().ToJsonBytes()));
    }

    [Fact]
    public void A_model_story_that_quotes_a_participant_who_withdrew_is_no_longer_offered_and_reads_withdrawn_from_the_log()
    {
        var keys = new InMemoryParticipantKeys();
        var protector = new ParticipantTextProtector(keys);
        var context = new ContextRef("q", "c");
        var provenance = new Core.Assistance.ModelProvenance("stories", "hash", "model", 0.2, T0);
        var story = new Core.Assistance.TransitionStoryWritten(context, "card-bob", "card-alice", $"They learnt {Marker}.", provenance)
        { Quotes = ["bob", "alice"], StudyId = "test-study", OccurredAt = T0, Actor = "model" };
        var events = new StudyEvent[] { Defined(Study()) }.Concat(Journey("alice", Marker)).Concat(Journey("bob", "Bob keeps his words"))
            .Append(story).Append(Withdrew("alice", minute: 40)).ToList();
        var stored = events.Select(e => EventHashChain.Serialize(protector.Protect(e))).ToList();
        keys.Destroy("test-study", "alice");

        var live = StudyState.Replay(events);
        var replayed = StudyState.Replay(stored.Select(s => protector.Reveal(EventHashChain.Deserialize(s))));

        Assert.NotNull(StudyState.Replay(events.SkipLast(1)).Assistance.StoryFor(context, "card-bob", "card-alice"));
        Assert.Null(live.Assistance.StoryFor(context, "card-bob", "card-alice"));
        Assert.All(stored, s => Assert.DoesNotContain(Marker, s, StringComparison.Ordinal));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(live.Capture().ToJsonBytes()), System.Text.Encoding.UTF8.GetString(replayed.Capture().ToJsonBytes()));
    }

    [Fact]
    public void A_story_reads_back_while_every_participant_it_quotes_stays()
    {
        var protector = new ParticipantTextProtector(new InMemoryParticipantKeys());
        var item = new VoteItem("i0", new ContextRef("q", "c"), "card-bob", "card-alice", $"Someone moved to {Marker}.") { QuotedParticipants = ["bob", "alice"] };

        var stored = EventHashChain.Serialize(protector.Protect(Drawn("carol", 0, item)));
        var read = (VoteItemsDrawn)protector.Reveal(EventHashChain.Deserialize(stored));

        Assert.DoesNotContain(Marker, stored, StringComparison.Ordinal);
        Assert.Equal(item.Story, Assert.Single(read.Items).Story);
    }

    private static CardSubmitted Card(string participant, string words) =>
        new($"card-{participant}", participant, "q", $"{words} title", $"{words} description", [$"MOMENTS of {words}", "CHOICES that help"])
        { StudyId = "test-study", OccurredAt = T0, Actor = participant };

    private static InterviewMessagePosted Message(string participant, int turn, string words) =>
        Said(participant, turn, InterviewRole.Participant, InterviewStage.Story, words);

    private static IEnumerable<StudyEvent> Journey(string participant, string words) =>
    [
        Joined(participant), Chose(participant), Message(participant, 0, $"Interviewer asks {participant}"), Message(participant, 1, words),
        new CardDraftSaved(participant, "q", $"{words} draft", "d", [words]) { StudyId = "test-study", OccurredAt = T0, Actor = participant },
        Card(participant, words),
        Cast(new WiserThanVote($"v-{participant}", participant, "x", "y", new ContextRef("q", "c"), Verdict.Wiser, $"{words} comment", null, T0)),
    ];
}
