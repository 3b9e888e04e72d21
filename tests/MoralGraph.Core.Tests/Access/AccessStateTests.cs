using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Access;

public class AccessStateTests
{
    private static T At<T>(T accessEvent, string actor = "owner", int minute = 0)
        where T : StudyEvent => accessEvent with { StudyId = AccessLog.StreamId, OccurredAt = T0.AddMinutes(minute), Actor = actor };

    private static FacilitatorAccountCreated Account(string name) => At(new FacilitatorAccountCreated(name, "hash") { StudyId = "", OccurredAt = default, Actor = "" });

    private static FacilitatorRoleGranted Grant(string name, string scope, FacilitatorRole role) =>
        At(new FacilitatorRoleGranted(name, scope, role) { StudyId = "", OccurredAt = default, Actor = "" });

    [Fact]
    public void A_role_in_every_study_and_a_role_in_one_study_combine_to_the_stronger()
    {
        var state = AccessState.Replay([Account("Ana"), Grant("ana", AccessLog.AllStudies, FacilitatorRole.Observer), Grant("ana", "s1", FacilitatorRole.Facilitator)]);

        Assert.Equal(FacilitatorRole.Facilitator, state.RoleIn("ANA", "s1"));
        Assert.Equal(FacilitatorRole.Observer, state.RoleIn("ana", "s2"));
        Assert.Null(state.RoleIn("bob", "s1"));
        Assert.False(state.HasOwner);
    }

    [Fact]
    public void Revoked_roles_and_disabled_accounts_give_no_access()
    {
        var state = AccessState.Replay([
            Account("ana"), Grant("ana", AccessLog.AllStudies, FacilitatorRole.Owner), Account("bob"), Grant("bob", "s1", FacilitatorRole.Facilitator),
            At(new FacilitatorRoleRevoked("bob", "s1") { StudyId = "", OccurredAt = default, Actor = "" }),
        ]);
        Assert.True(state.HasOwner);
        Assert.Null(state.RoleIn("bob", "s1"));

        state.Apply(At(new FacilitatorAccountDisabled("ana") { StudyId = "", OccurredAt = default, Actor = "" }));
        Assert.Null(state.RoleIn("ana", "s1"));
        Assert.False(state.HasOwner);
    }

    [Fact]
    public void An_api_key_works_for_its_study_until_revoked_and_a_wrong_secret_never_does()
    {
        var (keyId, presented, hash) = ApiKeySecrets.Create();
        var state = AccessState.Replay([At(new ApiKeyIssued(keyId, "s1", hash, "nightly") { StudyId = "", OccurredAt = default, Actor = "" })]);

        Assert.Equal("s1", state.FindKey(presented)!.Scope);
        Assert.Null(state.FindKey(presented[..^2] + "xx"));
        Assert.Null(state.FindKey("mgk_" + keyId));
        Assert.Null(state.FindKey("Bearer " + presented));
        Assert.DoesNotContain(presented.Split('_')[2], string.Join(",", state.ApiKeys.Select(k => k.SecretHash)));

        state.Apply(At(new ApiKeyRevoked(keyId) { StudyId = "", OccurredAt = default, Actor = "" }));
        Assert.Null(state.FindKey(presented));
    }

    [Fact]
    public void The_access_stream_can_never_be_a_study()
    {
        Assert.True(AccessLog.IsReserved(AccessLog.StreamId));
        Assert.Contains(MoralGraph.Core.Studies.Study.Validate(AccessLog.StreamId, "t", [], ["en"], 4), p => p.Field == "slug");
    }
}
