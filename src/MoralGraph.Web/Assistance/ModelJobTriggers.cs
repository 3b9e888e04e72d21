using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Contexts;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.LanguageModels.Stories;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Assistance;

/// <summary>
/// Starts model work when the study calls for it, whoever caused it (console, API or participant): transition stories
/// when a study moves to voting, and context proposals from an interview when its participant submits their card. It
/// only queues jobs on the <see cref="ModelJobBoard"/>: the request that recorded the event never waits on a model.
/// </summary>
public sealed class ModelJobTriggers : BackgroundService
{
    private readonly ModelJobBoard _jobs;
    private readonly ModelTransitionStoryGenerator _stories;
    private readonly ModelContextProposer _contexts;
    private readonly ILogger<ModelJobTriggers> _logger;
    private readonly StudyFeed _feed;

    /// <summary>Subscribes at once, so no event recorded after the app is built is missed.</summary>
    public ModelJobTriggers(StudyEventBroadcaster broadcaster, ModelJobBoard jobs, ModelTransitionStoryGenerator stories, ModelContextProposer contexts, ILogger<ModelJobTriggers> logger)
    {
        ArgumentNullException.ThrowIfNull(broadcaster);
        _jobs = jobs;
        _stories = stories;
        _contexts = contexts;
        _logger = logger;
        _feed = broadcaster.Subscribe(StudyEventBroadcaster.AllStudies, IsTrigger);
    }

    /// <summary>True for the events that start model work (a feed's own <see cref="ResyncNeeded"/> comes through regardless).</summary>
    public static bool IsTrigger(StudyNotification notification) => notification is EventRecorded
    {
        Recorded.Event: PhaseChanged { Phase: StudyPhase.Voting } or CardSubmitted,
    };

    /// <inheritdoc />
    public override void Dispose()
    {
        _feed.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in _feed.ReadAllAsync(stoppingToken))
            {
                switch (notification)
                {
                    case EventRecorded { Recorded.Event: PhaseChanged changed }:
                        _jobs.TryEnqueue(_stories.JobFor(changed.StudyId));
                        break;
                    // Only a card its author submitted ends an interview (not one imported or written by a facilitator).
                    case EventRecorded { Recorded.Event: CardSubmitted card } when card.Actor == card.ParticipantId:
                        _jobs.TryEnqueue(_contexts.TranscriptJobFor(card.StudyId, card.ParticipantId));
                        break;
                    case ResyncNeeded resync:
                        _logger.LogWarning("{Dropped} study event(s) arrived faster than model work could be queued; stories or contexts for them can be started from the console.", resync.Dropped);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
