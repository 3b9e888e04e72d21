using MoralGraph.Core.Events;
using MoralGraph.LanguageModels.Moderation;

namespace MoralGraph.Web.Live;

/// <summary>
/// Starts the model's moderation pass when a card is submitted: listens to every study's recorded events and asks
/// <see cref="ModelCardModerator"/> for a pass, which runs on the model job board — the participant's confirmation has
/// returned long before. After a flood (<see cref="ResyncNeeded"/>) every study seen so far gets a pass; a pass only checks
/// cards no pass has checked, so an extra one costs nothing. Registered only when a model is configured.
/// </summary>
public sealed class ModerationOnSubmission(StudyEventBroadcaster broadcaster, ModelCardModerator moderator) : BackgroundService
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private StudyFeed? _feed;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed before the host goes on, so no card submitted after start-up is missed.
        _feed = broadcaster.Subscribe(StudyEventBroadcaster.AllStudies, n => n is ResyncNeeded or EventRecorded { Recorded.Event: CardSubmitted });
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _feed?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = _feed ?? throw new InvalidOperationException("StartAsync subscribes the feed.");
        try
        {
            await foreach (var notification in feed.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (notification is EventRecorded recorded)
                {
                    _seen.Add(recorded.StudyId);
                    moderator.Request(recorded.StudyId);
                }
                else
                {
                    foreach (var studyId in _seen)
                    {
                        moderator.Request(studyId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
