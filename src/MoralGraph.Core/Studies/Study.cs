using MoralGraph.Core.Elicitation;

namespace MoralGraph.Core.Studies;

/// <summary>Where a study is in its life. Transitions only move forward (see <see cref="StudyPhases"/>).</summary>
public enum StudyPhase
{
    /// <summary>Being prepared; participants cannot join.</summary>
    Draft,

    /// <summary>Participants articulate values cards.</summary>
    Interviewing,

    /// <summary>Participants vote on wiser-than pairs.</summary>
    Voting,

    /// <summary>No more contributions; results are final.</summary>
    Closed,
}

/// <summary>Rules for moving between phases.</summary>
public static class StudyPhases
{
    /// <summary>True when a study may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanMove(StudyPhase from, StudyPhase to) => to > from;
}

/// <summary>A context in which one value may be wiser than another, scoped to its question ("When in distress").</summary>
/// <param name="Id">Id unique within the question.</param>
/// <param name="Text">The context as participants read it.</param>
public sealed record StudyContext(string Id, string Text);

/// <summary>A contentious prompt participants consider: "how should an AI answer someone who asks this?"</summary>
/// <param name="Id">Id unique within the study.</param>
/// <param name="Title">Short label, e.g. "Abortion".</param>
/// <param name="Prompt">The user's message the AI must answer.</param>
/// <param name="Contexts">The contexts votes on this question are cast in.</param>
public sealed record Question(string Id, string Title, string Prompt, IReadOnlyList<StudyContext> Contexts)
{
    /// <summary>The context with <paramref name="contextId"/>, or null.</summary>
    public StudyContext? FindContext(string contextId) => Contexts.FirstOrDefault(c => c.Id == contextId);
}

/// <summary>Something the AI must never do, whatever the moral graph says. Red lines take precedence over every value.</summary>
/// <param name="Id">Stable id.</param>
/// <param name="Statement">The rule, e.g. "Never give operational help to commit violence."</param>
/// <param name="Source">Where it comes from: "study" or the name of a shared file of global minimums.</param>
public sealed record RedLine(string Id, string Statement, string Source = "study");

/// <summary>How a participant comes to a question.</summary>
public enum QuestionAssignment
{
    /// <summary>The participant picks one of the study's questions.</summary>
    ParticipantChooses,

    /// <summary>The study gives each new participant the question with the fewest participants so far, so all fill evenly.</summary>
    Balanced,
}

/// <summary>A code that admits participants to a study, optionally up to a number of them.</summary>
/// <param name="Code">What participants type or follow in a link (compared case-insensitively).</param>
/// <param name="Capacity">How many participants may join with it; null for no limit beyond the study's.</param>
public sealed record InviteCode(string Code, int? Capacity = null);

/// <summary>
/// A value written by the study's authors so a fresh study has something to compare in the voting step
/// (e.g. the example study). It enters the study as a canonical value of its question, with no member card.
/// </summary>
/// <param name="QuestionId">The question it answers.</param>
/// <param name="Title">Its title.</param>
/// <param name="Description">Its description.</param>
/// <param name="Policies">Its attentional policies.</param>
public sealed record SeedValue(string QuestionId, string Title, string Description, IReadOnlyList<string> Policies)
{
    /// <summary>The canonical value id it is stored under: stable for the same question and title.</summary>
    public string ValueId => $"seed-{QuestionId}-{StudyDefinitionReader.Slugify(Title)}";
}

/// <summary>A value-elicitation study: its questions with their contexts, red lines, languages and phase.</summary>
public sealed record Study
{
    /// <summary>Creates a study; use <see cref="Validate"/> (or <see cref="StudyDefinitionReader"/>) to get every problem first.</summary>
    public Study(string slug, string title, string description, IReadOnlyList<Question> questions, IReadOnlyList<RedLine> redLines,
        IReadOnlyList<string> languages, StudyPhase phase, int voteDrawSize)
    {
        var problems = Validate(slug, title, questions, languages, voteDrawSize);
        if (problems.Count > 0)
        {
            throw new DomainValidationException($"study '{slug}'", problems);
        }

        Slug = slug;
        Title = title;
        Description = description;
        Questions = questions;
        RedLines = redLines;
        Languages = languages;
        Phase = phase;
        VoteDrawSize = voteDrawSize;
    }

    /// <summary>URL-safe id, e.g. "dft-2023".</summary>
    public string Slug { get; }

    /// <summary>Human title.</summary>
    public string Title { get; }

    /// <summary>What the study is for, shown to participants.</summary>
    public string Description { get; }

    /// <summary>The contentious prompts.</summary>
    public IReadOnlyList<Question> Questions { get; }

    /// <summary>What the AI must never do; layer 1 of the alignment spec.</summary>
    public IReadOnlyList<RedLine> RedLines { get; }

    /// <summary>BCP-47 language tags participants may use.</summary>
    public IReadOnlyList<string> Languages { get; }

    /// <summary>
    /// The study's language a participant asking for <paramref name="requested"/> takes part in: the study's tag in the
    /// same language (<c>es</c> finds <c>es-ES</c>), else the study's first language.
    /// </summary>
    public string LanguageFor(string? requested)
    {
        static string Primary(string tag) => Text.LanguageTags.Primary(tag);
        return string.IsNullOrWhiteSpace(requested)
            ? Languages[0]
            : Languages.FirstOrDefault(l => l.Equals(requested.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? Languages.FirstOrDefault(l => Primary(l) == Primary(requested))
                ?? Languages[0];
    }

    /// <summary>The current phase.</summary>
    public StudyPhase Phase { get; init; }

    /// <summary>How many wiser-than items each participant is shown.</summary>
    public int VoteDrawSize { get; }

    /// <summary>Whether participants choose their question or are given one.</summary>
    public QuestionAssignment QuestionAssignment { get; init; }

    /// <summary>Most participants who may join; null for no limit.</summary>
    public int? Capacity { get; init; }

    /// <summary>When any are set, joining needs one of these codes; each may have its own capacity.</summary>
    public IReadOnlyList<InviteCode> InviteCodes { get; init; } = [];

    /// <summary>
    /// The licence the study's published data is under (an SPDX id such as <c>CC-BY-4.0</c>, or words), for the dataset
    /// cards of its training-data exports; null when the study's owners have not said.
    /// </summary>
    public string? License { get; init; }

    /// <summary>Values the study starts with (see <see cref="SeedValue"/>).</summary>
    public IReadOnlyList<SeedValue> SeedValues { get; init; } = [];

    /// <summary>The invite code matching <paramref name="code"/> (case-insensitive, trimmed), or null.</summary>
    public InviteCode? FindInviteCode(string? code) => string.IsNullOrWhiteSpace(code)
        ? null
        : InviteCodes.FirstOrDefault(c => string.Equals(c.Code, code.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The question with <paramref name="questionId"/>, or null.</summary>
    public Question? FindQuestion(string questionId) => Questions.FirstOrDefault(q => q.Id == questionId);

    /// <summary>This study with <paramref name="shared"/> red lines added after its own (same id: the study's own wins).</summary>
    public Study WithSharedRedLines(IEnumerable<RedLine> shared)
    {
        var own = RedLines.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        return Rebuilt(Questions, [.. RedLines, .. shared.Where(r => own.Add(r.Id))]);
    }

    /// <summary>
    /// This study with <paramref name="context"/> added to the question <paramref name="questionId"/> (an accepted
    /// proposal); throws when there is no such question or its id is taken there.
    /// </summary>
    public Study WithContext(string questionId, StudyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var question = FindQuestion(questionId) ?? throw new ArgumentException($"Study '{Slug}' has no question '{questionId}'.", nameof(questionId));
        if (question.FindContext(context.Id) is not null)
        {
            throw new ArgumentException($"Question '{questionId}' already has a context '{context.Id}'.", nameof(context));
        }

        return Rebuilt([.. Questions.Select(q => q.Id == questionId ? q with { Contexts = [.. q.Contexts, context] } : q)], RedLines);
    }

    // Through the constructor, so the changed questions or red lines are validated again; every other setting is kept.
    private Study Rebuilt(IReadOnlyList<Question> questions, IReadOnlyList<RedLine> redLines) =>
        new(Slug, Title, Description, questions, redLines, Languages, Phase, VoteDrawSize)
        {
            QuestionAssignment = QuestionAssignment, Capacity = Capacity, InviteCodes = InviteCodes, SeedValues = SeedValues,
        };

    /// <summary>This study in another phase, refusing moves backwards.</summary>
    public Study MoveTo(StudyPhase phase) => StudyPhases.CanMove(Phase, phase)
        ? this with { Phase = phase }
        : throw new InvalidOperationException($"Study '{Slug}' cannot move from {Phase} to {phase}.");

    /// <summary>Every problem with these study fields.</summary>
    public static List<ValidationProblem> Validate(string slug, string title, IReadOnlyList<Question> questions, IReadOnlyList<string> languages, int voteDrawSize)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(languages);
        var problems = new List<ValidationProblem>();
        if (string.IsNullOrWhiteSpace(slug) || !slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            problems.Add(new("slug", $"'{slug}' is not a valid slug: use lower-case letters, digits and '-'.") { Code = "SlugShape", Arguments = [slug] });
        }

        if (string.IsNullOrWhiteSpace(title))
        {
            problems.Add(new("title", "The study needs a title.") { Code = "StudyTitleMissing" });
        }

        if (questions.Count == 0)
        {
            problems.Add(new("questions", "The study needs at least one question.") { Code = "QuestionsMissing" });
        }

        foreach (var duplicate in questions.GroupBy(q => q.Id).Where(g => g.Count() > 1))
        {
            problems.Add(new("questions", $"Question id '{duplicate.Key}' is used more than once.") { Code = "QuestionIdTwice", Arguments = [duplicate.Key] });
        }

        for (var i = 0; i < questions.Count; i++)
        {
            var question = questions[i];
            if (string.IsNullOrWhiteSpace(question.Id))
            {
                problems.Add(new($"questions[{i}].id", "The question needs an id.") { Code = "QuestionIdMissing" });
            }

            if (string.IsNullOrWhiteSpace(question.Prompt))
            {
                problems.Add(new($"questions[{i}].prompt", "The question needs a prompt.") { Code = "QuestionPromptMissing" });
            }

            if (question.Contexts.Count == 0)
            {
                problems.Add(new($"questions[{i}].contexts", "The question needs at least one context, e.g. \"When in distress\".") { Code = "ContextsMissing" });
            }

            foreach (var duplicate in question.Contexts.GroupBy(c => c.Id).Where(g => g.Count() > 1))
            {
                problems.Add(new($"questions[{i}].contexts", $"Context id '{duplicate.Key}' is used more than once.") { Code = "ContextIdTwice", Arguments = [duplicate.Key] });
            }

            for (var j = 0; j < question.Contexts.Count; j++)
            {
                if (string.IsNullOrWhiteSpace(question.Contexts[j].Text))
                {
                    problems.Add(new($"questions[{i}].contexts[{j}].text", "The context needs its text.") { Code = "ContextTextMissing" });
                }
                else if (string.IsNullOrWhiteSpace(question.Contexts[j].Id))
                {
                    problems.Add(new($"questions[{i}].contexts[{j}].id", "No id could be made from this context's text; give it an id.") { Code = "ContextIdUnmade" });
                }
            }
        }

        if (languages.Count == 0)
        {
            problems.Add(new("languages", "The study needs at least one language.") { Code = "LanguagesMissing" });
        }

        if (voteDrawSize is < 1 or > 50)
        {
            problems.Add(new("voteDrawSize", $"voteDrawSize is {voteDrawSize}; use 1 to 50.") { Code = "VoteDrawSizeRange", Arguments = [voteDrawSize, 1, 50] });
        }

        return problems;
    }
}
