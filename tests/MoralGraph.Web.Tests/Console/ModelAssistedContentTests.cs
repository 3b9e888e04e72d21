using System.Runtime.CompilerServices;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Access;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Contexts;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.LanguageModels.Stories;
using MoralGraph.Web.Components.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Components;

namespace MoralGraph.Web.Tests.Console;

/// <summary>The app with a (scripted) model configured, as a facilitator's console sees it.</summary>
public sealed class ModelAssistedConsoleApp : IAsyncLifetime
{
    public ModelAssistedConsoleApp()
    {
        var factory = new MoralGraphAppFactory()
            .WithSetting("LanguageModel:Provider", "Ollama")
            .WithSetting("LanguageModel:ChatModel", "scripted-model")
            .WithSetting("LanguageModel:Endpoint", "http://127.0.0.1:9/v1/")
            .WithServices(services => services.AddSingleton<IChatClient>(Chat));
        App = new ConsoleApp(factory);
    }

    public PromptRoutedChatClient Chat { get; } = new();

    public ConsoleApp App { get; }

    public Task InitializeAsync() => App.InitializeAsync();

    public Task DisposeAsync() => App.DisposeAsync();
}

/// <summary>
/// Answers each call by its system prompt, so background jobs of other capabilities running in the same app cannot
/// take the answers meant for the ones under test; other prompts get an empty JSON object.
/// </summary>
public sealed class PromptRoutedChatClient : IChatClient
{
    private readonly Dictionary<string, string> _answers = new(StringComparer.Ordinal);

    public PromptRoutedChatClient Answer(string systemPrompt, string answer)
    {
        lock (_answers)
        {
            _answers[systemPrompt] = answer;
        }

        return this;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        string answer;
        lock (_answers)
        {
            answer = _answers.GetValueOrDefault(messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text ?? string.Empty, "{}");
        }

        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)) { Usage = new UsageDetails { InputTokenCount = 50, OutputTokenCount = 10 } });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        yield return new ChatResponseUpdate(ChatRole.Assistant, response.Text);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

public sealed class ModelAssistedContentTests : BunitTestContext, IClassFixture<ModelAssistedConsoleApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private const string Presence = "seed-grief-presence-over-advice";
    private const string Practical = "seed-grief-practical-help";
    private readonly ModelAssistedConsoleApp _fixture;

    public ModelAssistedContentTests(ModelAssistedConsoleApp fixture)
    {
        _fixture = fixture;
        Services.AddSingleton(App.Get<StudyDashboards>());
        Services.AddSingleton(App.Get<ContextProposals>());
        _fixture.Chat
            .Answer(TransitionStoryPrompt.Prompt.Text, $$"""
                {"pairs":[{"from":"{{Practical}}","to":"{{Presence}}","story":"I used to fix things for her. One night she only wanted company.","reverseStory":"I used to just sit with her, until I saw the bills piling up."}]}
                """)
            .Answer(ContextPrompt.ForTranscript.Text, """{"contexts":["When the user fears saying the wrong thing"]}""");
    }

    private ConsoleApp App => _fixture.App;

    [Fact]
    public async Task Moving_a_study_to_voting_writes_its_transition_stories_in_the_background_in_both_directions()
    {
        var script = await App.StudyAsync("stories-on-voting");
        var facilitator = await App.UserAsync("fiona-facilitator", FacilitatorRole.Facilitator, script.Slug);

        await App.Get<StudyAdministration>().ChangePhaseAsync(facilitator, script.Slug, StudyPhase.Voting);

        var stories = await EventuallyAsync(script.Slug, events => events.OfType<TransitionStoryWritten>().Count() == 4);
        Assert.Equal(
            [("comforting", Practical, Presence), ("comforting", Presence, Practical), ("deciding", Practical, Presence), ("deciding", Presence, Practical)],
            stories.OfType<TransitionStoryWritten>().Select(s => (s.Context.ContextId, s.FromValueId, s.ToValueId)).Order());
        Assert.All(stories.OfType<TransitionStoryWritten>(), s => Assert.Equal(("transition-stories", "scripted-model"), (s.Provenance.PromptId, s.Provenance.ModelId)));
        var status = await JobAsync(script.Slug, ModelTransitionStoryGenerator.JobKind);
        Assert.Equal("Wrote 4 stories in 3 context(s). Dropped 1 pair(s) naming values the model was not shown.", status.Outcome);
    }

    [Fact]
    public async Task A_submitted_card_has_its_interview_read_for_contexts_in_the_background()
    {
        var script = await App.StudyAsync("contexts-from-interviews");
        var at = DateTimeOffset.UtcNow;
        await App.AppendAsync(
            new ParticipantJoined("p-1", "hash", "v1", "en", null) { StudyId = script.Slug, OccurredAt = at, Actor = "p-1" },
            new QuestionChosen("p-1", "grief") { StudyId = script.Slug, OccurredAt = at, Actor = "p-1" },
            new InterviewMessagePosted("p-1", "grief", new InterviewMessage(0, InterviewRole.Participant, "I was afraid to say anything at all.", InterviewStage.Story))
                { StudyId = script.Slug, OccurredAt = at, Actor = "p-1" },
            new CardSubmitted("card-1", "p-1", "grief", "Quiet presence", "Being there.", ["MOMENTS when silence helps", "SIGNS she wants to talk", "WORDS that ring hollow"])
                { StudyId = script.Slug, OccurredAt = at, Actor = "p-1" });

        var events = await EventuallyAsync(script.Slug, events => events.OfType<ContextProposed>().Any());

        var proposal = Assert.Single(events.OfType<ContextProposed>());
        Assert.Equal(("When the user fears saying the wrong thing", "transcript:p-1", "contexts-transcript"), (proposal.Text, proposal.Source, proposal.Provenance!.PromptId));
    }

    [Fact]
    public async Task With_a_model_the_panel_offers_to_write_stories_and_shows_the_job_and_accepting_a_proposal_adds_the_context()
    {
        var script = await App.StudyAsync("panel-with-model", StudyPhase.Voting);
        var facilitator = await App.UserAsync("fiona-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var proposalId = ContextText.ProposalIdFor("grief", "When the user is far away");
        await App.AppendAsync(new ContextProposed(proposalId, "grief", "When the user is far away", "question") { StudyId = script.Slug, OccurredAt = DateTimeOffset.UtcNow, Actor = "model" });
        var panel = Render(facilitator, script.Slug);

        // Find and click in one dispatch: job and study notifications re-render the panel at any moment.
        await panel.InvokeAsync(() => panel.Find("[data-testid=write-stories]").Click());
        panel.WaitForAssertion(() => Assert.Contains("Stories: done — Wrote", panel.Find("[data-testid=job-stories]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal("When the user is far away", panel.Find("[data-testid=context-proposal-text]").TextContent);
        await panel.InvokeAsync(() => panel.Find("[data-testid=accept-context]").Click());

        panel.WaitForAssertion(() =>
        {
            Assert.Empty(panel.FindAll("[data-testid=context-proposal]"));
            Assert.Contains("it is now a context of Grief", panel.Find("[data-testid=assisted-message]").TextContent, StringComparison.Ordinal);
        }, Patience);
        var study = (await App.EventsAsync(script.Slug)).OfType<StudyDefined>().Last().Study;
        Assert.Equal("When the user is far away", study.FindQuestion("grief")!.FindContext("when-the-user-is-far-away")!.Text);
    }

    private IRenderedComponent<AssistedContentPanel> Render(ClaimsPrincipal user, string slug) => Render<AssistedContentPanel>(parameters => parameters
        .Add(p => p.Slug, slug)
        .AddCascadingValue(Task.FromResult(new AuthenticationState(user))));

    private async Task<IReadOnlyList<StudyEvent>> EventuallyAsync(string slug, Func<IReadOnlyList<StudyEvent>, bool> done)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var events = await App.EventsAsync(slug);
            if (done(events))
            {
                return events;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private async Task<ModelJobStatus> JobAsync(string slug, string kind)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            if (App.Get<ModelJobBoard>().StatusOf(slug).FirstOrDefault(s => s.Kind == kind) is { State: ModelJobState.Done or ModelJobState.Failed } status)
            {
                return status;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
