using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Configuration;
using MoralGraph.LanguageModels.Interview;
using MoralGraph.Storage.EventLog;
using MoralGraph.Testing.LanguageModels;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>The participation service with the model interviewer, over a scripted model, storing in LiteDB as the app does.</summary>
public sealed class ModelInterviewTests : IDisposable
{
    private const string Story = "My friend lost her father last spring and I did not know what to say.";
    private const string Attention = "Whether she wanted to talk at all, and how tired she was.";

    private static readonly CardDraft ModelCard = new(
        "Presence before advice",
        "The AI helps the user simply be there for her friend.",
        ["MOMENTS when silence says more than words", "SIGNS that she wants to talk about him", "TASKS she has no energy for"]);

    private readonly string _folder = TestFolder.Create();
    private readonly LiteDbEventLog _store;
    private readonly StudyStates _log;
    private readonly ModelCalls _calls;
    private readonly ScriptedChatClient _chat = new();
    private readonly ParticipationService _service;

    public ModelInterviewTests()
    {
        _store = new LiteDbEventLog(Path.Combine(_folder, "journey.db"));
        _log = new StudyStates(_store, new NoStudySnapshots(), Time);
        var studies = new StudyRepository(_log);
        var options = Options.Create(new LanguageModelOptions { Provider = LanguageModelProvider.Ollama, ChatModel = "scripted-model", TimeoutSeconds = 1 });
        _calls = new ModelCalls(_chat, _log, new ModelBudget(studies, options), options, Time, NullLogger<ModelCalls>.Instance);
        var phrases = new LocalizedPhrasebook(EnglishJourneyText.Localizer);
        var interviewer = new ModelInterviewer(_calls, new GuidedInterviewer(phrases), phrases, NullLogger<ModelInterviewer>.Instance);
        _service = new ParticipationService(_log, interviewer, new TemplateTransitionStoryWriter(phrases), Time);
    }

    private FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_models_replies_are_stored_with_provenance_and_its_card_is_saved_as_the_draft_to_review()
    {
        await DefineStudyAsync();
        _chat.Reply("Thank you for joining. Can you tell me about a time you had to comfort someone?")
            .Reply("That sounds hard. What did you notice about her while you were with her?")
            .CallTool(InterviewerPrompt.SubmitValuesCard, JsonSerializer.Serialize(new { title = ModelCard.Title, description = ModelCard.Description, policies = ModelCard.Policies }),
                "Here is a card drafted from what you said.");

        var participant = await _service.JoinedAsync(JourneyStore.Slug);
        await _service.TurnAsync(JourneyStore.Slug, participant.ParticipantId, Story);
        var last = await _service.TurnAsync(JourneyStore.Slug, participant.ParticipantId, Attention);

        Assert.Equal(InterviewStage.Review, last.OfType<InterviewTurnCompleted>().Single().Stage);
        var posted = (await EventsAsync()).OfType<InterviewMessagePosted>().Select(p => p.Message).ToList();
        Assert.Equal(5, posted.Count);
        var replies = posted.Where(m => m.Role == InterviewRole.Interviewer).ToList();
        Assert.Equal("Here is a card drafted from what you said.", replies[^1].Text);
        Assert.All(replies, m => Assert.Equal(("interviewer", InterviewerPrompt.Template.Hash, "scripted-model"), (m.Provenance!.PromptId, m.Provenance.PromptHash, m.Provenance.ModelId)));
        Assert.All(posted.Where(m => m.Role == InterviewRole.Participant), m => Assert.Null(m.Provenance));
        var draft = Assert.Single((await EventsAsync()).OfType<CardDraftSaved>());
        Assert.Equal((ModelCard.Title, ModelCard.Description), (draft.Title, draft.Description));
        Assert.Equal(ModelCard.Policies, draft.Policies);
        Assert.Equal(replies[^1].Provenance, draft.Provenance);
        // The participant is on the review screen with the model's card, and can confirm it as it is.
        var state = (await new StudyRepository(_log).LoadAsync(JourneyStore.Slug))!;
        Assert.Equal(InterviewStage.Review, state.Participation.Find(participant.ParticipantId)!.InterviewStage);
        var confirmed = await _service.ConfirmCardAsync(JourneyStore.Slug, participant.ParticipantId, ModelCard);
        Assert.True(confirmed.IsValid, string.Join("; ", confirmed.Problems));
    }

    [Fact]
    public async Task A_model_that_times_out_mid_reply_leaves_the_transcript_intact_and_the_interview_continues_guided()
    {
        await DefineStudyAsync();
        _chat.Reply("Thank you for joining. Can you tell me about a time you had to comfort someone?").StallAfter("So when your friend");
        var participant = (await _service.JoinedAsync(JourneyStore.Slug)).ParticipantId;

        var updates = await _service.TurnAsync(JourneyStore.Slug, participant, Story);

        Assert.Single(updates.OfType<InterviewReplyDiscarded>());
        var posted = (await EventsAsync()).OfType<InterviewMessagePosted>().Select(p => p.Message).ToList();
        Assert.Equal(3, posted.Count);
        Assert.NotNull(posted[0].Provenance);
        Assert.Equal((InterviewRole.Participant, Story), (posted[1].Role, posted[1].Text));
        // One line says what happened; then the question the model's single question (the story) has not covered yet.
        Assert.Equal(EnglishJourneyText.Text("Interview.HandOver") + "\n\n" + EnglishJourneyText.Text("Interview.AskAttention"), posted[2].Text);
        Assert.Equal(InterviewStage.Attention, posted[2].Stage);
        Assert.Null(posted[2].Provenance);
        Assert.DoesNotContain(posted, m => m.Text.Contains("So when", StringComparison.Ordinal));

        // The guided script keeps the interview: the next answer gets its next question and the model is not asked.
        await _service.TurnAsync(JourneyStore.Slug, participant, Attention);

        var transcript = (await new StudyRepository(_log).LoadAsync(JourneyStore.Slug))!.Participation.Find(participant)!.Transcript;
        Assert.Equal(EnglishJourneyText.Text("Interview.ExplainPolicies"), transcript[^1].Text);
        Assert.Equal(new[] { Story, Attention }, transcript.Where(m => m.Role == InterviewRole.Participant).Select(m => m.Text));
        Assert.Equal(2, _chat.Requests.Count);
    }

    [Fact]
    public async Task Rejected_cards_are_counted_from_the_store_and_at_the_limit_the_models_last_draft_is_saved_for_the_participant_to_fix()
    {
        await DefineStudyAsync();
        var invalid = JsonSerializer.Serialize(new { title = "Care", description = "Helps.", policies = new[] { "care for her" } });
        _chat.Reply("Thank you for joining. Can you tell me about a time you had to comfort someone?")
            .CallTool(InterviewerPrompt.SubmitValuesCard, invalid)
            .CallTool(InterviewerPrompt.SubmitValuesCard, invalid)
            .Reply("Before we write anything down: what did you notice about her?")
            .CallTool(InterviewerPrompt.SubmitValuesCard, invalid);
        var participant = (await _service.JoinedAsync(JourneyStore.Slug)).ParticipantId;

        await _service.TurnAsync(JourneyStore.Slug, participant, Story);

        var stored = (await EventsAsync()).OfType<InterviewMessagePosted>().Select(p => p.Message).Last();
        Assert.Equal(("Before we write anything down: what did you notice about her?", 2), (stored.Text, stored.RejectedCardSubmissions));
        Assert.NotNull(stored.Provenance);

        // The third rejection (MaxCardAttempts is 3 by default) counts the two read back from the store.
        var updates = await _service.TurnAsync(JourneyStore.Slug, participant, Attention);

        Assert.Empty(updates.OfType<InterviewReplyDiscarded>());
        var state = (await new StudyRepository(_log).LoadAsync(JourneyStore.Slug))!.Participation.Find(participant)!;
        Assert.Equal(EnglishJourneyText.Text("Interview.HandOver") + "\n\n" + EnglishJourneyText.Text("Interview.DraftReady"), state.Transcript[^1].Text);
        Assert.Null(state.Transcript[^1].Provenance);
        Assert.Equal(InterviewStage.Review, state.InterviewStage);
        var saved = (await EventsAsync()).OfType<CardDraftSaved>().Last();
        Assert.Equal(("Care", "Helps."), (saved.Title, saved.Description));
        Assert.Equal(["care for her"], saved.Policies);
        Assert.Equal(5, _chat.Requests.Count);
    }

    [Fact]
    public async Task With_a_model_configured_the_app_interviews_with_the_model_and_keeps_the_guided_script_as_its_fallback()
    {
        await using var factory = new MoralGraphAppFactory().WithServices(services => services.AddSingleton<IChatClient>(_chat));
        // AddLanguageModels decides from configuration while Program runs, before WithSetting's in-memory settings
        // apply; host settings are there from the start.
        await using var app = factory.WithWebHostBuilder(host => host.UseSetting("LanguageModel:Provider", "Ollama").UseSetting("LanguageModel:ChatModel", "scripted-model"));

        Assert.IsType<ModelInterviewer>(app.Services.GetRequiredService<IInterviewer>());
        Assert.NotNull(app.Services.GetRequiredService<GuidedInterviewer>());
    }

    public void Dispose()
    {
        _calls.Dispose();
        _log.Dispose();
        _store.Dispose();
        TestFolder.Delete(_folder);
    }

    private async Task DefineStudyAsync() => await _log.AppendAllAsync(StudyDefinitionEvents.For(JourneyStore.Study(), Time.GetUtcNow(), "facilitator"));

    private async Task<IReadOnlyList<StudyEvent>> EventsAsync() => [.. (await _log.ReadStudyAsync(JourneyStore.Slug)).Select(e => e.Event)];
}
