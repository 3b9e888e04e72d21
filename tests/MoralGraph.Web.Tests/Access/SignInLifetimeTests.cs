using System.Net;
using MoralGraph.Core.Access;

namespace MoralGraph.Web.Tests.Access;

/// <summary>What ends an existing sign-in: the account disabled, its password changed, its role revoked.</summary>
public sealed class SignInLifetimeTests(AccessAppFixture app) : IClassFixture<AccessAppFixture>
{
    private static readonly string Export = $"/api/studies/{AccessAppFixture.StudySlug}/export?format=md";

    [Fact]
    public async Task Disabling_an_account_ends_its_existing_sign_in()
    {
        await app.Factory.CreateFacilitatorAsync("to-disable", FacilitatorRole.Observer, AccessAppFixture.StudySlug);
        using var client = await app.Factory.SignedInClientAsync("to-disable", AccessTestClients.Password);
        using (var before = await client.GetAsync(Export))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await app.Factory.Access().DisableAsync("to-disable", AccessTestClients.OwnerName);

        using var after = await client.GetAsync(Export);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var signInAgain = await client.PostSignInAsync("to-disable", AccessTestClients.Password);
        Assert.Contains("problem=failed", signInAgain.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_password_ends_sign_ins_made_with_the_old_one()
    {
        await app.Factory.CreateFacilitatorAsync("to-rekey", FacilitatorRole.Observer, AccessAppFixture.StudySlug);
        using var client = await app.Factory.SignedInClientAsync("to-rekey", AccessTestClients.Password);

        await app.Factory.Access().SetPasswordAsync("to-rekey", "a brand new password", "to-rekey");

        using var after = await client.GetAsync(Export);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var again = await app.Factory.SignedInClientAsync("to-rekey", "a brand new password");
        using var export = await again.GetAsync(Export);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
    }

    [Fact]
    public async Task A_revoked_role_applies_to_the_next_request()
    {
        await app.Factory.CreateFacilitatorAsync("to-revoke", FacilitatorRole.Observer, AccessAppFixture.StudySlug);
        using var client = await app.Factory.SignedInClientAsync("to-revoke", AccessTestClients.Password);

        await app.Factory.Access().RevokeAsync("to-revoke", AccessAppFixture.StudySlug, AccessTestClients.OwnerName);

        using var after = await client.GetAsync(Export);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }
}
