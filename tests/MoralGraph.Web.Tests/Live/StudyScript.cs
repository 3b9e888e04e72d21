using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Voting;

namespace MoralGraph.Web.Tests.Live;

/// <summary>A study written event by event, the way participants and facilitators would make it, on its own clock.</summary>
public sealed class StudyScript(string slug = StudyScript.DefaultSlug, StudyPhase phase = StudyPhase.Interviewing)
{
    public const string DefaultSlug = "live-check";
    public const string Grief = "grief";
    public const string Comforting = "comforting";
    public const string Deciding = "deciding";
    public const string Work = "work";
    public const string Feedback = "feedback";

    public static readonly ContextRef GriefComforting = new(Grief, Comforting);
    public static readonly ContextRef GriefDeciding = new(Grief, Deciding);
    public static readonly ContextRef WorkFeedback = new(Work, Feedback);

    private DateTimeOffset _clock = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private int _items;

    public string Slug { get; } = slug;

    public Study Study { get; } = new Study(slug, "Live check", "A study the live tests run.",
        [
            new Question(Grief, "Grief", "My friend just lost her father. What should I say?", [new StudyContext(Comforting, "When comforting someone"), new StudyContext(Deciding, "When helping someone decide")]),
            new Question(Work, "Work", "My colleague keeps missing deadlines. What should I do?", [new StudyContext(Feedback, "When giving feedback")]),
        ],
        [], ["en"], phase, voteDrawSize: 4)
    {
        SeedValues =
        [
            new SeedValue(Grief, "Presence over advice", "Be there.", ["MOMENTS when silence says more than words"]),
            new SeedValue(Grief, "Practical help", "Do things.", ["TASKS she has no energy for"]),
            new SeedValue(Grief, "Honest comfort", "No empty phrases.", ["WORDS that ring hollow"]),
            new SeedValue(Work, "Direct feedback", "Say it plainly.", ["FACTS about the missed deadlines"]),
            new SeedValue(Work, "Curious support", "Ask first.", ["REASONS behind the delays"]),
        ],
    };

    public string Value(int seed) => Study.SeedValues[seed].ValueId;

    public List<StudyEvent> Definition() => StudyDefinitionEvents.For(Study, _clock, "facilitator");

    public StudyEvent Join(string participant) => Stamp(new ParticipantJoined(participant, $"hash-{participant}", "v1", "en", null) { StudyId = Slug, OccurredAt = default, Actor = participant });

    public StudyEvent Choose(string participant, string question = Grief) => Stamp(new QuestionChosen(participant, question) { StudyId = Slug, OccurredAt = default, Actor = participant });

    public StudyEvent ReachReview(string participant, string question = Grief) => Stamp(new InterviewMessagePosted(
        participant, question, new InterviewMessage(0, InterviewRole.Interviewer, "Here is your card.", InterviewStage.Review)) { StudyId = Slug, OccurredAt = default, Actor = participant });

    public StudyEvent Card(string participant, string cardId, string title, string question = Grief) => Stamp(new CardSubmitted(
        cardId, participant, question, title, $"{title}, described.", [$"MOMENTS of {title.ToLowerInvariant()}"]) { StudyId = Slug, OccurredAt = default, Actor = participant });

    public (StudyEvent Drawn, IReadOnlyList<VoteItem> Items) Draw(string participant, params (string From, string To, ContextRef Context)[] pairs)
    {
        var items = pairs.Select(p => new VoteItem($"item-{++_items}", p.Context, p.From, p.To, "A story.")).ToList();
        return (Stamp(new VoteItemsDrawn(participant, 0, items) { StudyId = Slug, OccurredAt = default, Actor = participant }), items);
    }

    public StudyEvent Vote(string participant, VoteItem item, Verdict verdict = Verdict.Wiser, string? voteId = null) =>
        Vote(participant, item.FromValueId, item.ToValueId, item.Context, verdict, voteId ?? item.VoteIdFor(participant));

    public StudyEvent Vote(string participant, string from, string to, ContextRef context, Verdict verdict = Verdict.Wiser, string? voteId = null)
    {
        var at = Tick();
        return new VoteCast(new WiserThanVote(voteId ?? $"{participant}:{from}>{to}@{context}:{at.Ticks}", participant, from, to, context, verdict, null, null, at))
        {
            StudyId = Slug, OccurredAt = at, Actor = participant,
        };
    }

    public StudyEvent Survey(string participant) => Stamp(new SurveyAnswered(participant, new Dictionary<string, int> { ["clarity"] = 4 }) { StudyId = Slug, OccurredAt = default, Actor = participant });

    public StudyEvent Survey(string participant, params (string Id, int Answer)[] answers) =>
        Stamp(new SurveyAnswered(participant, answers.ToDictionary(a => a.Id, a => a.Answer)) { StudyId = Slug, OccurredAt = default, Actor = participant });

    public StudyEvent Withdraw(string participant) => Stamp(new ParticipantWithdrew(participant) { StudyId = Slug, OccurredAt = default, Actor = participant });

    public StudyEvent Hide(string cardId, string reason = "off topic") => Stamp(new CardHidden(cardId, reason) { StudyId = Slug, OccurredAt = default, Actor = "facilitator" });

    public StudyEvent Flag(string cardId, string reason = "check wording") => Stamp(new CardFlagged(cardId, reason) { StudyId = Slug, OccurredAt = default, Actor = "facilitator" });

    /// <summary>A flag as the model moderation pass raises it (with provenance and category): it holds the card.</summary>
    public StudyEvent ModelFlag(string cardId, string category, string reason = "it names a real person") => Stamp(new CardFlagged(cardId, $"Model moderation, {category}: {reason}")
    {
        StudyId = Slug, OccurredAt = default, Actor = "model-moderation", Category = category,
        Provenance = new Core.Assistance.ModelProvenance("card-moderation", "sha256:test", "test-model", 0.3, _clock),
    });

    public StudyEvent Propose(string from, string into) => Stamp(new MergeProposed(MergeProposed.IdFor(from, into), from, into, "similar wording") { StudyId = Slug, OccurredAt = default, Actor = "dedup" });

    private StudyEvent Stamp(StudyEvent studyEvent) => studyEvent with { OccurredAt = Tick() };

    private DateTimeOffset Tick() => _clock = _clock.AddSeconds(1);
}
