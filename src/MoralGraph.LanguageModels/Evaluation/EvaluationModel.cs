using Microsoft.Extensions.AI;

namespace MoralGraph.LanguageModels.Evaluation;

/// <summary>
/// A model as an evaluation calls it, the model under test or the judge: the client, the model's name, the temperature
/// and the time one call may take. It calls the <see cref="IChatClient"/> directly rather than through
/// <see cref="Calls.ModelCalls"/>: an evaluation runs outside any study (no study budget to charge, no study log to record
/// to), and its provenance goes into the report instead.
/// </summary>
public sealed class EvaluationModel
{
    private readonly IChatClient _chat;
    private readonly double? _temperature;
    private readonly TimeSpan _timeout;

    /// <summary>Asks <paramref name="name"/> through <paramref name="chat"/>, each call under <paramref name="timeout"/>.</summary>
    public EvaluationModel(IChatClient chat, string name, double? temperature, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _chat = chat;
        Name = name;
        _temperature = temperature;
        _timeout = timeout;
    }

    /// <summary>The model's name, as the report records it.</summary>
    public string Name { get; }

    /// <summary>One chat call; running out of time is a <see cref="TimeoutException"/>, the caller's cancellation is not.</summary>
    public async Task<ChatResponse> AskAsync(IList<ChatMessage> messages, ChatResponseFormat? format, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_timeout);
        try
        {
            return await _chat.GetResponseAsync(messages, new ChatOptions { ModelId = Name, Temperature = (float?)_temperature, ResponseFormat = format }, limit.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The model did not answer within {_timeout.TotalSeconds:0} s.");
        }
    }
}
