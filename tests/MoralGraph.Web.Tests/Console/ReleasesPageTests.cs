using Bunit;
using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.Console;

public sealed class ReleasesPageTests(ConsoleApp app) : ConsoleComponentTest(app), IClassFixture<ConsoleApp>
{
    [Fact]
    public async Task A_facilitator_publishes_releases_and_compares_one_with_the_live_graph()
    {
        var script = await App.StudyAsync("releases-page", Core.Studies.StudyPhase.Voting);
        var comforting = StudyScript.GriefComforting;
        await App.AppendAsync([.. Enumerable.Range(0, 3).Select(i => script.Vote($"v{i}", script.Value(0), script.Value(1), comforting))]);
        var facilitator = await App.UserAsync("release-facilitator", FacilitatorRole.Facilitator, script.Slug);

        var page = RenderPage<StudyReleasesPage>(facilitator, script.Slug);
        page.WaitForElement("[data-testid=no-release]", TimeSpan.FromSeconds(30));
        page.Find("input[data-testid=note]").Change("First round");
        page.Find("[data-testid=publish]").Click();
        page.WaitForElement("[data-testid=release]", TimeSpan.FromSeconds(30));

        var released = (await App.EventsAsync(script.Slug)).OfType<SpecReleased>().Single();
        Assert.Equal(("v1", "First round", "release-facilitator"), (released.ReleaseId, released.Note, released.Actor));
        Assert.Contains("v1", page.Find("[data-testid=release]").TextContent, StringComparison.Ordinal);

        await App.AppendAsync([.. Enumerable.Range(0, 5).Select(i => script.Vote($"w{i}", script.Value(1), script.Value(2), comforting))]);
        page.Find("[data-testid=compare]").Click();
        page.WaitForElement("[data-testid=diff]", TimeSpan.FromSeconds(30));
        Assert.Contains("v1 → live: ", page.Find("[data-testid=summary]").TextContent, StringComparison.Ordinal);
        Assert.Contains("5 votes", page.Find("[data-testid=summary]").TextContent, StringComparison.Ordinal);
        Assert.StartsWith("# Spec diff: v1 → ", page.Find("[data-testid=diff]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_observer_sees_releases_but_no_publish_form_and_may_not_publish()
    {
        var script = await App.StudyAsync("releases-observed", Core.Studies.StudyPhase.Voting);
        var observer = await App.UserAsync("release-observer", FacilitatorRole.Observer, script.Slug);

        var page = RenderPage<StudyReleasesPage>(observer, script.Slug);
        page.WaitForElement("[data-testid=no-release]", TimeSpan.FromSeconds(30));

        Assert.Empty(page.FindAll("[data-testid=publish]"));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => App.Get<ReleaseConsole>().PublishAsync(observer, script.Slug, "no", "default"));
    }
}
