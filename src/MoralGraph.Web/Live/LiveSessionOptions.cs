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
    /// <summary>
    /// A study is reconciled once no vote, card or merge has arrived for this long: a burst of votes is one run, and a
    /// single vote shows on the dashboard about this long after it was cast (issue 13: it took 2–10 s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "LiveReconciliationOptions:QuietPeriod must be between 0 and 10 minutes.")]
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Runs for one study start at least this far apart, however busy the room is; a study whose runs take long gets a
    /// longer gap (<see cref="MaxBusyShare"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "LiveReconciliationOptions:MinInterval must be between 0 and 1 hour.")]
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most of the time one study's runs may take: after a run that took <c>d</c>, the next starts no sooner than
    /// <c>d / MaxBusyShare</c> after the last one started. A small study follows the votes within a second; a large
    /// one, whose run takes a second (the 15,000-value demo study), every ten seconds as before, so reconciling does
    /// not keep a core busy under load.
    /// </summary>
    [Range(0.01, 1.0, ErrorMessage = "LiveReconciliationOptions:MaxBusyShare must be between 0.01 and 1.")]
    public double MaxBusyShare { get; set; } = 0.1;

    /// <summary>
    /// While votes keep coming without a quiet moment, a study is still reconciled this long after the first vote
    /// not yet in a result (the dashboard must not freeze in a busy room).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "LiveReconciliationOptions:MaxDelay must be between 0 and 1 hour.")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Bootstrap resamples for the ranking's confidence (win share, score range); 0 turns them off.</summary>
    [Range(0, 10_000, ErrorMessage = "LiveReconciliationOptions:BootstrapResamples must be between 0 and 10,000.")]
    public int BootstrapResamples { get; set; } = 200;
}
