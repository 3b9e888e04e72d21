using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.LanguageModels.Configuration;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.Web.Components.Console;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Components;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.Console;

/// <summary>The dashboard's "Model use" panel: tokens against the budget, calls per capability, background jobs.</summary>
public sealed class ModelUsagePanelTests : BunitTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly LiveStore _live = new();
    private readonly StudyScript _script = new();
    private readonly LiveReconciliation _reconciliation;

    public ModelUsagePanelTests()
    {
        _reconciliation = _live.Reconciliation();
        var dashboards = _live.Dashboards(_reconciliation);
        Services.AddScoped(_ => new StudyDashboardState(dashboards, _reconciliation));
    }

    [Fact]
    public async Task With_a_model_the_dashboard_shows_tokens_against_the_budget_calls_per_capability_and_the_jobs_and_follows_new_calls()
    {
        var jobs = new ModelJobBoard(_live.Time);
        UseModel(new LanguageModelOptions { Provider = LanguageModelProvider.Ollama, ChatModel = "llama3.1:8b", TokenBudgetPerStudy = 1_000 }, jobs);
        await _live.WithStudyAsync(_script);
        await _live.Log.AppendAllAsync([Usage(ModelCapabilities.Interview, 100, 20), Usage(ModelCapabilities.Interview, 150, 30), Usage(ModelCapabilities.Moderation, 50, 10)]);
        jobs.TryEnqueue(new ModelJob(_script.Slug, "moderation", _ => Task.FromResult("done")));

        var page = Render<StudyDashboardPage>(parameters => parameters.Add(p => p.Slug, _script.Slug));

        page.WaitForAssertion(() => Assert.Equal("360 of 1,000 tokens used (36%) with llama3.1:8b", page.Find("[data-testid=model-use-tokens]").TextContent.Trim()), Patience);
        Assert.Equal([("interview", "2", "300"), ("moderation", "1", "60")], page.FindAll("[data-testid=model-use-capabilities] tbody tr")
            .Select(row => (row.GetAttribute("data-capability")!, row.Children[1].TextContent, row.Children[2].TextContent)));
        Assert.StartsWith("moderation: queued", page.Find("[data-testid=model-use-jobs] li").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=model-use-spent]"));

        await _live.Log.AppendAsync(Usage(ModelCapabilities.Articulation, 600, 40));

        page.WaitForAssertion(() => Assert.Equal("1,000 of 1,000 tokens used (100%) with llama3.1:8b", page.Find("[data-testid=model-use-tokens]").TextContent.Trim()), Patience);
        Assert.Contains("runs on the embedded defaults", page.Find("[data-testid=model-use-spent]").TextContent, StringComparison.Ordinal);
        Assert.Equal("articulation", page.FindAll("[data-testid=model-use-capabilities] tbody tr")[0].GetAttribute("data-capability"));

        // A job that ends records no event of its own; the panel hears of it from the job board.
        using var worker = new ModelJobService(jobs, Microsoft.Extensions.Logging.Abstractions.NullLogger<ModelJobService>.Instance);
        await worker.StartAsync(CancellationToken.None);
        page.WaitForAssertion(() => Assert.StartsWith("moderation: done — done", page.Find("[data-testid=model-use-jobs] li").TextContent.Trim(), StringComparison.Ordinal), Patience);
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Without_a_model_the_panel_says_the_study_runs_on_the_embedded_defaults()
    {
        UseModel(new LanguageModelOptions(), jobs: null);
        await _live.WithStudyAsync(_script);

        var page = Render<StudyDashboardPage>(parameters => parameters.Add(p => p.Slug, _script.Slug));

        page.WaitForAssertion(() => Assert.Contains("runs on the embedded defaults", page.Find("[data-testid=model-use-none]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=model-use-tokens]"));
    }

    [Fact]
    public void A_failed_job_shows_why()
    {
        var view = new ModelUsageView(true, "gpt-4.1-mini", 10, 100, [],
            [new ModelJobStatus("s", "moderation", ModelJobState.Failed, "The model did not answer within 60 s.", new DateTimeOffset(2026, 12, 4, 15, 0, 5, TimeSpan.Zero))]);

        var panel = Render<ModelUsagePanel>(parameters => parameters.Add(p => p.View, view));

        Assert.Equal("moderation: failed — The model did not answer within 60 s. (15:00:05 UTC)", panel.Find("[data-testid=model-use-jobs] li").TextContent.Trim());
        Assert.Empty(panel.FindAll("[data-testid=model-use-capabilities]"));
    }

    private void UseModel(LanguageModelOptions options, ModelJobBoard? jobs) =>
        Services.AddSingleton(new ModelUsageReport(Options.Create(options), _live.States, jobs));

    private ModelUsageRecorded Usage(string capability, long input, long output) =>
        new(capability, new ModelProvenance("prompt", "0123456789abcdef", "llama3.1:8b", 0.3, _live.Time.GetUtcNow()), input, output)
        {
            StudyId = _script.Slug, OccurredAt = _live.Time.GetUtcNow(), Actor = "model",
        };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _live.Dispose();
        }
    }
}
