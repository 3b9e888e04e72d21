using MoralGraph.Core.Studies;
using MoralGraph.Tests;

namespace MoralGraph.Core.Tests.Studies;

public class StudyDefinitionReaderTests
{
    [Fact]
    public void The_shipped_example_study_is_valid_and_has_the_three_2023_prompts()
    {
        var result = StudyDefinitionReader.Read(File.ReadAllText(RepositoryFiles.PathOf("studies/dft-2023.yaml")));

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(["abortion", "parenting", "weapons"], result.Value!.Questions.Select(q => q.Id));
        Assert.Contains(result.Value.Questions[0].Contexts, c => c.Text == "When in distress");
        Assert.NotEmpty(result.Value.RedLines);
    }

    [Fact]
    public void Every_problem_names_its_field()
    {
        const string yaml = """
            slug: Bad Slug
            title: ""
            voteDrawSize: 0
            questions:
              - id: q1
                prompt: ""
                contexts: []
              - id: q1
                prompt: Again?
                contexts:
                  - text: When in distress
            """;
        var result = StudyDefinitionReader.Read(yaml);

        Assert.False(result.IsValid);
        var fields = result.Problems.Select(p => p.Field).ToList();
        Assert.Contains("slug", fields);
        Assert.Contains("title", fields);
        Assert.Contains("voteDrawSize", fields);
        Assert.Contains("questions[0].prompt", fields);
        Assert.Contains("questions[0].contexts", fields);
        Assert.Contains(result.Problems, p => p.Message.Contains("'q1' is used more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_carries_a_code_and_its_values_so_a_console_can_word_it_in_its_language()
    {
        const string yaml = """
            slug: access
            title: ""
            phase: someday
            questionAssignment: random
            capacity: 0
            license: CC-BY
            licence: CC-BY
            voteDrawSize: 0
            languages: []
            redLines:
              - statement: ""
            inviteCodes:
              - code: "bad code"
              - code: ok
              - code: OK
              - code: cap
                capacity: 0
            seedValues:
              - { question: nowhere, title: Seed, description: D., policies: [A] }
            questions:
              - id: q1
                prompt: ""
                contexts: []
              - id: q1
                prompt: Again?
                contexts:
                  - text: When in distress
                  - text: When in distress
                  - text: "!!!"
            """;
        var problems = StudyDefinitionReader.Read(yaml).Problems;

        Assert.All(problems, p => Assert.NotNull(p.Code));
        Assert.Equal(
            ["CapacityBelowOne", "ContextIdTwice", "ContextIdUnmade", "ContextsMissing", "InviteCapacityBelowOne", "InviteCodeShape", "InviteCodeTwice",
             "LanguagesMissing", "LicenseTwice", "PhaseUnknown", "QuestionAssignmentUnknown", "QuestionIdTwice", "QuestionPromptMissing",
             "RedLineStatementMissing", "SeedQuestionUnknown", "SlugReserved", "StudyTitleMissing", "VoteDrawSizeRange"],
            problems.Select(p => p.Code!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["someday"], problems.Single(p => p.Code == "PhaseUnknown").Arguments);
        Assert.Equal([0, 1, 50], problems.Single(p => p.Code == "VoteDrawSizeRange").Arguments);
    }

    [Fact]
    public void A_seed_values_card_problems_keep_the_cards_codes_under_the_seed_values_field()
    {
        var yaml = """
            slug: s
            title: T
            questions: [{ id: q, prompt: P, contexts: [{ text: When }] }]
            seedValues:
              - { question: q, title: Presence over advice, description: Be there., policies: [MOMENTS when silence says more, FEELINGS she has not named] }
            """;

        var problem = Assert.Single(StudyDefinitionReader.Read(yaml).Problems);

        Assert.Equal("seedValues[0].policies", problem.Field);
        Assert.Equal("PolicyCount", problem.Code);
        Assert.Equal([2, 3, 7], problem.Arguments);
    }

    [Theory]
    [InlineData("slug: [unclosed", "line")]
    [InlineData("slug: a\nunknownField: 1", "line 2")]
    [InlineData("", "empty")]
    public void Malformed_yaml_is_reported_with_where_it_went_wrong(string yaml, string expected)
    {
        var result = StudyDefinitionReader.Read(yaml);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => (p.Field + " " + p.Message).Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("When in distress", "when-in-distress")]
    [InlineData("困っているとき", "困っているとき")]
    [InlineData("Quand on hésite !", "quand-on-hésite")]
    [InlineData("!!!", "")]
    [InlineData("जब संकट में हों", "जब-संकट-में-हों")]
    public void Ids_made_from_text_keep_letters_of_any_script(string text, string expected)
    {
        Assert.Equal(expected, StudyDefinitionReader.Slugify(text));
    }

    [Fact]
    public void A_context_whose_text_gives_no_id_must_be_given_one()
    {
        var result = StudyDefinitionReader.Read("slug: s\ntitle: T\nquestions:\n  - id: q\n    prompt: P?\n    contexts:\n      - text: \"!!!\"\n");
        Assert.Contains(result.Problems, p => p.Field == "questions[0].contexts[0].id");
    }

    [Theory]
    [InlineData("license: CC-BY-4.0\n", "CC-BY-4.0")]
    [InlineData("licence: \"CC0-1.0\"\n", "CC0-1.0")]
    [InlineData("", null)]
    public void A_licence_is_read_under_either_spelling_and_written_back(string line, string? expected)
    {
        var result = StudyDefinitionReader.Read("slug: s\ntitle: T\n" + line + "questions:\n  - id: q\n    prompt: P?\n    contexts:\n      - text: When\n");

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(expected, result.Value!.License);
        Assert.Equal(expected, StudyDefinitionReader.Read(StudyDefinitionWriter.Write(result.Value)).Value!.License);
    }

    [Fact]
    public void Both_spellings_of_licence_at_once_are_refused()
    {
        var result = StudyDefinitionReader.Read("slug: s\ntitle: T\nlicense: A\nlicence: B\nquestions:\n  - id: q\n    prompt: P?\n    contexts:\n      - text: When\n");

        Assert.Contains(result.Problems, p => p.Field == "license");
    }

    [Fact]
    public void Phases_only_move_forward()
    {
        var study = StudyDefinitionReader.Read(File.ReadAllText(RepositoryFiles.PathOf("studies/dft-2023.yaml"))).Value!;
        Assert.Equal(StudyPhase.Voting, study.MoveTo(StudyPhase.Voting).Phase);
        Assert.Throws<InvalidOperationException>(() => study.MoveTo(StudyPhase.Draft));
    }

    private const string QuestionsYaml = """
        questions:
          - id: abortion
            prompt: What should I do?
            contexts:
              - text: When in distress
          - id: parenting
            prompt: How can I make him behave?
            contexts:
              - text: When parenting
        """;

    private const string SeedValueYaml = """
          - question: abortion
            title: Room to Decide
            description: The AI helps her think it through without steering her.
            policies:
              - MOMENTS when she feels torn between faith and future
              - FEELINGS of shame that keep her from asking for help
              - PEOPLE in her life who would listen without judging
        """;

    [Fact]
    public void Assignment_capacity_invite_codes_and_seed_values_are_read()
    {
        var yaml = $"""
            slug: s
            title: T
            questionAssignment: balanced
            capacity: 120
            inviteCodes:
              - code: CLASS-A
                capacity: 30
              - code: open2026
            seedValues:
            {SeedValueYaml}
            {QuestionsYaml}
            """;

        var result = StudyDefinitionReader.Read(yaml);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        var study = result.Value!;
        Assert.Equal(QuestionAssignment.Balanced, study.QuestionAssignment);
        Assert.Equal(120, study.Capacity);
        Assert.Equal([new InviteCode("CLASS-A", 30), new InviteCode("open2026")], study.InviteCodes);
        Assert.Equal(new InviteCode("CLASS-A", 30), study.FindInviteCode(" class-a "));
        Assert.Null(study.FindInviteCode("class-b"));
        var seed = Assert.Single(study.SeedValues);
        Assert.Equal(("abortion", "Room to Decide", "The AI helps her think it through without steering her."), (seed.QuestionId, seed.Title, seed.Description));
        Assert.Equal(3, seed.Policies.Count);
        Assert.Equal("seed-abortion-room-to-decide", seed.ValueId);
    }

    [Theory]
    [InlineData("participant-chooses", QuestionAssignment.ParticipantChooses)]
    [InlineData("ParticipantChooses", QuestionAssignment.ParticipantChooses)]
    [InlineData("Balanced", QuestionAssignment.Balanced)]
    public void Question_assignment_is_read_in_either_spelling(string written, QuestionAssignment expected)
    {
        var result = StudyDefinitionReader.Read($"slug: s\ntitle: T\nquestionAssignment: {written}\n{QuestionsYaml}");

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(expected, result.Value!.QuestionAssignment);
    }

    [Theory]
    [InlineData("questionAssignment: random", "questionAssignment")]
    [InlineData("questionAssignment: \"5\"", "questionAssignment")]
    [InlineData("questionAssignment: balanced, participant-chooses", "questionAssignment")]
    [InlineData("phase: \"7\"", "phase")]
    [InlineData("phase: draft, closed", "phase")]
    [InlineData("capacity: 0", "capacity")]
    [InlineData("capacity: -3", "capacity")]
    [InlineData("inviteCodes:\n  - code: CLASS-A\n  - code: class-a", "inviteCodes[1].code")]
    [InlineData("inviteCodes:\n  - code: class a!", "inviteCodes[0].code")]
    [InlineData("inviteCodes:\n  - code: \"\"", "inviteCodes[0].code")]
    [InlineData("inviteCodes:\n  - code: A\n    capacity: 0", "inviteCodes[0].capacity")]
    public void A_bad_participation_setting_is_a_problem_naming_its_field(string setting, string field)
    {
        var result = StudyDefinitionReader.Read($"slug: s\ntitle: T\n{setting}\n{QuestionsYaml}");

        Assert.False(result.IsValid);
        Assert.Equal([field], result.Problems.Select(p => p.Field));
    }

    [Fact]
    public void A_long_invite_code_is_refused_and_one_of_64_characters_is_read()
    {
        var longest = new string('A', 64);

        Assert.True(StudyDefinitionReader.Read($"slug: s\ntitle: T\ninviteCodes:\n  - code: {longest}\n{QuestionsYaml}").IsValid);
        Assert.Equal(["inviteCodes[0].code"], StudyDefinitionReader.Read($"slug: s\ntitle: T\ninviteCodes:\n  - code: {longest}B\n{QuestionsYaml}").Problems.Select(p => p.Field));
    }

    [Fact]
    public void A_seed_value_for_a_question_the_study_does_not_have_is_a_problem()
    {
        var result = StudyDefinitionReader.Read($"slug: s\ntitle: T\nseedValues:\n{SeedValueYaml.Replace("question: abortion", "question: weapons", StringComparison.Ordinal)}\n{QuestionsYaml}");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("seedValues[0].question", problem.Field);
        Assert.Contains("'weapons'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_seed_value_is_held_to_the_rules_of_a_participants_card()
    {
        const string seed = """
              - question: abortion
                title: Care
                description: The AI cares.
                policies:
                  - caring about her
            """;

        var result = StudyDefinitionReader.Read($"slug: s\ntitle: T\nseedValues:\n{seed}\n{QuestionsYaml}");

        Assert.False(result.IsValid);
        var fields = result.Problems.Select(p => p.Field).ToList();
        Assert.Contains("seedValues[0].title", fields);
        Assert.Contains("seedValues[0].policies", fields);
        Assert.Contains("seedValues[0].policies[0]", fields);
    }

    [Fact]
    public void Two_seed_values_with_the_same_title_for_one_question_are_a_problem()
    {
        var result = StudyDefinitionReader.Read($"slug: s\ntitle: T\nseedValues:\n{SeedValueYaml}\n{SeedValueYaml}\n{QuestionsYaml}");

        Assert.Equal(["seedValues[1].title"], result.Problems.Select(p => p.Field));
    }

    [Fact]
    public void A_study_that_sets_no_participation_keys_lets_anyone_join_and_choose()
    {
        var study = StudyDefinitionReader.Read($"slug: s\ntitle: T\n{QuestionsYaml}").Value!;

        Assert.Equal(QuestionAssignment.ParticipantChooses, study.QuestionAssignment);
        Assert.Null(study.Capacity);
        Assert.Empty(study.InviteCodes);
        Assert.Empty(study.SeedValues);
    }

    [Fact]
    public void The_participation_settings_survive_a_new_set_of_shared_red_lines()
    {
        var study = StudyDefinitionReader.Read($"slug: s\ntitle: T\nquestionAssignment: balanced\ncapacity: 5\ninviteCodes:\n  - code: A\nseedValues:\n{SeedValueYaml}\n{QuestionsYaml}").Value!;

        var shared = study.WithSharedRedLines([new RedLine("global", "Never deceive.", "global.yaml")]);

        Assert.Equal((QuestionAssignment.Balanced, 5), (shared.QuestionAssignment, shared.Capacity));
        Assert.Single(shared.InviteCodes);
        Assert.Single(shared.SeedValues);
    }
}
