using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using MoralGraph.Core.Access;
using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Events;
using MoralGraph.LanguageModels.Deduplication;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.Testing.LanguageModels;
using MoralGraph.Web.Assistance;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Components;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.Console;

/// <summary>
/// The whole app with a (scripted) model configured and its background job service held back, so a test can see the
/// facilitator's "propose merges" return before the model is asked anything, then run the queued job.
/// </summary>
public sealed class ModelConsoleApp : IAsyncLifetime
{
    public ModelConsoleApp() => App = new ConsoleApp(new MoralGraphAppFactory()
        .WithSetting("LanguageModel:Provider", "Ollama")
        .WithSetting("LanguageModel:ChatModel", "scripted-model")
        .WithSetting("LanguageModel:EmbeddingModel", "scripted-embeddings")
        .WithServices(services =>
        {
            services.RemoveAll<IChatClient>();
            services.AddSingleton<IChatClient>(Chat);
            services.RemoveAll<IEmbeddingGenerator<string, Embedding<float>>>();
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(Embeddings);
            services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ModelJobService)));
            // Submitted cards also queue moderation and context jobs; held back here so the scripted answers go to the judge.
            services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ModelJobTriggers)));
        }));

    public ConsoleApp App { get; }

    public ScriptedChatClient Chat { get; } = new();

    public ScriptedEmbeddingGenerator Embeddings { get; } = new();

    public Task InitializeAsync() => App.InitializeAsync();

    public Task DisposeAsync() => App.DisposeAsync();
}

/// <summary>Deduplication from the moderation page when a model is configured: queued, judged in the background, proposed for review.</summary>
public sealed class ModelDeduplicationTests : BunitTestContext, IClassFixture<ModelConsoleApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ModelConsoleApp _model;

    public ModelDeduplicationTests(ModelConsoleApp model)
    {
        _model = model;
        Services.AddScoped(services => new ModerationPageState(model.App.Get<StudyModeration>(), services.GetRequiredService<IStringLocalizer<ConsoleText>>()));
        Services.AddSingleton(model.App.Get<StudyDashboards>());
        Services.AddSingleton(model.App.Get<ContextProposals>());
    }

    private ConsoleApp App => _model.App;

    [Fact]
    public void With_a_model_the_console_judges_with_the_model_deduplicator()
    {
        Assert.IsType<ModelValueDeduplicator>(App.Get<IValueDeduplicator>());
        Assert.True(App.Get<ModerationService>().DeduplicatesWithModel);
    }

    [Fact]
    public async Task Propose_merges_returns_before_the_model_is_asked_and_the_job_s_proposals_then_wait_for_review()
    {
        var script = new StudyScript("model-dedup");
        await App.StudyAsync(script.Slug);
        await App.AppendAsync(
            script.Join("p1"), script.Choose("p1"), script.Card("p1", "card-p1", "Honest care"),
            script.Join("p2"), script.Choose("p2"), script.Card("p2", "card-p2", "Honest care"),
            script.Join("p3"), script.Choose("p3"), script.Card("p3", "card-p3", "Faith integration"));
        _model.Chat.Reply("""{"clusters":[{"ids":["card-1","card-2"],"title":"Honest care","reason":"The same moments, at the same level."}]}""");
        var facilitator = await App.UserAsync("fay-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var page = Render<StudyModerationPage>(parameters =>
        {
            parameters.Add(p => p.Slug, script.Slug);
            parameters.AddCascadingValue(Task.FromResult(new AuthenticationState(facilitator)));
        });

        // Found and clicked in one dispatch: the live feed may re-render the page in between otherwise.
        await page.InvokeAsync(() => page.Find("[data-testid=run-dedup]").Click());

        // The job's status line can render (from the board's event) before the action's message does: wait for both.
        page.WaitForAssertion(() =>
        {
            Assert.Equal("Model deduplication is queued.", page.Find("[data-testid=dedup-job]").TextContent.Trim());
            Assert.Contains("in the background", page.Find("[data-testid=moderation-message]").TextContent, StringComparison.Ordinal);
        }, Patience);
        Assert.True(page.Find("[data-testid=run-dedup]").HasAttribute("disabled"));
        Assert.Empty(_model.Chat.Requests);
        Assert.DoesNotContain(await App.EventsAsync(script.Slug), e => e is MergeProposed);
        Assert.Empty(page.FindAll("[data-testid=merge-proposal]"));
        // A second click while the job waits is refused, and nothing more is queued.
        await Assert.ThrowsAsync<ModerationRefusedException>(() => App.Get<StudyModeration>().ProposeMergesAsync(facilitator, script.Slug));

        using var service = new ModelJobService(App.Get<ModelJobBoard>(), NullLogger<ModelJobService>.Instance);
        await service.StartAsync(CancellationToken.None);
        page.WaitForAssertion(() => Assert.Contains("1 merge proposed from 3 cards", page.Find("[data-testid=dedup-job]").TextContent, StringComparison.Ordinal), Patience);
        await service.StopAsync(CancellationToken.None);

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=merge-proposal]")), Patience);
        Assert.Contains("The same moments, at the same level.", page.Find("[data-testid=merge-proposal]").TextContent, StringComparison.Ordinal);
        Assert.Equal($"Judged by scripted-model with prompt dedup-judge ({DedupJudgePrompt.Batch.Hash})", page.Find("[data-testid=proposal-provenance]").TextContent.Trim());
        var proposed = Assert.Single((await App.EventsAsync(script.Slug)).OfType<MergeProposed>());
        Assert.Equal(("card-p2", "card-p1", "dedup-judge", DedupJudgePrompt.Batch.Hash, "scripted-model"),
            (proposed.FromValueId, proposed.IntoValueId, proposed.Provenance?.PromptId, proposed.Provenance?.PromptHash, proposed.Provenance?.ModelId));
        // Nothing merged: the three cards are still three values until a facilitator accepts.
        Assert.Equal(3, page.FindAll("[data-testid=moderation-card]").Count);
        Assert.All(page.FindAll("[data-testid=moderation-card]"), card => Assert.DoesNotContain("other card", card.TextContent, StringComparison.Ordinal));
        Assert.Single(_model.Chat.Requests);
        Assert.DoesNotContain("Faith integration", _model.Chat.Requests[0].Messages[^1].Text, StringComparison.Ordinal);
    }
}
