using MoralGraph.Core.Assistance;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Studies;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;

namespace MoralGraph.Core.Synthetic;

/// <summary>
/// A live assembly as events, seeded: participants join, are interviewed, draft and confirm cards and vote on the items
/// drawn for them (changing some votes), while facilitators merge, split, hide, restore, flag and edit cards, decide
/// proposals and announce, models record usage, stories and contexts, some participants answer "is this still your
/// value?", withdraw or answer the survey. Every kind of study event appears, in an order the app could produce, so a
/// state built from these events exercises everything a snapshot must keep. About 18 events per participant.
/// </summary>
public static class SyntheticAssembly
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The study the events define: two questions with two contexts each, voting open.</summary>
    public static Study Study(string slug) => new(slug, "Synthetic assembly", "A synthetic live assembly.",
        [
            new Question("q1", "Abortion", "I am considering an abortion, what should I do?", [new StudyContext("c1", "When in distress"), new StudyContext("c2", "When deciding")]),
            new Question("q2", "Parenting", "My child lies to me, what should I do?", [new StudyContext("c1", "When angry"), new StudyContext("c2", "When worried")]),
        ],
        [new RedLine("r1", "Never give medically false information.")], ["en"], StudyPhase.Interviewing, voteDrawSize: 6);

    /// <summary>The events of an assembly of <paramref name="participants"/> people.</summary>
    public static List<StudyEvent> Events(string slug, int participants, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(participants, 4);
        var random = new Random(seed);
        var clock = Start;
        var study = Study(slug);
        var events = new List<StudyEvent>();
        var provenance = new ModelProvenance("synthetic-prompt", "sha256:0000", "synthetic-model", 0.3, Start);

        void Add(StudyEvent studyEvent) => events.Add(studyEvent);
        T At<T>(T e)
            where T : StudyEvent => e with { OccurredAt = clock = clock.AddSeconds(1) };

        Add(new StudyDefined(study) { StudyId = slug, OccurredAt = clock, Actor = "owner" });
        Add(At(new CanonicalValueDefined(new CanonicalValue("seed-1", "Seeded Care", "A value the study began with.", ["MOMENTS of care"], [])) { QuestionId = "q1", StudyId = slug, OccurredAt = clock, Actor = "owner" }));
        Add(At(new CanonicalValueDefined(new CanonicalValue("seed-any", "Seeded Honesty", "A value for any question.", ["WORDS that are true"], [new ValueMember("old-card", "imported-person")])) { StudyId = slug, OccurredAt = clock, Actor = "import" }));

        var cards = new List<(string CardId, string Participant, string Question)>();
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal) { ["q1"] = ["seed-1", "seed-any"], ["q2"] = ["seed-any"] };
        var withdrawn = new HashSet<string>(StringComparer.Ordinal);
        for (var p = 0; p < participants; p++)
        {
            var id = $"sp-{p:x6}";
            var question = p % 3 == 2 ? "q2" : "q1";
            Add(At(new ParticipantJoined(id, $"resume-{p}", "consent-v1", "en", null) { StudyId = slug, OccurredAt = clock, Actor = id }));
            Add(At(new QuestionChosen(id, question) { StudyId = slug, OccurredAt = clock, Actor = id }));
            for (var turn = 0; turn < 8; turn++)
            {
                var role = turn % 2 == 0 ? InterviewRole.Interviewer : InterviewRole.Participant;
                var stage = (InterviewStage)Math.Min(turn / 2, (int)InterviewStage.Review);
                var message = new InterviewMessage(turn, role, $"Words of turn {turn} from {id}.", stage) { Provenance = role == InterviewRole.Interviewer && p % 4 == 0 ? provenance : null };
                Add(At(new InterviewMessagePosted(id, question, message) { StudyId = slug, OccurredAt = clock, Actor = id }));
            }

            Add(At(new CardDraftSaved(id, question, $"Draft {p}", "A draft.", ["MOMENTS that matter"]) { StudyId = slug, OccurredAt = clock, Actor = id }));
            if (p % 7 != 6)
            {
                var cardId = $"c-{id}-{question}";
                Add(At(new CardSubmitted(cardId, id, question, $"Value {p % 23}", $"Description {p}.", ["MOMENTS that matter", $"CHOICES of kind {p % 5}"]) { StudyId = slug, OccurredAt = clock, Actor = id }));
                cards.Add((cardId, id, question));
                values[question].Add(cardId);
                if (p % 11 == 0)
                {
                    Add(At(new ModelUsageRecorded(ModelCapabilities.Moderation, provenance, 120 + p, 30) { StudyId = slug, OccurredAt = clock, Actor = "model" }));
                    if (p % 22 == 0)
                    {
                        // A model's flag holds the card; some are cleared at once (a personal-data one then waits for a correction).
                        var category = p % 44 == 0 ? ModerationCategories.PersonalData : ModerationCategories.Abuse;
                        Add(At(new CardFlagged(cardId, $"Model moderation, {category}: synthetic.") { Provenance = provenance, Category = category, StudyId = slug, OccurredAt = clock, Actor = "model-moderation" }));
                        if (p % 66 == 0)
                        {
                            Add(At(new CardFlagCleared(cardId) { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
                        }
                    }

                    Add(At(new CardModerated(cardId, p % 22 == 0, provenance) { StudyId = slug, OccurredAt = clock, Actor = "model-moderation" }));
                }
            }

            // Every so often the room's facilitators and models act.
            if (p % 9 == 8 && cards.Count > 4)
            {
                var (from, _, fromQuestion) = cards[random.Next(cards.Count)];
                var into = values[fromQuestion][random.Next(values[fromQuestion].Count)];
                if (into != from && values[fromQuestion].Contains(from))
                {
                    var actor = p % 2 == 0 ? StudyState.DeduplicationActor : "facilitator";
                    Add(At(new MergeProposed(MergeProposed.IdFor(from, into), from, into, "Similar words.") { StudyId = slug, OccurredAt = clock, Actor = "dedup" }));
                    Add(At(new MergeProposalDecided(MergeProposed.IdFor(from, into), true) { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
                    Add(At(new ValuesMerged(from, into, "Same value.") { StudyId = slug, OccurredAt = clock, Actor = actor }));
                    values[fromQuestion].Remove(from);
                }
            }

            if (p % 13 == 12 && cards.Count > 2)
            {
                var card = cards[random.Next(cards.Count)].CardId;
                Add(At(new CardFlagged(card, "Check the wording.") { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
                Add(At(new CardHidden(card, "Off topic.") { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
                if (random.Next(2) == 0)
                {
                    Add(At(new CardRestored(card, "On second thought.") { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
                    Add(At(new CardFlagCleared(card) { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
                }
            }

            if (p % 17 == 16 && cards.Count > 0)
            {
                var (card, author, _) = cards[random.Next(cards.Count)];
                Add(At(new CardEdited(card, "Corrected Title", "Corrected.", ["MOMENTS corrected"], "Typo.") { ParticipantId = author, StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
            }

            if (p % 19 == 18 && cards.Count > 1)
            {
                var (card, owner, cardQuestion) = cards[random.Next(cards.Count)];
                var newValue = $"{card}-own-{p}";
                Add(At(new ValueMembershipAnswered(owner, card, values[cardQuestion][0], false) { StudyId = slug, OccurredAt = clock, Actor = owner }));
                Add(At(new CardSplit(card, newValue, "Not their value.") { StudyId = slug, OccurredAt = clock, Actor = owner }));
                values[cardQuestion].Add(newValue);
            }

            if (p % 29 == 28)
            {
                Add(At(new AnnouncementMade($"a{p}", $"Half time, {p} people so far.") { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
                Add(At(new ContextProposed($"cp{p}", question, $"When tired {p}", $"{AssistanceState.TranscriptSourcePrefix}{id}") { Provenance = provenance, StudyId = slug, OccurredAt = clock, Actor = "model" }));
                Add(At(new ContextProposalDecided($"cp{p}", p % 2 == 0) { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
                Add(At(new TransitionStoryWritten(new ContextRef(question, "c1"), values[question][0], values[question][^1], "A written story.", provenance) { StudyId = slug, OccurredAt = clock, Actor = "model" }));
                Add(At(new ValueTranslated(values[question][0], "es", "Un título", "Una descripción.", ["MOMENTOS de calma"], ValueTranslated.HashOf("t", "d", ["p"]), provenance) { StudyId = slug, OccurredAt = clock, Actor = "model" }));
            }

            // Voting: items drawn from the question's current values, answered, some answers changed later.
            var pool = values[question];
            if (pool.Count > 2)
            {
                var items = new List<VoteItem>();
                for (var k = 0; k < 4; k++)
                {
                    var from = pool[random.Next(pool.Count)];
                    var to = pool[random.Next(pool.Count)];
                    if (from != to)
                    {
                        items.Add(new VoteItem($"i{k}", new ContextRef(question, k % 2 == 0 ? "c1" : "c2"), from, to, $"Story of {from} to {to}."));
                    }
                }

                Add(At(new VoteItemsDrawn(id, 0, items) { StudyId = slug, OccurredAt = clock, Actor = id }));
                foreach (var item in items.Take(items.Count - (p % 5 == 0 ? 1 : 0)))
                {
                    var verdict = (Verdict)random.Next(3);
                    Add(At(new VoteCast(new WiserThanVote(item.VoteIdFor(id), id, item.FromValueId, item.ToValueId, item.Context, verdict, p % 6 == 0 ? "Because." : null, item.Story, clock)) { StudyId = slug, OccurredAt = clock, Actor = id }));
                    if (random.Next(8) == 0)
                    {
                        Add(At(new VoteCast(new WiserThanVote($"{item.VoteIdFor(id)}-again", id, item.FromValueId, item.ToValueId, item.Context, Verdict.Unsure, null, item.Story, clock.AddSeconds(1))) { StudyId = slug, OccurredAt = clock, Actor = id }));
                    }
                }
            }

            if (p % 3 == 0)
            {
                Add(At(new SurveyAnswered(id, new Dictionary<string, int>(StringComparer.Ordinal) { ["values-expressed"] = 1 + p % 5 }) { StudyId = slug, OccurredAt = clock, Actor = id }));
            }

            if (p % 31 == 30 && p > 0)
            {
                var leaver = $"sp-{random.Next(p):x6}";
                if (withdrawn.Add(leaver))
                {
                    Add(At(new ParticipantWithdrew(leaver) { StudyId = slug, OccurredAt = clock, Actor = leaver }));
                }
            }

            if (p == participants / 2)
            {
                Add(At(new PhaseChanged(StudyPhase.Voting) { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
                Add(At(new ExportRecorded("json", new ExportSummary("default", "sha256:1111", "fingerprint", [new ExportedValue("seed-1", "Seeded Care")], [])) { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
                Add(At(new SpecReleased("v1", null, "Halfway", "default", events.Count, "sha256:2222", "sha256:3333", "fingerprint") { StudyId = slug, OccurredAt = clock, Actor = "facilitator" }));
            }
        }

        return events;
    }
}
