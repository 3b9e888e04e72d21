using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Access;
using MoralGraph.Core.Assistance;
using MoralGraph.LanguageModels.Contexts;
using MoralGraph.Web.Components.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Components;

namespace MoralGraph.Web.Tests.Console;

public sealed class AssistedContentPanelTests : BunitTestContext, IClassFixture<ConsoleApp>
{
    private readonly ConsoleApp _app;

    public AssistedContentPanelTests(ConsoleApp app)
    {
        _app = app;
        Services.AddSingleton(app.Get<StudyDashboards>());
        Services.AddSingleton(app.Get<ContextProposals>());
    }

    [Fact]
    public async Task Without_a_model_proposals_still_list_and_can_be_rejected_but_nothing_can_be_started()
    {
        var script = await _app.StudyAsync("panel-without-model");
        var facilitator = await _app.UserAsync("fiona-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var text = "When the user has already decided";
        await _app.AppendAsync(new ContextProposed(ContextText.ProposalIdFor("grief", text), "grief", text, "transcript:p-4")
            { StudyId = script.Slug, OccurredAt = DateTimeOffset.UtcNow, Actor = "model" });

        var panel = Render<AssistedContentPanel>(parameters => parameters.Add(p => p.Slug, script.Slug)
            .AddCascadingValue(Task.FromResult(new AuthenticationState(facilitator))));

        Assert.Empty(panel.FindAll("[data-testid=write-stories]"));
        Assert.Empty(panel.FindAll("[data-testid=propose-contexts]"));
        Assert.Equal(text, panel.Find("[data-testid=context-proposal-text]").TextContent);
        Assert.Contains("from an interview", panel.Find("[data-testid=context-proposal]").TextContent, StringComparison.Ordinal);
        await panel.InvokeAsync(() => panel.Find("[data-testid=reject-context]").Click());

        panel.WaitForAssertion(() =>
        {
            Assert.Empty(panel.FindAll("[data-testid=context-proposal]"));
            Assert.Equal($"Rejected “{text}”.", panel.Find("[data-testid=assisted-message]").TextContent);
        });
    }

    [Fact]
    public async Task An_observer_sees_the_proposals_without_buttons()
    {
        var script = await _app.StudyAsync("panel-observer");
        var observer = await _app.UserAsync("oscar-observer", FacilitatorRole.Observer, script.Slug);
        await _app.AppendAsync(new ContextProposed(ContextText.ProposalIdFor("grief", "When the user is far away"), "grief", "When the user is far away", "question")
            { StudyId = script.Slug, OccurredAt = DateTimeOffset.UtcNow, Actor = "model" });

        var panel = Render<AssistedContentPanel>(parameters => parameters.Add(p => p.Slug, script.Slug)
            .AddCascadingValue(Task.FromResult(new AuthenticationState(observer))));

        Assert.Single(panel.FindAll("[data-testid=context-proposal]"));
        Assert.Empty(panel.FindAll("[data-testid=accept-context]"));
        Assert.Empty(panel.FindAll("[data-testid=reject-context]"));
    }
}
