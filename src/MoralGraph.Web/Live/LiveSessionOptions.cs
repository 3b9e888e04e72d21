using System.ComponentModel.DataAnnotations;

namespace MoralGraph.Web.Live;

/// <summary>Knobs of the live feeds behind the console (configuration section <c>LiveSessionOptions</c>).</summary>
public sealed class LiveSessionOptions
{
    /// <summary>
    /// Notifications a subscriber may fall behind by. When its feed is full the oldest are dropped and it is told to
    /// resync, so a slow console never holds up a participant's append.
    /// </summary>
    [Range(4, 1_000_000, ErrorMessage = "LiveSessionOptions:FeedCapacity must be between 4 and 1,000,000.")]
    public int FeedCapacity { get; set; } = 4096;

    /// <summary>Dashboards are rebuilt at most this often while events keep arriving (a burst of votes is one refresh).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ErrorMessage = "LiveSessionOptions:DashboardRefreshInterval must be between 0 and 10 seconds.")]
    public TimeSpan DashboardRefreshInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>When the background reconciliation runs (configuration section <c>LiveReconciliationOptions</c>).</summary>
public sealed class LiveReconciliationOptions
{
    /// <summary>A study is reconciled once no vote, card or merge has arrived for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "LiveReconciliationOptions:QuietPeriod must be between 0 and 10 minutes.")]
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Runs for one study start at least this far apart, however busy the room is.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "LiveReconciliationOptions:MinInterval must be between 0 and 1 hour.")]
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// While votes keep coming without a quiet moment, a study is still reconciled this long after the first vote
    /// not yet in a result (the dashboard must not freeze in a busy room).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "LiveReconciliationOptions:MaxDelay must be between 0 and 1 hour.")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Bootstrap resamples for the ranking's confidence (win share, score range); 0 turns them off.</summary>
    [Range(0, 10_000, ErrorMessage = "LiveReconciliationOptions:BootstrapResamples must be between 0 and 10,000.")]
    public int BootstrapResamples { get; set; } = 200;
}
