using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.LanguageModels.Moderation;
using MoralGraph.Testing.LanguageModels;

namespace MoralGraph.Web.Tests.Live;

/// <summary>The moderation pass as the app wires it: a submitted card is checked in the background and flagged for the facilitators.</summary>
public sealed class ModerationOnSubmissionTests
{
    [Fact]
    public async Task A_submitted_card_that_crosses_a_red_line_is_flagged_in_the_background_and_nothing_is_hidden()
    {
        var chat = new ScriptedChatClient()
            .Reply("{\"flag\": true, \"category\": \"red-line\", \"redLine\": \"no-cruelty\", \"reason\": \"It asks the AI to mock a grieving person.\"}")
            .Reply("{\"flag\": false}");
        await using var app = new MoralGraphAppFactory()
            .WithStudyFile("kindness.yaml", TestStudies.Kindness)
            .WithSetting("LanguageModel:Provider", "Ollama")
            .WithSetting("LanguageModel:ChatModel", "llama3.1:8b")
            .WithServices(services => services.AddSingleton<IChatClient>(chat));
        var log = app.Services.GetRequiredService<IEventLog>();
        var studies = app.Services.GetRequiredService<StudyRepository>();
        await WaitForAsync(async () => (await studies.LoadAsync(TestStudies.KindnessSlug))?.Study is not null);

        await log.AppendAsync(Card("c-cruel", "Jokes at funerals", "JOKES that make a grieving person look foolish"));
        await WaitForAsync(async () => (await studies.LoadAsync(TestStudies.KindnessSlug))!.Assistance.ModeratedCards.Count == 1);
        await log.AppendAsync(Card("c-kind", "Quiet company", "MOMENTS when a grieving person wants company"));
        await WaitForAsync(async () => (await studies.LoadAsync(TestStudies.KindnessSlug))!.Assistance.ModeratedCards.Count == 2);

        var state = (await studies.LoadAsync(TestStudies.KindnessSlug))!;
        Assert.Equal(["c-cruel"], state.FlaggedCards.Keys);
        Assert.Equal("Model moderation, red line 'no-cruelty': It asks the AI to mock a grieving person.", state.FlaggedCards["c-cruel"]);
        Assert.Empty(state.HiddenCards);
        var flag = (await log.ReadStudyAsync(TestStudies.KindnessSlug)).Select(r => r.Event).OfType<CardFlagged>().Single();
        Assert.Equal((ModelCardModerator.Actor, "card-moderation", "llama3.1:8b"), (flag.Actor, flag.Provenance!.PromptId, flag.Provenance.ModelId));
        Assert.Equal(2, state.Assistance.UsageByCapability[ModelCapabilities.Moderation].Calls);
        // Other capabilities queue jobs of their own on a submitted card (contexts from its interview); this one is moderation's.
        // Its events are in the study's state as soon as they are queued, so the job may still be finishing its last append.
        var jobs = app.Services.GetRequiredService<ModelJobBoard>();
        await WaitForAsync(() => Task.FromResult(jobs.StatusOf(TestStudies.KindnessSlug).Single(j => j.Kind == ModelCardModerator.JobKind).State is not (ModelJobState.Running or ModelJobState.Queued)));
        Assert.Equal(ModelJobState.Done, jobs.StatusOf(TestStudies.KindnessSlug).Single(j => j.Kind == ModelCardModerator.JobKind).State);
    }

    private static CardSubmitted Card(string cardId, string title, string policy)
    {
        var card = ValuesCard.Create(cardId, "p-" + cardId, title, "It is how the AI meets grief.", [policy, "SIGNS that a person wants to talk", "WORDS a person uses for the one they lost"], ValuesCardRules.Strict).Value!;
        return CardSubmitted.From(card, TestStudies.KindnessSlug, "grief", DateTimeOffset.UtcNow);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the background pass did not finish in time");
            await Task.Delay(25);
        }
    }
}
