using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Events;
using MoralGraph.LanguageModels.Configuration;

namespace MoralGraph.LanguageModels.Calls;

/// <summary>
/// Tokens each study has used, against <see cref="LanguageModelOptions.TokenBudgetPerStudy"/>. The count starts from
/// the study's recorded <c>ModelUsageRecorded</c> events (so a restart forgets nothing) and grows as calls finish.
/// A call already in flight may overshoot the budget by its own size; the next one is refused.
/// </summary>
public sealed class ModelBudget(StudyRepository studies, IOptions<LanguageModelOptions> options)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<long[]>>> _used = new(StringComparer.Ordinal);

    /// <summary>The study's budget in tokens.</summary>
    public long Limit => options.Value.TokenBudgetPerStudy;

    /// <summary>Tokens the study has used.</summary>
    public async Task<long> UsedAsync(string studyId, CancellationToken cancellationToken = default) =>
        Volatile.Read(ref (await CounterAsync(studyId, cancellationToken))[0]);

    /// <summary>True while the study has tokens left.</summary>
    public async Task<bool> HasRoomAsync(string studyId, CancellationToken cancellationToken = default) =>
        await UsedAsync(studyId, cancellationToken) < Limit;

    /// <summary>Counts a finished call's tokens.</summary>
    public async Task AddAsync(string studyId, long tokens, CancellationToken cancellationToken = default)
    {
        var counter = await CounterAsync(studyId, cancellationToken);
        Interlocked.Add(ref counter[0], tokens);
    }

    // The count is loaded once per study and shared, so no caller's cancellation may end the load for the others; a load
    // that fails is forgotten, so the next call tries again instead of failing for good.
    private async Task<long[]> CounterAsync(string studyId, CancellationToken cancellationToken)
    {
        var counter = _used.GetOrAdd(studyId, id => new Lazy<Task<long[]>>(async () =>
        {
            var state = await studies.LoadAsync(id, CancellationToken.None);
            return [state?.Assistance.Usage.TotalTokens ?? 0];
        }));
        try
        {
            return await counter.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (counter.Value.IsFaulted)
        {
            _used.TryRemove(KeyValuePair.Create(studyId, counter));
            throw;
        }
    }
}
