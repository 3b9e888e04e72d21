using Bunit;
using MoralGraph.Core.Access;
using MoralGraph.Web.Access;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;

namespace MoralGraph.Web.Tests.Console;

public sealed class AccessAdministrationTests(ConsoleApp app) : ConsoleComponentTest(app), IClassFixture<ConsoleApp>
{
    private AccessAdministration Access => App.Get<AccessAdministration>();

    [Fact]
    public async Task An_owner_of_one_study_manages_roles_and_keys_there_and_nowhere_else()
    {
        await App.StudyAsync("owned-study");
        await App.StudyAsync("not-owned-study");
        var owner = await App.UserAsync("owen-owner", FacilitatorRole.Owner, "owned-study");

        await Access.CreateAccountAsync(owner, "new-observer", "correct horse battery staple", "owned-study", FacilitatorRole.Observer);
        await Access.GrantAsync(owner, "new-observer", "owned-study", FacilitatorRole.Facilitator);
        var key = await Access.IssueApiKeyAsync(owner, "owned-study", "nightly training run");
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Access.GrantAsync(owner, "new-observer", "not-owned-study", FacilitatorRole.Observer));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Access.GrantAsync(owner, "new-observer", AccessLog.AllStudies, FacilitatorRole.Observer));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Access.IssueApiKeyAsync(owner, "not-owned-study", "sneaky"));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Access.DisableAsync(owner, "new-observer"));

        var view = await Access.ViewAsync(owner);
        Assert.False(view.IsAdministrator);
        Assert.Equal(["owned-study"], view.Scopes);
        Assert.Equal(FacilitatorRole.Facilitator, view.Accounts.Single(a => a.Username == "new-observer").Roles["owned-study"]);
        Assert.DoesNotContain(view.Accounts, a => a.Username == ConsoleApp.Administrator);
        var issued = Assert.Single(view.ApiKeys);
        Assert.Equal(("nightly training run", "owen-owner", "owned-study"), (issued.Label, issued.IssuedBy, issued.Scope));
        Assert.StartsWith($"mgk_{issued.KeyId}_", key, StringComparison.Ordinal);

        await Access.RevokeApiKeyAsync(owner, issued.KeyId);
        await Access.RevokeAsync(owner, "new-observer", "owned-study");
        Assert.Null((await App.Get<AccessDirectory>().GetStateAsync()).FindKey(key));
        Assert.Null((await App.Get<AccessDirectory>().GetStateAsync()).RoleIn("new-observer", "owned-study"));
    }

    [Fact]
    public async Task Observers_and_facilitators_may_not_open_access_at_all()
    {
        await App.StudyAsync("access-closed");
        var observer = await App.UserAsync("access-observer", FacilitatorRole.Observer, "access-closed");
        var facilitator = await App.UserAsync("access-facilitator", FacilitatorRole.Facilitator, "access-closed");

        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Access.ViewAsync(observer));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Access.ViewAsync(facilitator));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Access.CreateAccountAsync(facilitator, "made-up", "correct horse battery staple", "access-closed", FacilitatorRole.Owner));
        Assert.Null((await App.Get<AccessDirectory>().GetStateAsync()).Find("made-up"));
    }

    [Fact]
    public async Task An_issued_key_is_shown_once_with_a_copy_button_and_then_only_listed()
    {
        await App.StudyAsync("keys-shown");
        var admin = await App.AdministratorAsync();
        var page = RenderPage<AccessPage>(admin);
        page.WaitForElement("[data-testid=issue-key]");

        var study = page.FindComponents<MudBlazor.MudSelect<string>>().Single(s => s.Instance.Label == "Study it reads");
        await page.InvokeAsync(() => study.Instance.ValueChanged.InvokeAsync("keys-shown"));
        page.Find("input[data-testid=key-label]").Change("evaluation harness");
        page.Find("[data-testid=issue-key]").Click();

        var shown = page.WaitForElement("[data-testid=issued-key-value]").TextContent;
        Assert.StartsWith("mgk_", shown, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[aria-label='Copy the key']"));
        Assert.NotNull((await App.Get<AccessDirectory>().GetStateAsync()).FindKey(shown));
        var listed = page.FindAll("[data-testid=api-key]").Single(row => row.TextContent.Contains("evaluation harness", StringComparison.Ordinal));
        Assert.Contains(ConsoleApp.Administrator, listed.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(shown, listed.TextContent, StringComparison.Ordinal);

        var reopened = RenderPage<AccessPage>(admin);
        reopened.WaitForElement("[data-testid=api-keys]");
        Assert.Empty(reopened.FindAll("[data-testid=issued-key]"));
        Assert.DoesNotContain(shown, reopened.Markup, StringComparison.Ordinal);
    }
}
