using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Components;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.Console;

/// <summary>The moderation page and the role checks behind it, over the whole app with facilitators signed in as the cookie signs them in.</summary>
public sealed class StudyModerationTests : BunitTestContext, IClassFixture<ConsoleApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ConsoleApp _app;

    public StudyModerationTests(ConsoleApp app)
    {
        _app = app;
        Services.AddScoped(services => new ModerationPageState(app.Get<StudyModeration>(), services.GetRequiredService<IStringLocalizer<ConsoleText>>()));
        Services.AddSingleton(app.Get<StudyDashboards>());
        Services.AddSingleton(app.Get<ContextProposals>());
    }

    private StudyModeration Moderation => _app.Get<StudyModeration>();

    [Fact]
    public async Task An_observer_cannot_hide_a_card_and_nothing_is_stored()
    {
        var script = await StudyWithCardAsync("moderation-observer");
        var observer = await _app.UserAsync("olga-observer", FacilitatorRole.Observer, script.Slug);
        var before = (await _app.EventsAsync(script.Slug)).Count;

        var refused = await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Moderation.HideCardAsync(observer, script.Slug, "card-p1", "off topic"));

        Assert.Contains("facilitator role", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, (await _app.EventsAsync(script.Slug)).Count);
    }

    [Fact]
    public async Task A_facilitator_of_another_study_cannot_hide_here()
    {
        var script = await StudyWithCardAsync("moderation-elsewhere");
        var stranger = await _app.UserAsync("fred-elsewhere", FacilitatorRole.Facilitator, "another-study");

        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Moderation.HideCardAsync(stranger, script.Slug, "card-p1", "off topic"));

        Assert.DoesNotContain(await _app.EventsAsync(script.Slug), e => e is CardHidden);
    }

    [Fact]
    public async Task A_facilitator_hides_a_card_as_themselves_with_the_reason()
    {
        var script = await StudyWithCardAsync("moderation-facilitator");
        var facilitator = await _app.UserAsync("fay-facilitator", FacilitatorRole.Facilitator, script.Slug);

        await Moderation.HideCardAsync(facilitator, script.Slug, "card-p1", "  names a real person ");

        var hidden = Assert.IsType<CardHidden>((await _app.EventsAsync(script.Slug))[^1]);
        Assert.Equal(("card-p1", "names a real person", "fay-facilitator"), (hidden.CardId, hidden.Reason, hidden.Actor));
        var view = await Moderation.ViewAsync(facilitator, script.Slug);
        Assert.Equal("names a real person", Assert.Single(view!.Cards).HiddenReason);
    }

    [Fact]
    public async Task A_corrected_card_keeps_its_original_and_the_page_shows_both()
    {
        var script = await StudyWithCardAsync("moderation-edit");
        var facilitator = await _app.UserAsync("fay-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var page = RenderPage(facilitator, script.Slug);
        var state = Services.GetRequiredService<ModerationPageState>();

        await page.InvokeAsync(() => state.StartEdit(state.View!.Cards[0]));
        state.EditTitle = "Card of p1, corrected";
        state.EditPolicies = "MOMENTS when she wants to talk\nFEELINGS she has not named yet\nSIGNS that she wants company";
        state.Reasons["card-p1"] = "typo";
        await page.InvokeAsync(() => state.SaveEditAsync(facilitator));

        Assert.False(state.Failed, state.Message);
        page.Render();
        page.WaitForAssertion(() =>
        {
            var card = page.Find("[data-testid=moderation-card]");
            Assert.Equal("Card of p1, corrected", card.QuerySelector("[data-testid=moderation-card-title]")!.TextContent.Trim());
            Assert.Contains("Card of p1", card.QuerySelector("[data-testid=card-original]")!.TextContent, StringComparison.Ordinal);
        }, Patience);
        var edited = Assert.IsType<CardEdited>((await _app.EventsAsync(script.Slug))[^1]);
        Assert.Equal("fay-facilitator", edited.Actor);
    }

    [Fact]
    public async Task A_hide_without_a_reason_is_refused_inline_and_the_filters_find_hidden_and_flagged_cards()
    {
        var script = await StudyWithCardAsync("moderation-page");
        await _app.AppendAsync(script.Join("p2"), script.Choose("p2"), script.Card("p2", "card-p2", "Card of p2"), script.Flag("card-p2"));
        var facilitator = await _app.UserAsync("fay-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var page = RenderPage(facilitator, script.Slug);

        // Found and clicked in one dispatch: the live feed of the events just appended may re-render the page in between.
        await page.InvokeAsync(() => page.Find("[data-card-id=card-p1] [data-testid=hide-card]").Click());
        // Said beside the card acted on, not at the top of a long page.
        page.WaitForAssertion(() => Assert.Contains("Give a reason", page.Find("[data-card-id=card-p1] [data-testid=moderation-message]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Single(page.FindAll("[data-testid=moderation-message]"));
        Assert.DoesNotContain(await _app.EventsAsync(script.Slug), e => e is CardHidden);

        page.Find("[data-card-id=card-p1] input[data-testid=card-reason]").Input("off topic");
        page.Find("[data-card-id=card-p1] [data-testid=hide-card]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-card-id=card-p1] [data-testid=card-hidden]")), Patience);

        page.Find("[data-testid=filter-hidden]").Click();
        page.WaitForAssertion(() => Assert.Equal(["card-p1"], ListedCards(page)), Patience);
        page.Find("[data-testid=filter-flagged]").Click();
        page.WaitForAssertion(() => Assert.Equal(["card-p2"], ListedCards(page)), Patience);
    }

    [Fact]
    public async Task A_hidden_card_is_restored_without_a_reason_and_the_audit_says_who_brought_it_back()
    {
        var script = await StudyWithCardAsync("moderation-restore");
        await _app.AppendAsync(script.Hide("card-p1"));
        var facilitator = await _app.UserAsync("rae-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var page = RenderPage(facilitator, script.Slug);

        await page.InvokeAsync(() => page.Find("[data-card-id=card-p1] [data-testid=restore-card]").Click());

        page.WaitForAssertion(() => Assert.Contains("back in play", page.Find("[data-card-id=card-p1] [data-testid=moderation-message]").TextContent, StringComparison.Ordinal), Patience);
        var restored = Assert.Single((await _app.EventsAsync(script.Slug)).OfType<CardRestored>());
        Assert.Equal(("card-p1", ModerationService.RestoredWithoutReason, "rae-facilitator"), (restored.CardId, restored.Reason, restored.Actor));
    }

    [Fact]
    public async Task A_card_the_model_flagged_is_listed_as_held_with_its_reason_until_a_facilitator_clears_it_and_its_author_reads_under_review()
    {
        var script = await StudyWithCardAsync("moderation-held");
        await _app.AppendAsync(script.Join("p2"), script.Choose("p2"), script.Card("p2", "card-p2", "Card of p2"), script.ModelFlag("card-p2", ModerationCategories.Abuse, "it insults a person"));
        var facilitator = await _app.UserAsync("fay-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var journey = _app.Get<MoralGraph.Web.Participation.ParticipationService>();
        Assert.True((await journey.MyValueAsync(script.Slug, "p2"))!.UnderReview);
        Assert.False((await journey.MyValueAsync(script.Slug, "p1"))!.UnderReview);
        var page = RenderPage(facilitator, script.Slug);

        page.Find("[data-testid=filter-held]").Click();
        page.WaitForAssertion(() => Assert.Equal(["card-p2"], ListedCards(page)), Patience);
        Assert.Contains("Model moderation, abuse: it insults a person", page.Find("[data-card-id=card-p2] [data-testid=card-held]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain((await Moderation.ViewAsync(facilitator, script.Slug))!.Values, v => v.ValueId == "card-p2");

        await page.InvokeAsync(() => page.Find("[data-card-id=card-p2] [data-testid=clear-flag]").Click());

        page.WaitForAssertion(() => Assert.Empty(ListedCards(page)), Patience);
        var view = (await Moderation.ViewAsync(facilitator, script.Slug))!;
        Assert.False(view.Cards.Single(c => c.CardId == "card-p2").IsHeld);
        Assert.Contains(view.Values, v => v.ValueId == "card-p2");
        Assert.False((await journey.MyValueAsync(script.Slug, "p2"))!.UnderReview);
        Assert.Equal("fay-facilitator", Assert.IsType<CardFlagCleared>((await _app.EventsAsync(script.Slug))[^1]).Actor);
    }

    [Fact]
    public async Task A_cleared_personal_data_flag_keeps_the_card_held_until_its_text_is_corrected()
    {
        var script = await StudyWithCardAsync("moderation-personal-data");
        await _app.AppendAsync(script.ModelFlag("card-p1", ModerationCategories.PersonalData));
        var facilitator = await _app.UserAsync("fay-facilitator", FacilitatorRole.Facilitator, script.Slug);

        await Moderation.ClearFlagAsync(facilitator, script.Slug, "card-p1");

        var card = (await Moderation.ViewAsync(facilitator, script.Slug))!.Cards.Single();
        Assert.True(card is { IsFlagged: false, Hold.AwaitsCorrection: true });
        var page = RenderPage(facilitator, script.Slug);
        Assert.Contains("Held until its text is corrected", page.Find("[data-card-id=card-p1] [data-testid=card-held]").TextContent, StringComparison.Ordinal);

        var problems = await Moderation.EditCardAsync(facilitator, script.Slug, "card-p1",
            new MoralGraph.Core.Interview.CardDraft("Card of p1", "Without the phone number.", ["MOMENTS when she wants to talk", "FEELINGS she has not named yet", "SIGNS that she wants company"]),
            "removed a phone number");

        Assert.Empty(problems);
        var released = (await Moderation.ViewAsync(facilitator, script.Slug))!;
        Assert.False(released.Cards.Single().IsHeld);
        Assert.Contains(released.Values, v => v.ValueId == "card-p1");
    }

    [Fact]
    public async Task An_observer_reads_the_cards_without_any_action()
    {
        var script = await StudyWithCardAsync("moderation-read-only");
        var observer = await _app.UserAsync("olga-observer", FacilitatorRole.Observer, script.Slug);

        var page = RenderPage(observer, script.Slug);

        Assert.Single(page.FindAll("[data-testid=moderation-card]"));
        Assert.Empty(page.FindAll("[data-testid=hide-card]"));
        Assert.Empty(page.FindAll("[data-testid=run-dedup]"));
        Assert.Empty(page.FindAll("[data-testid=moderation-announce]"));
    }

    private static List<string?> ListedCards(IRenderedComponent<StudyModerationPage> page) =>
        [.. page.FindAll("[data-testid=moderation-card]").Select(c => c.GetAttribute("data-card-id"))];

    private IRenderedComponent<StudyModerationPage> RenderPage(System.Security.Claims.ClaimsPrincipal user, string slug)
    {
        var page = Render<StudyModerationPage>(parameters =>
        {
            parameters.Add(p => p.Slug, slug);
            parameters.AddCascadingValue(Task.FromResult(new AuthenticationState(user)));
        });
        // The stories and contexts panel reads the same study, so the page's own read may finish a moment after the first render.
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=moderation-card], [data-testid=no-moderation-cards]")), Patience);
        return page;
    }

    private async Task<StudyScript> StudyWithCardAsync(string slug)
    {
        var script = new StudyScript(slug);
        if ((await _app.Log.ReadStudyAsync(slug)).Count == 0)
        {
            await _app.StudyAsync(slug);
            await _app.AppendAsync(script.Join("p1"), script.Choose("p1"), script.Card("p1", "card-p1", "Card of p1"));
        }

        return script;
    }
}
