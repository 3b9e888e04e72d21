using Bunit;
using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Tests.Live;
using MudBlazor;

namespace MoralGraph.Web.Tests.Console;

public sealed class AuditPageTests(ConsoleApp app) : ConsoleComponentTest(app), IClassFixture<ConsoleApp>
{
    private const string HiddenTitle = "Tell her to move on";

    /// <summary>A study with participants' events and every kind of moderation, by a facilitator named fay.</summary>
    private async Task<(StudyScript Script, int Events)> ScriptedStudyAsync(string slug)
    {
        var script = await App.StudyAsync(slug);
        var facilitator = await App.UserAsync("fay", FacilitatorRole.Facilitator, slug);
        await App.AppendAsync(
            script.Join("p1"), script.Choose("p1"), script.Card("p1", "card-1", "Gentle presence"),
            script.Join("p2"), script.Choose("p2"), script.Card("p2", "card-2", HiddenTitle),
            script.Vote("p1", script.Value(0), script.Value(1), StudyScript.GriefComforting));
        var moderation = App.Get<ModerationService>();
        await moderation.FlagCardAsync(slug, "card-2", "reads as dismissive", "fay");
        await moderation.HideCardAsync(slug, "card-2", "dismissive of grief", "fay");
        await App.Get<StudyAdministration>().AnnounceAsync(facilitator, slug, "Voting opens soon.");
        await App.Get<StudyAdministration>().ChangePhaseAsync(facilitator, slug, StudyPhase.Voting);
        return (script, (await App.Log.ReadStudyAsync(slug)).Count);
    }

    [Fact]
    public async Task The_moderation_group_actor_and_text_filters_narrow_the_table_and_a_hidden_cards_text_never_shows()
    {
        var (_, total) = await ScriptedStudyAsync("audit-filters");
        var observer = await App.UserAsync("audit-observer", FacilitatorRole.Observer, "audit-filters");
        var page = RenderPage<StudyAuditPage>(observer, "audit-filters");
        page.WaitForAssertion(() => Assert.Equal($"{total} of this study's {total} events", page.Find("[data-testid=audit-count]").TextContent));
        Assert.DoesNotContain(HiddenTitle, page.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("card card-2 by p2 on grief (text withheld)", Summaries(page));

        var types = page.FindComponent<MudSelect<string>>();
        await page.InvokeAsync(() => types.Instance.SelectedValuesChanged.InvokeAsync([AuditEventTypes.ModerationGroup]));

        page.WaitForAssertion(() => Assert.Equal(
            ["phase → voting", "announcement: Voting opens soon.", "card card-2 hidden: dismissive of grief", "card card-2 flagged: reads as dismissive"],
            Summaries(page)));

        var actor = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Actor");
        await page.InvokeAsync(() => types.Instance.SelectedValuesChanged.InvokeAsync([]));
        await page.InvokeAsync(() => actor.Instance.ValueChanged.InvokeAsync("p1"));
        page.WaitForAssertion(() => Assert.Equal(4, Summaries(page).Count));

        var search = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Search");
        await page.InvokeAsync(() => actor.Instance.ValueChanged.InvokeAsync(null));
        await page.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync("move on"));
        page.WaitForAssertion(() => Assert.Equal($"0 of this study's {total} events", page.Find("[data-testid=audit-count]").TextContent));
    }

    [Fact]
    public async Task A_day_range_keeps_the_events_of_those_days_and_verify_reports_the_head()
    {
        var (_, total) = await ScriptedStudyAsync("audit-days");
        var observer = await App.UserAsync("audit-observer", FacilitatorRole.Observer, "audit-days");
        var page = RenderPage<StudyAuditPage>(observer, "audit-days");
        page.WaitForAssertion(() => Assert.Equal($"{total} of this study's {total} events", page.Find("[data-testid=audit-count]").TextContent));

        // The participants' events are stamped on the script's day, 2026-11-02; the definition and moderation when the test runs.
        var scriptDay = new DateTime(2026, 11, 2);
        var onScriptDay = (await App.EventsAsync("audit-days")).Count(e => e.OccurredAt.UtcDateTime.Date == scriptDay);
        var days = page.FindComponent<MudDateRangePicker>();
        await page.InvokeAsync(() => days.Instance.DateRangeChanged.InvokeAsync(new DateRange(scriptDay, scriptDay)));
        page.WaitForAssertion(() => Assert.Equal($"{onScriptDay} of this study's {total} events", page.Find("[data-testid=audit-count]").TextContent));
        Assert.True(onScriptDay >= 7);

        page.Find("[data-testid=verify]").Click();
        var head = await App.Log.VerifyAsync();

        // The chain's count is the whole store's and the table's is this study's: each says which it is.
        page.WaitForAssertion(() => Assert.Contains($"The audit log of the whole store is intact: {head.EventCount} events of every study", page.Find("[data-testid=verification]").TextContent, StringComparison.Ordinal));
        Assert.Contains($"Head: {head.EventCount}:{head.HeadHash}", page.Find("[data-testid=verification]").TextContent, StringComparison.Ordinal);
    }

    private static List<string> Summaries(IRenderedComponent<StudyAuditPage> page) =>
        [.. page.FindAll("[data-testid=audit-summary]").Select(cell => cell.TextContent.Trim())];
}
