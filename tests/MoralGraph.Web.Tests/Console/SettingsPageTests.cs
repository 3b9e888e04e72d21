using Bunit;
using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using MoralGraph.Web.Components.Pages.Console;

namespace MoralGraph.Web.Tests.Console;

public sealed class SettingsPageTests(ConsoleApp app) : ConsoleComponentTest(app), IClassFixture<ConsoleApp>
{
    [Fact]
    public async Task A_definition_that_does_not_validate_lists_every_problem_with_its_field_and_stores_nothing()
    {
        await App.StudyAsync("settings-invalid");
        var owner = await App.UserAsync("settings-owner", FacilitatorRole.Owner, "settings-invalid");
        var stored = (await App.Log.ReadStudyAsync("settings-invalid")).Count;
        var page = RenderPage<StudySettingsPage>(owner, "settings-invalid");
        page.WaitForElement("[data-testid=definition-yaml]");

        page.Find("textarea[data-testid=definition-yaml]").Input("slug: settings-invalid\ntitle: ''\nvoteDrawSize: 0\nquestions:\n  - id: grief\n    contexts: []\n");
        page.Find("[data-testid=save-definition]").Click();

        page.WaitForAssertion(() => Assert.Equal(
            ["title", "questions[0].prompt", "questions[0].contexts", "voteDrawSize"],
            page.FindAll("[data-testid=problem-field]").Select(f => f.TextContent)));
        Assert.Contains("Not saved: 4 problems to fix.", page.Find("[data-testid=settings-message]").TextContent, StringComparison.Ordinal);
        Assert.Equal(stored, (await App.Log.ReadStudyAsync("settings-invalid")).Count);
    }

    [Fact]
    public async Task A_saved_definition_keeps_the_phase_and_says_the_phase_line_was_not_applied()
    {
        await App.StudyAsync("settings-saved");
        var owner = await App.UserAsync("settings-owner", FacilitatorRole.Owner, "settings-saved");
        var page = RenderPage<StudySettingsPage>(owner, "settings-saved");
        var yaml = page.WaitForElement("textarea[data-testid=definition-yaml]").TextContent;

        page.Find("textarea[data-testid=definition-yaml]").Input(yaml.Replace("title: Live check", "title: Renamed in the console", StringComparison.Ordinal)
            .Replace("phase: interviewing", "phase: closed", StringComparison.Ordinal));
        page.Find("[data-testid=save-definition]").Click();

        page.WaitForAssertion(() => Assert.Equal("The definition is saved.", page.Find("[data-testid=settings-message]").TextContent.Trim()));
        Assert.Equal(["phase"], page.FindAll("[data-testid=problem-field]").Select(f => f.TextContent));
        Assert.Equal("interviewing", page.Find("[data-testid=phase]").TextContent);
        var defined = (await App.EventsAsync("settings-saved")).OfType<StudyDefined>().Last();
        Assert.Equal(("Renamed in the console", "settings-owner"), (defined.Study.Title, defined.Actor));
    }

    [Fact]
    public async Task An_observer_reads_the_definition_without_save_phase_or_announcement_controls()
    {
        await App.StudyAsync("settings-observed");
        var observer = await App.UserAsync("settings-observer", FacilitatorRole.Observer, "settings-observed");

        var page = RenderPage<StudySettingsPage>(observer, "settings-observed");

        var yaml = page.WaitForElement("textarea[data-testid=definition-yaml]");
        Assert.True(yaml.HasAttribute("readonly"));
        Assert.Empty(page.FindAll("[data-testid=save-definition]"));
        Assert.Empty(page.FindAll("[data-testid^=phase-]"));
        Assert.Empty(page.FindAll("[data-testid=announce]"));
    }

    [Fact]
    public async Task A_facilitator_sees_only_later_phases_and_announces()
    {
        await App.StudyAsync("settings-run", Core.Studies.StudyPhase.Interviewing);
        var facilitator = await App.UserAsync("settings-facilitator", FacilitatorRole.Facilitator, "settings-run");
        var page = RenderPage<StudySettingsPage>(facilitator, "settings-run");

        page.WaitForElement("[data-testid=announce]");
        Assert.Equal(["phase-voting", "phase-closed"], page.FindAll("[data-testid^=phase-]").Select(b => b.GetAttribute("data-testid")));
        Assert.Empty(page.FindAll("[data-testid=save-definition]"));
        page.Find("textarea[data-testid=announcement]").Input("Voting opens in five minutes.");
        page.Find("[data-testid=announce]").Click();

        page.WaitForAssertion(() => Assert.Equal("The announcement is sent.", page.Find("[data-testid=settings-message]").TextContent.Trim()));
        Assert.Equal("settings-facilitator", (await App.EventsAsync("settings-run")).OfType<AnnouncementMade>().Single().Actor);
    }
}
