using Microsoft.AspNetCore.SignalR;
using MoralGraph.Core.Events;

namespace MoralGraph.Web.Live;

/// <summary>
/// Sends every study's live notifications to the consoles that joined it on <see cref="StudyHub"/>, as compact messages.
/// With several app instances behind a Redis backplane, each instance sends what it appended itself and the backplane
/// carries it to every instance's clients; without one, each instance also sends what it followed from the others.
/// </summary>
public sealed class StudyHubForwarder(StudyEventBroadcaster broadcaster, StudyStates states, IHubContext<StudyHub> hub, IConfiguration configuration, ILogger<StudyHubForwarder> logger)
    : BackgroundService
{
    private readonly bool _backplane = !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis"));
    private StudyFeed? _feed;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _feed = broadcaster.Subscribe(StudyEventBroadcaster.AllStudies);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _feed?.Dispose();
        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = _feed ?? throw new InvalidOperationException("StartAsync subscribes the feed.");
        try
        {
            await foreach (var notification in feed.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ForwardAsync(notification, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "A live message for study {Study} could not be sent.", notification.StudyId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task ForwardAsync(StudyNotification notification, CancellationToken cancellationToken)
    {
        switch (notification)
        {
            case EventRecorded { FromOtherInstance: true } or ReconciliationUpdated { FromOtherInstance: true } when _backplane:
                // Its own instance sent it through the backplane.
                break;
            case EventRecorded { Recorded: var recorded }:
                // A card hidden by the time its submission is forwarded (a backlog) must not have its words sent.
                var hidden = recorded.Event is CardSubmitted card
                    && await states.ReadAsync(card.StudyId, (state, _) => state.HiddenCards.ContainsKey(card.CardId), cancellationToken);
                await Group(recorded.Event.StudyId).SendAsync(StudyHubMessages.Event, StudyHubMessages.For(recorded, _ => hidden), cancellationToken);
                break;
            case PresenceChanged changed:
                await Group(changed.StudyId).SendAsync(StudyHubMessages.Presence, LivePresenceMessage.From(changed.Presence), cancellationToken);
                break;
            case ReconciliationUpdated updated:
                await Group(updated.StudyId).SendAsync(StudyHubMessages.Reconciliation, LiveReconciliationMessage.From(updated.Result), cancellationToken);
                break;
            case ResyncNeeded:
                // This feed covers every study, so every console reloads.
                await hub.Clients.All.SendAsync(StudyHubMessages.Resync, StudyEventBroadcaster.AllStudies, cancellationToken);
                break;
        }
    }

    private IClientProxy Group(string slug) => hub.Clients.Group(StudyHub.GroupName(slug));
}
