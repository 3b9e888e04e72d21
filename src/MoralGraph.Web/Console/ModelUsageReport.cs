using Microsoft.Extensions.Options;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.LanguageModels.Configuration;
using MoralGraph.LanguageModels.Jobs;

namespace MoralGraph.Web.Console;

/// <summary>Tokens and calls of one capability.</summary>
/// <param name="Capability">The capability (<see cref="ModelCapabilities"/>).</param>
/// <param name="Calls">Calls made.</param>
/// <param name="Tokens">Input and output tokens together.</param>
public sealed record CapabilityUsage(string Capability, int Calls, long Tokens);

/// <summary>What the dashboard's "Model use" panel shows for a study.</summary>
/// <param name="Enabled">False when no model is configured: the study runs on the embedded defaults.</param>
/// <param name="Model">The chat model, when enabled.</param>
/// <param name="TokensUsed">Tokens the study's model calls used (input and output).</param>
/// <param name="Budget">The study's token budget.</param>
/// <param name="ByCapability">Calls and tokens per capability, most tokens first.</param>
/// <param name="Jobs">The latest background job of each kind.</param>
public sealed record ModelUsageView(bool Enabled, string? Model, long TokensUsed, long Budget, IReadOnlyList<CapabilityUsage> ByCapability, IReadOnlyList<ModelJobStatus> Jobs)
{
    /// <summary>True once the budget is spent: from then on the study runs on the embedded defaults.</summary>
    public bool IsSpent => Enabled && TokensUsed >= Budget;

    /// <summary>The share of the budget used, in percent (0–100).</summary>
    public double PercentUsed => Budget <= 0 ? 100 : Math.Min(100, 100.0 * TokensUsed / Budget);
}

/// <summary>
/// Reads a study's model use for the facilitators: tokens against the budget (from the study's
/// <see cref="ModelUsageRecorded"/> events, as <see cref="AssistanceState"/> totals them), calls per capability, and the
/// background jobs' latest status from the <see cref="ModelJobBoard"/>, which exists only when a model is configured.
/// </summary>
public sealed class ModelUsageReport(IOptions<LanguageModelOptions> options, StudyStates states, ModelJobBoard? jobs = null)
{
    /// <summary>The view of <paramref name="slug"/>, or null when there is no such study.</summary>
    public async Task<ModelUsageView?> ForAsync(string slug, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value;
        var usage = await states.ReadAsync(slug, (state, _) => (state.Assistance.Usage, ByCapability: state.Assistance.UsageByCapability.ToList()), cancellationToken);
        if (usage.ByCapability is null)
        {
            return null;
        }

        var byCapability = usage.ByCapability.Select(u => new CapabilityUsage(u.Key, u.Value.Calls, u.Value.TotalTokens))
            .OrderByDescending(u => u.Tokens).ThenBy(u => u.Capability, StringComparer.Ordinal).ToList();
        return new ModelUsageView(configured.IsEnabled, configured.IsEnabled ? configured.ChatModel : null, usage.Usage.TotalTokens, configured.TokenBudgetPerStudy,
            byCapability, jobs?.StatusOf(slug) ?? []);
    }

    /// <summary>
    /// Calls <paramref name="onChanged"/> (on the job board's thread) whenever one of the study's model jobs changes state,
    /// until disposed: a job that is queued or ends records no event, so the dashboard would not hear of it otherwise.
    /// </summary>
    public IDisposable WatchJobs(string slug, Action onChanged) => new JobWatch(jobs, slug, onChanged);

    private sealed class JobWatch : IDisposable
    {
        private readonly ModelJobBoard? _jobs;
        private readonly string _slug;
        private readonly Action _onChanged;

        public JobWatch(ModelJobBoard? jobs, string slug, Action onChanged)
        {
            (_jobs, _slug, _onChanged) = (jobs, slug, onChanged);
            if (_jobs is not null)
            {
                _jobs.StatusChanged += OnStatusChanged;
            }
        }

        public void Dispose()
        {
            if (_jobs is not null)
            {
                _jobs.StatusChanged -= OnStatusChanged;
            }
        }

        private void OnStatusChanged(ModelJobStatus status)
        {
            if (status.StudyId == _slug)
            {
                _onChanged();
            }
        }
    }
}
