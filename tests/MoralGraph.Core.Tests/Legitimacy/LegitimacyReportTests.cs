using System.Text.Json.Nodes;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Legitimacy;
using MoralGraph.Core.Participation;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Studies;
using NJsonSchema;
using static MoralGraph.Core.Tests.Builders;

namespace MoralGraph.Core.Tests.Legitimacy;

public sealed class LegitimacyReportTests
{
    private const double Tolerance = 1e-9;

    /// <summary>
    /// The fixture, two questions. Who did what (R = represented-by-process, F = graph-fair, V = values-expressed; 4 and 5 agree):
    /// <code>
    /// a  q1  interview, card, vote   R5 F4 V2
    /// b  q1  interview, card, vote   R4 F3
    /// c  q1  interview, card         R2
    /// d  q2  interview, card, vote   R5 F5
    /// e  q2  vote (joined while voting, no interview)   R3 F4
    /// f  q2  interview, card, vote   R5 F1   — then withdrew: counted nowhere
    /// g  joined, chose nothing
    /// </code>
    /// </summary>
    internal static IReadOnlyList<StudyEvent> Fixture()
    {
        var study = Study(("q1", ["c"]), ("q2", ["c"]));
        var events = new List<StudyEvent> { Defined(study) };
        Took("a", "q1", interview: true, vote: true, ("represented-by-process", 5), ("graph-fair", 4), ("values-expressed", 2));
        Took("b", "q1", interview: true, vote: true, ("represented-by-process", 4), ("graph-fair", 3));
        Took("c", "q1", interview: true, vote: false, ("represented-by-process", 2));
        Took("d", "q2", interview: true, vote: true, ("represented-by-process", 5), ("graph-fair", 5));
        Took("e", "q2", interview: false, vote: true, ("represented-by-process", 3), ("graph-fair", 4));
        Took("f", "q2", interview: true, vote: true, ("represented-by-process", 5), ("graph-fair", 1));
        events.Add(Withdrew("f", minute: 50));
        events.Add(Joined("g"));
        return events;

        void Took(string who, string question, bool interview, bool vote, params (string Id, int Answer)[] answers)
        {
            events.Add(Joined(who));
            events.Add(Chose(who, question));
            if (interview)
            {
                events.Add(Said(who, 0, InterviewRole.Interviewer, InterviewStage.Story, question: question));
                events.Add(Said(who, 1, InterviewRole.Participant, InterviewStage.Story, "I care about honesty.", question: question));
                events.Add(Submitted($"card-{who}", who, question));
            }

            if (vote)
            {
                events.Add(Cast(Vote(who, "card-a", "card-d", question: question)));
            }

            events.Add(new SurveyAnswered(who, answers.ToDictionary(a => a.Id, a => a.Answer)) { StudyId = "test-study", OccurredAt = T0.AddMinutes(40), Actor = who });
        }
    }

    private static LegitimacyReport Report() => LegitimacyReport.Of(StudyState.Replay(Fixture()));

    [Fact]
    public void The_survey_asks_the_papers_two_statements_and_agreement_is_4_or_5()
    {
        Assert.Contains("represented-by-process", Survey.QuestionIds);
        Assert.Contains("graph-fair", Survey.QuestionIds);
        Assert.Equal("felt well represented by the process", Survey.Statements["represented-by-process"]);
        Assert.All(Survey.QuestionIds, id => Assert.True(Survey.Statements.ContainsKey(id), id));
        Assert.False(Survey.Agrees(3));
        Assert.True(Survey.Agrees(4));
    }

    [Fact]
    public void Whole_study_shares_and_intervals_are_the_hand_computed_ones()
    {
        var report = Report();

        // Represented: a5 b4 c2 d5 e3 (f withdrew) → 3 of 5 = 0.6. Wilson, z = 1.95996, z² = 3.84146, n = 5:
        // centre = 0.6 + 3.84146/10 = 0.98415; margin = 1.95996·√(0.24/5 + 3.84146/100) = 0.57616; scale = 1 + 3.84146/5 = 1.76829;
        // low = (0.98415 − 0.57616)/1.76829 = 0.23072, high = (0.98415 + 0.57616)/1.76829 = 0.88238.
        var represented = report.Statements.Single(s => s.StatementId == "represented-by-process");
        Assert.Equal((5, 3), (represented.Respondents, represented.Agreeing));
        Assert.Equal(0.6, represented.Share!.Value, Tolerance);
        Assert.Equal(0.23072428127601285, represented.Low!.Value, Tolerance);
        Assert.Equal(0.8823792257673521, represented.High!.Value, Tolerance);

        // Fair: a4 b3 d5 e4 (c skipped it) → 3 of 4 = 0.75, Wilson 0.30064–0.95441.
        var fair = report.Statements.Single(s => s.StatementId == "graph-fair");
        Assert.Equal((4, 3), (fair.Respondents, fair.Agreeing));
        Assert.Equal(0.75, fair.Share!.Value, Tolerance);
        Assert.Equal(0.3006418425824019, fair.Low!.Value, Tolerance);
        Assert.Equal(0.9544127391902995, fair.High!.Value, Tolerance);

        // Values expressed: a2 alone → 0 of 1; the interval still reaches 0.79 (one answer says little).
        var expressed = report.Statements.Single(s => s.StatementId == "values-expressed");
        Assert.Equal((1, 0, 0.0), (expressed.Respondents, expressed.Agreeing, expressed.Share!.Value));
        Assert.Equal(0, expressed.Low!.Value, Tolerance);
        Assert.Equal(0.7934506856227626, expressed.High!.Value, Tolerance);

        // No one answered the others: no share, no interval, not a misleading 0 %.
        var untouched = report.Statements.Single(s => s.StatementId == "trust-process");
        Assert.Equal((0, 0), (untouched.Respondents, untouched.Agreeing));
        Assert.Null(untouched.Share);
        Assert.Null(untouched.Low);
        Assert.Equal(Survey.QuestionIds, report.Statements.Select(s => s.StatementId));
    }

    [Fact]
    public void Steps_count_what_each_participant_did_without_those_who_withdrew()
    {
        var report = Report();

        // Joined a b c d e g (f withdrew); chose a b c d e; interviewed and confirmed a b c d; voted a b d e; surveyed a b c d e.
        Assert.Equal(
            [("joined", 6), ("choseQuestion", 5), ("interviewed", 4), ("confirmedCard", 4), ("voted", 4), ("answeredSurvey", 5)],
            report.Steps.Select(s => (s.Step, s.Participants)));
        Assert.Equal(6, report.Participants);
        Assert.Equal(5, report.SurveyRespondents);
    }

    [Fact]
    public void Each_question_has_its_own_figures()
    {
        var report = Report();

        Assert.Equal(["q1", "q2"], report.Questions.Select(q => q.QuestionId));
        var q1 = report.Questions[0];
        var q2 = report.Questions[1];
        // q1: a b c. Represented a5 b4 c2 → 2 of 3 (Wilson 0.20766–0.93851); fair a4 b3 → 1 of 2 (0.09453–0.90547).
        Assert.Equal(3, q1.Participants);
        var q1Represented = q1.Statements.Single(s => s.StatementId == "represented-by-process");
        Assert.Equal((3, 2), (q1Represented.Respondents, q1Represented.Agreeing));
        Assert.Equal(0.20765960080204768, q1Represented.Low!.Value, Tolerance);
        Assert.Equal(0.9385080552796037, q1Represented.High!.Value, Tolerance);
        Assert.Equal((2, 1), Counts(q1, "graph-fair"));
        // q2: d e (f withdrew). Represented d5 e3 → 1 of 2; fair d5 e4 → 2 of 2, Wilson 0.34238–1.
        Assert.Equal(2, q2.Participants);
        Assert.Equal((2, 1), Counts(q2, "represented-by-process"));
        var q2Fair = q2.Statements.Single(s => s.StatementId == "graph-fair");
        Assert.Equal((2, 2), (q2Fair.Respondents, q2Fair.Agreeing));
        Assert.Equal(0.3423802275066531, q2Fair.Low!.Value, Tolerance);
        Assert.Equal(1, q2Fair.High!.Value, Tolerance);

        static (int, int) Counts(QuestionLegitimacy question, string id) =>
            question.Statements.Single(s => s.StatementId == id) is var s ? (s.Respondents, s.Agreeing) : default;
    }

    [Fact]
    public void A_withdrawal_takes_the_participants_answers_out_of_every_figure()
    {
        var events = Fixture().Where(e => e is not ParticipantWithdrew).ToList();

        var report = LegitimacyReport.Of(StudyState.Replay(events));

        // f back in: represented 4 of 6, fair 3 of 5 (f answered 1), seven joined.
        Assert.Equal((6, 4), (report.Statements[5].Respondents, report.Statements[5].Agreeing));
        Assert.Equal((5, 3), (report.Statements[6].Respondents, report.Statements[6].Agreeing));
        Assert.Equal(7, report.Participants);
    }

    [Fact]
    public async Task The_spec_carries_the_figures_valid_by_its_schema_and_reads_them_back_and_an_import_has_none()
    {
        var state = StudyState.Replay(Fixture());
        var spec = ExportFormats.Prepare(state.ToSnapshot(), new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 0 }), null).Spec;

        var json = AlignmentSpecJson.Write(spec);
        var document = JsonNode.Parse(json)!.AsObject();

        Assert.Equal("1.4.0", (string?)document["schemaVersion"]);
        var legitimacy = document["legitimacy"]!.AsObject();
        Assert.Equal(4, (int)legitimacy["agreeFrom"]!);
        var represented = legitimacy["statements"]!.AsArray().Single(s => (string?)s!["statementId"] == "represented-by-process")!;
        Assert.Equal(5, (int)represented["respondents"]!);
        Assert.Equal(3, (int)represented["agreeing"]!);
        Assert.Equal(0.6, (double)represented["share"]!, Tolerance);
        Assert.Null(legitimacy["statements"]!.AsArray().Single(s => (string?)s!["statementId"] == "trust-process")!["share"]);
        Assert.Equal(6, (int)legitimacy["steps"]![0]!["participants"]!);
        Assert.Null(AlignmentSpecJson.CheckHash(document));
        var schema = await JsonSchema.FromJsonAsync(AlignmentSpecJson.Schema);
        Assert.Empty(schema.Validate(json));
        represented["share"] = 1.5;
        Assert.NotEmpty(schema.Validate(document.ToJsonString()));
        Assert.DoesNotContain("honesty", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"a\"", json.Split("\"legitimacy\"")[1].Split("\"counts\"")[0], StringComparison.Ordinal);

        var read = AlignmentSpecJson.Read(json);
        Assert.Equal(spec.Legitimacy!.Steps, read.Legitimacy!.Steps);
        Assert.Equal(spec.Legitimacy.Statements, read.Legitimacy.Statements);
        Assert.Equal(spec.Legitimacy.Questions[1].Statements, read.Legitimacy.Questions[1].Statements);

        var imported = Snapshot(["x", "y"], [Vote("p1", "x", "y")]);
        var importedSpec = AlignmentSpecBuilder.Build(imported, new DefaultProfile(new DefaultProfileOptions { BootstrapResamples = 0 }).Reconcile(imported));
        Assert.Null(JsonNode.Parse(AlignmentSpecJson.Write(importedSpec))!["legitimacy"]);
    }

    [Fact]
    public void The_figures_are_the_same_on_every_replay_and_a_restored_state()
    {
        var state = StudyState.Replay(Fixture());
        var restored = StudyState.Restore(state.Capture());

        Assert.Equal(LegitimacyDocument.ToJson(LegitimacyReport.Of(state)), LegitimacyDocument.ToJson(LegitimacyReport.Of(StudyState.Replay(Fixture()))));
        Assert.Equal(LegitimacyDocument.ToJson(LegitimacyReport.Of(state)), LegitimacyDocument.ToJson(LegitimacyReport.Of(restored)));
    }

    [Fact]
    public void The_one_page_reports_show_counts_and_intervals_and_escape_the_studys_words()
    {
        var events = Fixture().ToList();
        var plain = Study(("q1", ["c"]), ("q2", ["c"]));
        var hostile = new Study(
            plain.Slug, "<script>alert(1)</script> & *study*", plain.Description, [plain.Questions[0] with { Title = "Q <b>one</b>" }, plain.Questions[1]],
            plain.RedLines, plain.Languages, plain.Phase, plain.VoteDrawSize);
        events[0] = Defined(hostile);
        var state = StudyState.Replay(events);
        var report = LegitimacyReport.Of(state);

        var html = LegitimacyDocument.ToHtml(report, state.Study!);
        var markdown = LegitimacyDocument.ToMarkdown(report, state.Study!);

        Assert.Contains("<tr><th scope=\"row\">Felt well represented by the process</th><td class=\"number\">3 of 5</td><td class=\"number\">60.0%</td><td class=\"number\">23.1%–88.2%</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; *study*", html, StringComparison.Ordinal);
        Assert.Contains("Q &lt;b&gt;one&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("honesty", html, StringComparison.Ordinal);
        Assert.Contains("| Felt well represented by the process | 3 of 5 | 60.0% | 23.1%–88.2% |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Thought the moral graph fair | 3 of 4 | 75.0% | 30.1%–95.4% |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Trust this process to find what people value | 0 of 0 | — | — |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Voted | 4 |", markdown, StringComparison.Ordinal);
        Assert.Contains("# Legitimacy report: \\<script\\>alert\\(1\\)\\</script\\> & \\*study\\*", markdown, StringComparison.Ordinal);
        Assert.Contains("### Q \\<b\\>one\\</b\\>", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("honesty", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "json")]
    [InlineData("HTML", "html")]
    [InlineData("markdown", "markdown")]
    [InlineData("pdf", null)]
    public void Formats_are_found_by_name(string? asked, string? found) => Assert.Equal(found, LegitimacyDocument.Find(asked));

    [Fact]
    public void A_study_no_one_joined_reports_zeros_without_shares()
    {
        var report = LegitimacyReport.Of(StudyState.Replay([Defined(Study())]));

        Assert.All(report.Steps, s => Assert.Equal(0, s.Participants));
        Assert.All(report.Statements, s => Assert.Null(s.Share));
        Assert.Null(StudyState.Replay([Defined(Study())]).ToSnapshot().Legitimacy);
    }
}
