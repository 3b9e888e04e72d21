using Microsoft.Extensions.AI;
using MoralGraph.Core.Evaluation;

namespace MoralGraph.LanguageModels.Evaluation;

/// <summary>
/// The model under test: asks it each case's prompt (the question, then its context) as a user message with no system
/// prompt, so what is measured is the model as it is, and records which model answered (the server's model id when it
/// names one). A failed call or a timeout leaves the case unanswered with the reason.
/// </summary>
public sealed class ModelResponder : IResponseSource
{
    private readonly EvaluationModel _model;

    /// <summary>Creates a responder asking <paramref name="model"/>.</summary>
    public ModelResponder(EvaluationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        Source = new EvaluationSource("model", null, null, [model.Name]);
    }

    /// <inheritdoc />
    public EvaluationSource Source { get; }

    /// <inheritdoc />
    public async Task<ResponseOutcome> GetResponseAsync(EvaluationCase evaluationCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluationCase);
        try
        {
            var reply = await _model.AskAsync([new ChatMessage(ChatRole.User, evaluationCase.Prompt)], null, cancellationToken).ConfigureAwait(false);
            return string.IsNullOrWhiteSpace(reply.Text)
                ? ResponseOutcome.NotAnswered("the model's reply is empty")
                : ResponseOutcome.Answered(new ModelResponse(evaluationCase.QuestionId, evaluationCase.ContextId, reply.Text, reply.ModelId ?? _model.Name));
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            return ResponseOutcome.NotAnswered($"the model call failed: {e.Message}");
        }
    }
}
