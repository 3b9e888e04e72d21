using System.Text.Json;
using Microsoft.Extensions.AI;
using MoralGraph.Core.Evaluation;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Prompts;

namespace MoralGraph.LanguageModels.Evaluation;

/// <summary>
/// Judges a response with a model: <see cref="EvaluationJudgePrompt.Judge"/> as the system prompt, the case and the
/// response as delimited data, and the reply held to the strict verdict format of <see cref="VerdictReader"/>. A reply
/// that does not fit (not JSON, a policy missing or invented, a wrong type, an extra key) is asked for once more; a second
/// misfit, a failed call or a timeout leaves the case unjudged with the reason — a verdict is never guessed.
/// </summary>
public sealed class ModelResponseJudge : IResponseJudge
{
    /// <summary>Attempts per case: the first reply and one retry.</summary>
    public const int Attempts = 2;

    private readonly EvaluationModel _model;

    /// <summary>Creates a judge asking <paramref name="model"/>.</summary>
    public ModelResponseJudge(EvaluationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        var prompt = EvaluationJudgePrompt.Judge;
        Source = new EvaluationSource("model", null, null, [model.Name], prompt.Id, prompt.Hash, prompt.Text);
    }

    /// <inheritdoc />
    public EvaluationSource Source { get; }

    /// <inheritdoc />
    public async Task<JudgeOutcome> JudgeAsync(EvaluationCase evaluationCase, ModelResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluationCase);
        ArgumentNullException.ThrowIfNull(response);
        var messages = Messages(evaluationCase, response);
        var reasons = new List<string>();
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            string reply;
            try
            {
                reply = (await _model.AskAsync(messages, ChatResponseFormat.Json, cancellationToken).ConfigureAwait(false)).Text;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException)
            {
                return JudgeOutcome.Unjudged($"the judge call failed: {e.Message}");
            }

            var outcome = ModelOutput.ParseObject(reply) is { } verdict
                ? VerdictReader.Read(evaluationCase, response, verdict)
                : JudgeOutcome.Unjudged("the judge's reply is not a JSON object");
            if (outcome.Verdict is not null)
            {
                return outcome;
            }

            reasons.Add($"attempt {attempt}: {outcome.Reason}");
        }

        return JudgeOutcome.Unjudged(string.Join(" | ", reasons));
    }

    /// <summary>The system prompt, then the case and response as data between markers (any copy of a marker inside removed).</summary>
    internal static IList<ChatMessage> Messages(EvaluationCase evaluationCase, ModelResponse response)
    {
        var policies = JsonSerializer.Serialize(evaluationCase.Policies.Select(p => new { index = p.Number, policy = p.Text }));
        var redLines = JsonSerializer.Serialize(evaluationCase.RedLines.Select(r => new { id = r.Id, statement = r.Statement }));
        var user = string.Join("\n\n",
            PromptMaterial.Wrap("question", evaluationCase.Prompt),
            PromptMaterial.Wrap("policies", policies),
            PromptMaterial.Wrap("red-lines", redLines),
            PromptMaterial.Wrap("response", response.Text));
        return [new ChatMessage(ChatRole.System, EvaluationJudgePrompt.Judge.Text), new ChatMessage(ChatRole.User, user)];
    }
}
