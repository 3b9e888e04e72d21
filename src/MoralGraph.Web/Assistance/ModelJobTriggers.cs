using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.LanguageModels.Contexts;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.LanguageModels.Moderation;
using MoralGraph.LanguageModels.Stories;
using MoralGraph.LanguageModels.Translation;
using MoralGraph.Web.Live;
using MoralGraph.Web.Localization;

namespace MoralGraph.Web.Assistance;

/// <summary>
/// Starts model work when the study calls for it, whoever caused it (console, API or participant): transition stories
/// and translations of its values when a study moves to voting; on a submitted card, a moderation pass, context proposals
/// from its interview and, in a study offered in several languages, translations of the values that lack them. It
/// only queues jobs on the <see cref="ModelJobBoard"/>: the request that recorded the event never waits on a model.
/// After a flood (<see cref="ResyncNeeded"/>) every study seen so far gets a moderation pass: a pass checks only cards
/// no pass has checked, so an extra one costs nothing.
/// </summary>
public sealed class ModelJobTriggers : BackgroundService
{
    private readonly ModelJobBoard _jobs;
    private readonly ModelTransitionStoryGenerator _stories;
    private readonly ModelContextProposer _contexts;
    private readonly ModelCardModerator _moderator;
    private readonly ModelValueTranslator _translator;
    private readonly StudyLanguageCache _languages;
    private readonly HashSet<string> _studiesWithCards = new(StringComparer.Ordinal);
    private readonly ILogger<ModelJobTriggers> _logger;
    private readonly StudyFeed _feed;

    /// <summary>Subscribes at once, so no event recorded after the app is built is missed.</summary>
    public ModelJobTriggers(StudyEventBroadcaster broadcaster, ModelJobBoard jobs, ModelTransitionStoryGenerator stories, ModelContextProposer contexts,
        ModelCardModerator moderator, ModelValueTranslator translator, StudyLanguageCache languages, ILogger<ModelJobTriggers> logger)
    {
        ArgumentNullException.ThrowIfNull(broadcaster);
        _jobs = jobs;
        _stories = stories;
        _contexts = contexts;
        _moderator = moderator;
        _translator = translator;
        _languages = languages;
        _logger = logger;
        _feed = broadcaster.Subscribe(StudyEventBroadcaster.AllStudies, IsTrigger);
    }

    /// <summary>True for the events that start model work (a feed's own <see cref="ResyncNeeded"/> comes through regardless).</summary>
    /// <remarks>
    /// Only events this instance recorded: of several instances on one log, the one that recorded an event starts its
    /// model work, so it runs once.
    /// </remarks>
    public static bool IsTrigger(StudyNotification notification) => notification is EventRecorded
    {
        FromOtherInstance: false,
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
                        if (await OffersSeveralLanguagesAsync(changed.StudyId, stoppingToken))
                        {
                            _translator.Request(changed.StudyId);
                        }

                        break;
                    case EventRecorded { Recorded.Event: CardSubmitted card }:
                        _studiesWithCards.Add(card.StudyId);
                        _moderator.Request(card.StudyId);
                        // Only a card its author submitted ends an interview (not one imported or written by a facilitator).
                        if (card.Actor == card.ParticipantId)
                        {
                            _jobs.TryEnqueue(_contexts.TranscriptJobFor(card.StudyId, card.ParticipantId));
                        }

                        if (await OffersSeveralLanguagesAsync(card.StudyId, stoppingToken))
                        {
                            _translator.Request(card.StudyId);
                        }

                        break;
                    case ResyncNeeded resync:
                        _logger.LogWarning("{Dropped} study event(s) arrived faster than model work could be queued; stories or contexts for them can be started from the console.", resync.Dropped);
                        foreach (var studyId in _studiesWithCards)
                        {
                            _moderator.Request(studyId);
                        }

                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // Translations are for studies offered in more than one language (es-ES and es-MX are one); the others queue none.
    private async Task<bool> OffersSeveralLanguagesAsync(string studyId, CancellationToken cancellationToken) =>
        await _languages.LanguagesOfAsync(studyId, cancellationToken) is { } languages
        && languages.Select(MoralGraph.Core.Text.LanguageTags.Primary).Distinct(StringComparer.Ordinal).Skip(1).Any();
}
