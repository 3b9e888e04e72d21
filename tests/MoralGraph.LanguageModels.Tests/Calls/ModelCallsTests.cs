using Microsoft.Extensions.AI;
using MoralGraph.Core.Assistance;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Prompts;

namespace MoralGraph.LanguageModels.Tests.Calls;

public sealed class ModelCallsTests : IDisposable
{
    private static readonly Prompt TestPrompt = new("test-prompt", "You are a test.");
    private readonly ModelTestBed _bed = new(o => o.TokenBudgetPerStudy = 200);

    [Fact]
    public async Task A_call_is_recorded_with_its_tokens_and_provenance_and_counts_against_the_budget()
    {
        await _bed.DefineStudyAsync();
        _bed.Chat.Reply("Hello there.");
        var purpose = new ModelCallPurpose("abortion-advice", ModelCapabilities.Interview, TestPrompt);

        var response = await _bed.Calls.GetResponseAsync(purpose, [new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("Hello there.", response.Text);
        var usage = (await _bed.StateAsync()).Assistance;
        Assert.Equal(120, usage.Usage.TotalTokens);
        Assert.Equal(1, usage.UsageByCapability[ModelCapabilities.Interview].Calls);
        var recorded = (await _bed.Log.ReadStudyAsync("abortion-advice")).Select(r => r.Event).OfType<ModelUsageRecorded>().Single();
        Assert.Equal(new ModelProvenance("test-prompt", TestPrompt.Hash, "scripted-model", 0.3, _bed.Time.GetUtcNow()), recorded.Provenance with { Temperature = Math.Round(recorded.Provenance.Temperature!.Value, 3) });
    }

    [Fact]
    public async Task Once_the_budget_is_spent_the_next_call_is_refused_without_reaching_the_model()
    {
        await _bed.DefineStudyAsync();
        _bed.Chat.Reply("one").Reply("two").Reply("three");
        var purpose = new ModelCallPurpose("abortion-advice", ModelCapabilities.Stories, TestPrompt);

        await _bed.Calls.GetResponseAsync(purpose, [new ChatMessage(ChatRole.User, "a")]);
        await _bed.Calls.GetResponseAsync(purpose, [new ChatMessage(ChatRole.User, "b")]);
        await Assert.ThrowsAsync<ModelBudgetExhaustedException>(() => _bed.Calls.GetResponseAsync(purpose, [new ChatMessage(ChatRole.User, "c")]));

        Assert.Equal(2, _bed.Chat.Requests.Count);
        Assert.Equal(1, _bed.Chat.Remaining);
    }

    [Theory]
    [InlineData(ModelCapabilities.Interview, "The interview call (test-prompt) for study abortion-advice took longer than 1 s.")]
    [InlineData(ModelCapabilities.Articulation, "The articulation call (test-prompt) for study abortion-advice took longer than 1 s.")]
    public async Task A_timeout_is_logged_in_a_sentence_an_operator_can_read(string capability, string expected)
    {
        var logger = new ListLogger<ModelCalls>();
        using var bed = new ModelTestBed(o => o.TimeoutSeconds = 1, callsLogger: logger);
        await bed.DefineStudyAsync();
        bed.Chat.StallAfter("Tell me about");
        var purpose = new ModelCallPurpose("abortion-advice", capability, TestPrompt);

        await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            await foreach (var update in bed.Calls.GetStreamingResponseAsync(purpose, [new ChatMessage(ChatRole.User, "hi")]))
            {
            }
        });

        Assert.Equal(expected, Assert.Single(logger.Entries).Message);
    }

    [Fact]
    public async Task A_stream_that_stalls_ends_in_a_timeout_after_the_text_it_sent()
    {
        using var bed = new ModelTestBed(o => o.TimeoutSeconds = 1);
        await bed.DefineStudyAsync();
        bed.Chat.StallAfter("Tell me about");
        var purpose = new ModelCallPurpose("abortion-advice", ModelCapabilities.Interview, TestPrompt);
        var received = new List<string>();

        await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            await foreach (var update in bed.Calls.GetStreamingResponseAsync(purpose, [new ChatMessage(ChatRole.User, "hi")]))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal("Tell me about", string.Concat(received));
    }

    [Fact]
    public void A_prompt_hash_changes_with_any_word_of_the_prompt()
    {
        Assert.Equal(16, TestPrompt.Hash.Length);
        Assert.Equal(TestPrompt.Hash, new Prompt("other-id", "You are a test.").Hash);
        Assert.NotEqual(TestPrompt.Hash, new Prompt("test-prompt", "You are a test!").Hash);
    }

    public void Dispose() => _bed.Dispose();
}
