using MoralGraph.Core.Voting;

namespace MoralGraph.Web.Live;

/// <summary>
/// One console's live dashboard of one study: the current <see cref="StudyDashboard"/>, the context whose graph it
/// shows, and the subscription that keeps it current. Scoped (one per circuit); the page starts it after its first
/// render and re-renders when told, and the circuit's end disposes it.
/// </summary>
/// <param name="dashboards">The shared dashboard builder and notifier.</param>
/// <param name="reconciliation">The background reconciliation, asked for a first result when there is none.</param>
public sealed class StudyDashboardState(StudyDashboards dashboards, LiveReconciliation reconciliation) : IDisposable
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private IDisposable? _subscription;
    private Func<Task>? _onChanged;
    private ContextRef? _chosen;

    /// <summary>The study shown, once started.</summary>
    public string? Slug { get; private set; }

    /// <summary>The dashboard as last built; null before <see cref="StartAsync"/> or for a study the store does not have.</summary>
    public StudyDashboard? Current { get; private set; }

    /// <summary>
    /// Shows <paramref name="slug"/>: builds its dashboard, asks for a reconciliation if it has none yet, and from then
    /// on rebuilds it whenever it changes, calling <paramref name="onChanged"/> after each rebuild (a component passes
    /// <c>() =&gt; InvokeAsync(StateHasChanged)</c>).
    /// </summary>
    public async Task StartAsync(string slug, Func<Task> onChanged, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        ArgumentNullException.ThrowIfNull(onChanged);
        _subscription?.Dispose();
        (Slug, _onChanged, _chosen) = (slug, onChanged, null);

        // Subscribe first: a change between the first build and the subscription would otherwise go unseen.
        _subscription = dashboards.Subscribe(slug, ChangedAsync);
        await RefreshAsync(cancellationToken);
        if (Current is { Reconciliation: null })
        {
            reconciliation.Request(slug);
        }
    }

    /// <summary>Shows the graph of <paramref name="context"/>.</summary>
    public Task SelectAsync(ContextRef context, CancellationToken cancellationToken = default)
    {
        _chosen = context;
        return RefreshAsync(cancellationToken);
    }

    /// <summary>Rebuilds the dashboard now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (Slug is not { } slug)
        {
            return;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            Current = await dashboards.BuildAsync(slug, _chosen, cancellationToken);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>Stops following the study.</summary>
    public void Dispose()
    {
        _subscription?.Dispose();
        _subscription = null;
    }

    private async Task ChangedAsync()
    {
        await RefreshAsync();
        if (_onChanged is { } onChanged)
        {
            await onChanged();
        }
    }
}
