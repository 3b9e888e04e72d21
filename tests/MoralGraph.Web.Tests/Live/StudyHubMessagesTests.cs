using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Participation;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Tests.Live;

public sealed class StudyHubMessagesTests
{
    private readonly StudyScript _script = new();

    [Fact]
    public void A_card_in_play_is_announced_with_its_title_and_a_hidden_one_without()
    {
        var card = Recorded(_script.Card("p1", "card-1", "Quiet presence"));

        var inPlay = StudyHubMessages.For(card, _ => false);
        var hidden = StudyHubMessages.For(card, id => id == "card-1");

        Assert.Equal(("card-submitted", "Card submitted by p1: “Quiet presence”"), (inPlay.Type, inPlay.Summary));
        Assert.DoesNotContain("Quiet presence", hidden.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void What_participants_type_elsewhere_and_moderation_reasons_are_never_sent()
    {
        var secret = "my father's name was Tom";
        var events = new StudyEvent[]
        {
            new InterviewMessagePosted("p1", StudyScript.Grief, new InterviewMessage(1, InterviewRole.Participant, secret, InterviewStage.Story)) { StudyId = _script.Slug, OccurredAt = default, Actor = "p1" },
            new CardDraftSaved("p1", StudyScript.Grief, secret, secret, [secret]) { StudyId = _script.Slug, OccurredAt = default, Actor = "p1" },
            new VoteCast(new WiserThanVote("v1", "p1", "a", "b", StudyScript.GriefComforting, Verdict.Wiser, secret, secret, default)) { StudyId = _script.Slug, OccurredAt = default, Actor = "p1" },
            new CardEdited("card-1", secret, secret, [secret], secret) { StudyId = _script.Slug, OccurredAt = default, Actor = "facilitator" },
            new CardHidden("card-1", secret) { StudyId = _script.Slug, OccurredAt = default, Actor = "facilitator" },
            new CardFlagged("card-1", secret) { StudyId = _script.Slug, OccurredAt = default, Actor = "facilitator" },
        };

        Assert.All(events, e => Assert.DoesNotContain(secret, StudyHubMessages.For(Recorded(e), _ => false).Summary, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_event_type_has_its_stored_name()
    {
        Assert.Equal("vote-cast", StudyHubMessages.TypeName(_script.Vote("p1", "a", "b", StudyScript.GriefComforting)));
        Assert.Equal("participant-joined", StudyHubMessages.TypeName(_script.Join("p1")));
    }

    [Fact]
    public void Presence_names_steps_as_words()
    {
        var message = LivePresenceMessage.From(new StudyPresence(_script.Slug, 3, 4, new Dictionary<JourneyStep, int> { [JourneyStep.Voting] = 2, [JourneyStep.Consent] = 1 }));

        Assert.Equal(new Dictionary<string, int> { ["voting"] = 2, ["consent"] = 1 }, message.ByStep);
    }

    private static RecordedEvent Recorded(StudyEvent studyEvent) => new(42, studyEvent, "{}", new string('0', 64), new string('1', 64));
}
