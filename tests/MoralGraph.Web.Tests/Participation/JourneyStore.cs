using Microsoft.Extensions.Time.Testing;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>
/// The participation service as the app builds it — a LiteDB event log in a temporary folder, the embedded guided
/// interviewer and story writer speaking the app's English resources — on a fake clock.
/// </summary>
public sealed class JourneyStore : IDisposable
{
    public const string Slug = "kindness";
    public const string QuestionId = "grief";
    public const string ContextId = "comforting";

    public static readonly CardDraft ValidCard = ParticipantScript.ValidCard;

    private readonly string _folder = TestFolder.Create();

    /// <param name="around">Wraps the store before the live states (a store that fails, say); the store itself when null.</param>
    public JourneyStore(Func<IEventLog, IEventLog>? around = null)
    {
        Store = new LiteDbEventLog(Path.Combine(_folder, "journey.db"));
        Log = new StudyStates(around?.Invoke(Store) ?? Store, new NoStudySnapshots(), Time);
        var phrases = new LocalizedPhrasebook(EnglishJourneyText.Localizer);
        Service = new ParticipationService(Log, new GuidedInterviewer(phrases), new TemplateTransitionStoryWriter(phrases), Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    /// <summary>The LiteDB file.</summary>
    public LiteDbEventLog Store { get; }

    /// <summary>The live study states over it, which every write goes through (as in the app).</summary>
    public StudyStates Log { get; }

    public ParticipationService Service { get; }

    /// <summary>A one-question study with three values to compare from the start.</summary>
    public static Study Study(StudyPhase phase = StudyPhase.Interviewing, int? capacity = null, params InviteCode[] invites) =>
        new Study(Slug, "When is kindness wise?", "A study the web tests run.",
            [new Question(QuestionId, "Grief", "My friend just lost her father. What should I say to her?", [new StudyContext(ContextId, "When comforting someone")])],
            [new RedLine("no-cruelty", "Never mock a grieving person.")], ["en"], phase, voteDrawSize: 3)
        {
            Capacity = capacity,
            InviteCodes = invites,
            SeedValues =
            [
                new SeedValue(QuestionId, "Presence over advice", "The AI helps her simply be there.", ["MOMENTS when silence says more than words", "SIGNS she wants to talk about him"]),
                new SeedValue(QuestionId, "Practical help", "The AI suggests concrete things to do for her.", ["TASKS she has no energy for", "DAYS that will be hardest"]),
                new SeedValue(QuestionId, "Honest comfort", "The AI avoids empty phrases.", ["WORDS that sound kind but ring hollow", "MEMORIES of him she may want to share"]),
            ],
        };

    public async Task<JourneyStore> WithStudyAsync(Study study)
    {
        await Log.AppendAllAsync(StudyDefinitionEvents.For(study, Time.GetUtcNow(), "facilitator"));
        return this;
    }

    public async Task<IReadOnlyList<StudyEvent>> EventsAsync() => [.. (await Log.ReadStudyAsync(Slug)).Select(e => e.Event)];

    public async Task<List<T>> EventsAsync<T>()
        where T : StudyEvent => [.. (await EventsAsync()).OfType<T>()];

    public async Task<StudyState> StateAsync() => (await new StudyRepository(Log).LoadAsync(Slug))!;

    public Task<List<InterviewUpdate>> TurnAsync(string participantId, string? text, InterviewIntent intent = InterviewIntent.Answer) =>
        Service.TurnAsync(Slug, participantId, text, intent);

    public async Task<string> JoinedAsync(string? invite = null) => (await Service.JoinedAsync(Slug, invite)).ParticipantId;

    public Task<string> InterviewedAsync() => Service.InterviewedAsync(Slug);

    public Task<(string Participant, string CardId)> WithCardAsync() => Service.WithCardAsync(Slug);

    public void Dispose()
    {
        Log.Dispose();
        Store.Dispose();
        TestFolder.Delete(_folder);
    }
}
