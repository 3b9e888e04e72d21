using System.Text.Json.Serialization;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Participation;
using MoralGraph.Core.Statistics;

namespace MoralGraph.Core.Legitimacy;

/// <summary>
/// What a study can show about itself, as the Moral Graph Elicitation paper did ("89.1 % felt well represented by the
/// process"): per survey statement, how many answered and how many agreed (an answer of <see cref="Survey.AgreeFrom"/> or
/// more on the 1–5 scale), with the share's Wilson 95 % interval, for the whole study and per interview question; and how
/// many participants got through each step. Withdrawn participants are left out of every figure: their data is erased.
/// Counts only: no participant's words or ids.
/// </summary>
/// <param name="AgreeFrom">The lowest answer counted as agreeing (<see cref="Survey.AgreeFrom"/>).</param>
/// <param name="Steps">How many participants did each step, in journey order.</param>
/// <param name="Statements">Each survey statement over the whole study, in the order asked.</param>
/// <param name="Questions">Each interview question's participants and statements, in the study's order.</param>
public sealed record LegitimacyReport(int AgreeFrom, IReadOnlyList<LegitimacyStep> Steps, IReadOnlyList<StatementAgreement> Statements, IReadOnlyList<QuestionLegitimacy> Questions)
{
    /// <summary>Step id: agreed to the consent statement and joined.</summary>
    public const string Joined = "joined";

    /// <summary>Step id: chose (or was given) an interview question.</summary>
    public const string ChoseQuestion = "choseQuestion";

    /// <summary>Step id: said something in their interview.</summary>
    public const string Interviewed = "interviewed";

    /// <summary>Step id: confirmed a values card.</summary>
    public const string ConfirmedCard = "confirmedCard";

    /// <summary>Step id: cast at least one wiser-than vote.</summary>
    public const string Voted = "voted";

    /// <summary>Step id: answered the closing survey.</summary>
    public const string AnsweredSurvey = "answeredSurvey";

    /// <summary>Each step's name as a report and the dashboard show it, by step id.</summary>
    public static IReadOnlyDictionary<string, string> StepNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Joined] = "Agreed to take part",
        [ChoseQuestion] = "Chose a question",
        [Interviewed] = "Were interviewed",
        [ConfirmedCard] = "Confirmed a values card",
        [Voted] = "Voted",
        [AnsweredSurvey] = "Answered the survey",
    };

    /// <summary>Participants who joined and did not withdraw (the first step's count).</summary>
    [JsonIgnore]
    public int Participants => Steps[0].Participants;

    /// <summary>Participants who answered the survey.</summary>
    [JsonIgnore]
    public int SurveyRespondents => Steps[^1].Participants;

    /// <summary>
    /// The report of <paramref name="state"/>'s study (all zeros before anyone joins). Deterministic: a pure function of the
    /// events applied.
    /// </summary>
    /// <remarks>
    /// The steps count what each participant did, not the step their page shows now (the dashboard's funnel): once a
    /// study closes every page shows "done", yet who confirmed a card or voted stays what it was. Steps need not nest: a
    /// participant who joins while the study is voting votes without an interview.
    /// </remarks>
    public static LegitimacyReport Of(StudyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var study = state.Study ?? throw new ArgumentException("The study has not been defined.", nameof(state));
        var everyone = new Tally();
        var byQuestion = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var participant in state.Participation.All)
        {
            if (participant.Withdrawn)
            {
                continue;
            }

            everyone.Add(participant);
            if (participant.QuestionId is { } questionId)
            {
                if (!byQuestion.TryGetValue(questionId, out var tally))
                {
                    byQuestion[questionId] = tally = new Tally();
                }

                tally.Add(participant);
            }
        }

        // The study's questions in its order, each listed though no one chose it yet; then any a redefinition dropped.
        var questionIds = study.Questions.Select(q => q.Id).ToList();
        questionIds.AddRange(byQuestion.Keys.Except(questionIds, StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var questions = questionIds
            .Select(id => byQuestion.GetValueOrDefault(id) is { } tally
                ? new QuestionLegitimacy(id, tally.Participants, tally.Statements())
                : new QuestionLegitimacy(id, 0, new Tally().Statements()))
            .ToList();

        return new LegitimacyReport(Survey.AgreeFrom, everyone.Steps(), everyone.Statements(), questions);
    }

    /// <summary>Counts of one group of participants.</summary>
    private sealed class Tally
    {
        private readonly int[] _respondents = new int[Survey.QuestionIds.Count];
        private readonly int[] _agreeing = new int[Survey.QuestionIds.Count];
        private int _choseQuestion;
        private int _interviewed;
        private int _confirmedCard;
        private int _voted;
        private int _answeredSurvey;

        public int Participants { get; private set; }

        public void Add(ParticipantRecord participant)
        {
            Participants++;
            _choseQuestion += participant.QuestionId is null ? 0 : 1;
            _interviewed += participant.Transcript.Any(m => m.Role == InterviewRole.Participant) ? 1 : 0;
            _confirmedCard += participant.CardId is null ? 0 : 1;
            _voted += participant.VotedKeys.Count > 0 ? 1 : 0;
            if (participant.Survey is not { } answers)
            {
                return;
            }

            _answeredSurvey++;
            for (var i = 0; i < Survey.QuestionIds.Count; i++)
            {
                // A skipped question is absent; an answer outside the scale was refused before it was recorded.
                if (answers.TryGetValue(Survey.QuestionIds[i], out var answer) && answer is >= Survey.Min and <= Survey.Max)
                {
                    _respondents[i]++;
                    _agreeing[i] += Survey.Agrees(answer) ? 1 : 0;
                }
            }
        }

        public IReadOnlyList<LegitimacyStep> Steps() =>
        [
            new(Joined, Participants), new(ChoseQuestion, _choseQuestion), new(Interviewed, _interviewed),
            new(ConfirmedCard, _confirmedCard), new(Voted, _voted), new(AnsweredSurvey, _answeredSurvey),
        ];

        public IReadOnlyList<StatementAgreement> Statements() =>
            [.. Survey.QuestionIds.Select((id, i) => StatementAgreement.Of(id, _agreeing[i], _respondents[i]))];
    }
}

/// <summary>How many participants did one step.</summary>
/// <param name="Step">The step's id (<see cref="LegitimacyReport.Joined"/>, …).</param>
/// <param name="Participants">Participants (not withdrawn) who did it.</param>
public sealed record LegitimacyStep(string Step, int Participants);

/// <summary>Agreement with one survey statement.</summary>
/// <param name="StatementId">The survey question's id (<see cref="Survey.QuestionIds"/>).</param>
/// <param name="Statement">What those who agreed said, as a report words it (<see cref="Survey.Statements"/>).</param>
/// <param name="Respondents">Participants who answered the question.</param>
/// <param name="Agreeing">Those of them who agreed.</param>
/// <param name="Share">Agreeing ÷ respondents, or null when no one answered.</param>
/// <param name="Low">Lower bound of the share's Wilson 95 % interval, or null when no one answered.</param>
/// <param name="High">Upper bound of the share's Wilson 95 % interval, or null when no one answered.</param>
public sealed record StatementAgreement(string StatementId, string Statement, int Respondents, int Agreeing, double? Share, double? Low, double? High)
{
    /// <summary>The agreement of <paramref name="agreeing"/> out of <paramref name="respondents"/> with statement <paramref name="id"/>.</summary>
    public static StatementAgreement Of(string id, int agreeing, int respondents)
    {
        var interval = WilsonInterval.Of(agreeing, respondents);
        return new StatementAgreement(
            id, Survey.Statements.GetValueOrDefault(id, id), respondents, agreeing, respondents == 0 ? null : (double)agreeing / respondents, interval?.Low, interval?.High);
    }
}

/// <summary>The participants of one interview question and their agreement with each statement.</summary>
/// <param name="QuestionId">The question.</param>
/// <param name="Participants">Participants (not withdrawn) who chose it.</param>
/// <param name="Statements">Each survey statement among them, in the order asked.</param>
public sealed record QuestionLegitimacy(string QuestionId, int Participants, IReadOnlyList<StatementAgreement> Statements);
