using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Access;

public class AccessChangesTests
{
    private static AccessState With(params IEnumerable<StudyEvent>[] changes) => AccessState.Replay(changes.SelectMany(c => c));

    private static IReadOnlyList<StudyEvent> Owner(AccessState state, string name) =>
        AccessChanges.CreateAccount(state, name, "hash-" + name, AccessLog.AllStudies, FacilitatorRole.Owner, "test", T0);

    [Theory]
    [InlineData(11, false)]
    [InlineData(12, true)]
    [InlineData(13, true)]
    public void A_password_needs_twelve_characters(int length, bool accepted)
    {
        Assert.Equal(accepted, AccessChanges.PasswordProblem(new string('x', length)) is null);
    }

    [Theory]
    [InlineData("ana", true)]
    [InlineData("ana.lee@lab-1_x", true)]
    [InlineData("", false)]
    [InlineData("ana lee", false)]
    [InlineData("ana/../x", false)]
    [InlineData("ané", false)]
    public void A_username_is_letters_digits_and_a_few_marks(string username, bool accepted)
    {
        Assert.Equal(accepted, AccessChanges.UsernameProblem(username) is null);
    }

    [Fact]
    public void A_username_has_at_most_64_characters()
    {
        Assert.Null(AccessChanges.UsernameProblem(new string('a', 64)));
        Assert.NotNull(AccessChanges.UsernameProblem(new string('a', 65)));
    }

    [Fact]
    public void Creating_an_account_records_it_with_its_role_in_the_access_stream()
    {
        var events = AccessChanges.CreateAccount(new AccessState(), "ana", "hash", "s1", FacilitatorRole.Observer, "cli", T0);

        Assert.All(events, e => Assert.Equal((AccessLog.StreamId, "cli", T0), (e.StudyId, e.Actor, e.OccurredAt)));
        Assert.Equal(FacilitatorRole.Observer, AccessState.Replay(events).RoleIn("ana", "s1"));
    }

    [Fact]
    public void A_taken_username_in_any_case_is_refused()
    {
        var state = With(Owner(new AccessState(), "ana"));

        var refused = Assert.Throws<AccessChangeRefusedException>(() => Owner(state, "ANA"));
        Assert.Contains("already", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_owner_can_be_created_once()
    {
        var state = With(AccessChanges.CreateFirstOwner(new AccessState(), "ana", "hash", "setup", T0));
        Assert.True(state.HasOwner);

        Assert.Throws<AccessChangeRefusedException>(() => AccessChanges.CreateFirstOwner(state, "bob", "hash", "setup", T0));
    }

    [Fact]
    public void The_last_owner_of_every_study_can_be_neither_disabled_nor_demoted_until_there_is_another()
    {
        var state = With(Owner(new AccessState(), "ana"));

        Assert.Throws<AccessChangeRefusedException>(() => AccessChanges.Disable(state, "ana", "test", T0));
        Assert.Throws<AccessChangeRefusedException>(() => AccessChanges.Revoke(state, "ana", AccessLog.AllStudies, "test", T0));

        var withTwo = With(Owner(new AccessState(), "ana"), Owner(state, "bob"));
        var disabled = AccessState.Replay([.. Owner(new AccessState(), "ana"), .. Owner(state, "bob"), AccessChanges.Disable(withTwo, "ana", "bob", T0)]);
        Assert.True(disabled.HasOwner);
        Assert.True(disabled.Find("ana")!.Disabled);
    }

    [Fact]
    public void Roles_cannot_be_granted_in_a_reserved_stream_nor_to_a_disabled_account()
    {
        var events = new List<StudyEvent>([.. Owner(new AccessState(), "ana"), .. AccessChanges.CreateAccount(new AccessState(), "bob", "h", "s1", FacilitatorRole.Observer, "ana", T0)]);
        var state = AccessState.Replay(events);

        Assert.Throws<AccessChangeRefusedException>(() => AccessChanges.Grant(state, "bob", AccessLog.StreamId, FacilitatorRole.Owner, "ana", T0));
        events.Add(AccessChanges.Disable(state, "bob", "ana", T0));
        Assert.Throws<AccessChangeRefusedException>(() => AccessChanges.Grant(AccessState.Replay(events), "bob", "s1", FacilitatorRole.Owner, "ana", T0));
    }

    [Fact]
    public void An_api_key_reads_one_named_study_and_is_found_by_its_presented_form_until_revoked()
    {
        Assert.Throws<AccessChangeRefusedException>(() => AccessChanges.IssueApiKey(new AccessState(), AccessLog.AllStudies, "all", "ana", T0));
        Assert.Throws<AccessChangeRefusedException>(() => AccessChanges.IssueApiKey(new AccessState(), "s1", " ", "ana", T0));

        var (issued, presented) = AccessChanges.IssueApiKey(new AccessState(), "s1", " RL team ", "ana", T0);
        var state = AccessState.Replay([issued]);
        Assert.Equal("RL team", issued.Label);
        Assert.DoesNotContain(presented, issued.SecretHash, StringComparison.Ordinal);
        Assert.Equal("s1", state.FindKey(presented)!.Scope);

        state.Apply(AccessChanges.RevokeApiKey(state, issued.KeyId, "ana", T0));
        Assert.Null(state.FindKey(presented));
        Assert.Throws<AccessChangeRefusedException>(() => AccessChanges.RevokeApiKey(state, issued.KeyId, "ana", T0));
        Assert.Throws<AccessChangeRefusedException>(() => AccessChanges.RevokeApiKey(state, "0000000000000000", "ana", T0));
    }
}
