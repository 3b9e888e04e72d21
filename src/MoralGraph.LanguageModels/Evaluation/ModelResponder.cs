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
    private readonly IChatClient _chat;
    private readonly string _model;
    private readonly double? _temperature;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a responder asking <paramref name="model"/> through <paramref name="chat"/>, each call under <paramref name="timeout"/>.</summary>
    public ModelResponder(IChatClient chat, string model, double? temperature, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _chat = chat;
        _model = model;
        _temperature = temperature;
        _timeout = timeout;
        Source = new EvaluationSource("model", null, null, [model]);
    }

    /// <inheritdoc />
    public EvaluationSource Source { get; }

    /// <inheritdoc />
    public async Task<ResponseOutcome> GetResponseAsync(EvaluationCase evaluationCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluationCase);
        try
        {
            var reply = await AskAsync(_chat, [new ChatMessage(ChatRole.User, evaluationCase.Prompt)],
                new ChatOptions { ModelId = _model, Temperature = (float?)_temperature }, _timeout, cancellationToken).ConfigureAwait(false);
            return string.IsNullOrWhiteSpace(reply.Text)
                ? ResponseOutcome.NotAnswered("the model's reply is empty")
                : ResponseOutcome.Answered(new ModelResponse(evaluationCase.QuestionId, evaluationCase.ContextId, reply.Text, reply.ModelId ?? _model));
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            return ResponseOutcome.NotAnswered($"the model call failed: {e.Message}");
        }
    }

    /// <summary>One chat call under <paramref name="timeout"/>; running out of time is a <see cref="TimeoutException"/>, the caller's cancellation is not.</summary>
    internal static async Task<ChatResponse> AskAsync(IChatClient chat, IList<ChatMessage> messages, ChatOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await chat.GetResponseAsync(messages, options, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The model did not answer within {timeout.TotalSeconds:0} s.");
        }
    }
}
