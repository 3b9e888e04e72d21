using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Participation;

namespace MoralGraph.Web.Tests.Participation;

public sealed class JoiningTests : IDisposable
{
    private readonly JourneyStore _store = new();

    [Theory]
    [InlineData(StudyPhase.Draft, "Refused.NotOpen")]
    [InlineData(StudyPhase.Closed, "Refused.Closed")]
    public async Task A_study_that_is_not_open_refuses_to_join_and_stores_nothing(StudyPhase phase, string refusal)
    {
        await _store.WithStudyAsync(JourneyStore.Study(phase));

        await AssertRefusedAsync(refusal, () => _store.Service.JoinAsync(JourneyStore.Slug, null));
    }

    [Theory]
    [InlineData(StudyPhase.Interviewing)]
    [InlineData(StudyPhase.Voting)]
    public async Task An_open_study_takes_a_participant_and_gives_its_only_question(StudyPhase phase)
    {
        await _store.WithStudyAsync(JourneyStore.Study(phase));

        var joined = await _store.Service.JoinAsync(JourneyStore.Slug, null);

        var participant = (await _store.StateAsync()).Participation.Find(joined.ParticipantId);
        Assert.NotNull(participant);
        Assert.Equal(JourneyStore.QuestionId, participant.QuestionId);
        Assert.Equal(ParticipationService.ConsentVersion, Assert.Single(await _store.EventsAsync<ParticipantJoined>()).ConsentVersion);
        Assert.Equal(joined.ParticipantId, await _store.Service.FindByResumeCodeAsync(JourneyStore.Slug, joined.ResumeCode));
    }

    [Fact]
    public async Task A_full_study_refuses_the_next_participant()
    {
        await _store.WithStudyAsync(JourneyStore.Study(capacity: 2));
        await _store.Service.JoinAsync(JourneyStore.Slug, null);
        await _store.Service.JoinAsync(JourneyStore.Slug, null);

        await AssertRefusedAsync("Refused.Full", () => _store.Service.JoinAsync(JourneyStore.Slug, null));
        Assert.Equal(2, (await _store.StateAsync()).Participation.ActiveCount);
    }

    [Fact]
    public async Task A_participant_who_withdraws_frees_their_seat()
    {
        await _store.WithStudyAsync(JourneyStore.Study(capacity: 1));
        var first = await _store.Service.JoinAsync(JourneyStore.Slug, null);
        await AssertRefusedAsync("Refused.Full", () => _store.Service.JoinAsync(JourneyStore.Slug, null));

        await _store.Service.WithdrawAsync(JourneyStore.Slug, first.ParticipantId);
        var second = await _store.Service.JoinAsync(JourneyStore.Slug, null);

        Assert.NotEqual(first.ParticipantId, second.ParticipantId);
    }

    [Fact]
    public async Task Two_people_joining_at_once_for_the_last_seat_do_not_both_get_it()
    {
        await _store.WithStudyAsync(JourneyStore.Study(capacity: 1));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (await _store.Service.JoinAsync(JourneyStore.Slug, null)).ParticipantId;
            }
            catch (JourneyRefusedException e) when (e.MessageKey == "Refused.Full")
            {
                return null;
            }
        })));

        Assert.Single(attempts, a => a is not null);
        Assert.Single(await _store.EventsAsync<ParticipantJoined>());
    }

    [Theory]
    [InlineData(null, "Refused.InviteRequired")]
    [InlineData("   ", "Refused.InviteRequired")]
    [InlineData("AUTUMN-24", "Refused.InviteUnknown")]
    [InlineData("SPRING-2", "Refused.InviteUnknown")]
    public async Task An_invite_only_study_refuses_a_missing_or_wrong_code(string? code, string refusal)
    {
        await _store.WithStudyAsync(JourneyStore.Study(invites: new InviteCode("SPRING-24")));

        await AssertRefusedAsync(refusal, () => _store.Service.JoinAsync(JourneyStore.Slug, code));
    }

    [Fact]
    public async Task An_invite_code_is_taken_whatever_its_case_and_spaces_and_recorded_as_the_study_spells_it()
    {
        await _store.WithStudyAsync(JourneyStore.Study(invites: new InviteCode("SPRING-24")));

        await _store.Service.JoinAsync(JourneyStore.Slug, " spring-24 ");

        Assert.Equal("SPRING-24", Assert.Single(await _store.EventsAsync<ParticipantJoined>()).InviteCode);
    }

    [Fact]
    public async Task An_invite_used_up_refuses_the_next_participant_while_another_invite_still_admits()
    {
        await _store.WithStudyAsync(JourneyStore.Study(invites: [new InviteCode("SPRING-24", Capacity: 1), new InviteCode("SUMMER-24")]));
        await _store.Service.JoinAsync(JourneyStore.Slug, "SPRING-24");

        await AssertRefusedAsync("Refused.InviteFull", () => _store.Service.JoinAsync(JourneyStore.Slug, "spring-24"));

        await _store.Service.JoinAsync(JourneyStore.Slug, "SUMMER-24");
        Assert.Equal(2, (await _store.StateAsync()).Participation.ActiveCount);
    }

    [Fact]
    public async Task An_unknown_study_refuses_to_join()
    {
        await AssertRefusedAsync("Refused.UnknownStudy", () => _store.Service.JoinAsync("no-such-study", null));
    }

    [Fact]
    public async Task A_resume_code_typed_in_lower_case_with_spaces_finds_the_participant()
    {
        await _store.WithStudyAsync(JourneyStore.Study());
        var joined = await _store.Service.JoinAsync(JourneyStore.Slug, null);

        var typed = " " + joined.ResumeCode.ToLowerInvariant().Replace('-', ' ') + " ";

        Assert.Equal(joined.ParticipantId, await _store.Service.FindByResumeCodeAsync(JourneyStore.Slug, typed));
    }

    [Fact]
    public async Task A_wrong_resume_code_finds_no_one_and_a_withdrawn_participant_cannot_resume()
    {
        await _store.WithStudyAsync(JourneyStore.Study());
        var joined = await _store.Service.JoinAsync(JourneyStore.Slug, null);

        Assert.Null(await _store.Service.FindByResumeCodeAsync(JourneyStore.Slug, "ABCDE-FGHJK"));
        Assert.Null(await _store.Service.FindByResumeCodeAsync(JourneyStore.Slug, "not a code"));
        await _store.Service.WithdrawAsync(JourneyStore.Slug, joined.ParticipantId);
        Assert.Null(await _store.Service.FindByResumeCodeAsync(JourneyStore.Slug, joined.ResumeCode));
    }

    public void Dispose() => _store.Dispose();

    private async Task AssertRefusedAsync(string refusal, Func<Task> join)
    {
        var before = (await _store.EventsAsync()).Count;

        var refused = await Assert.ThrowsAsync<JourneyRefusedException>(join);

        Assert.Equal(refusal, refused.MessageKey);
        Assert.Equal(before, (await _store.EventsAsync()).Count);
    }
}
