using MoralGraph.Core.Elicitation;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MoralGraph.Core.Studies;

/// <summary>
/// Reads a study definition from YAML (the files in <c>studies/</c>). Returns every problem, each naming
/// the field path, instead of stopping at the first.
/// </summary>
public static class StudyDefinitionReader
{
    // Duplicate keys are refused: read, the last would silently win over the first ("title" twice keeps one title).
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithDuplicateKeyChecking()
        .Build();

    /// <summary>
    /// The longest study definition read, in characters. A definition is a page of text; a file past this is a mistake
    /// or an attack, and a 50 MB description once failed only at the store's document limit.
    /// </summary>
    public const int MaxDefinitionLength = 1024 * 1024;

    /// <summary>Most questions a study has.</summary>
    public const int MaxQuestions = 100;

    /// <summary>Most contexts one question has.</summary>
    public const int MaxContextsPerQuestion = 200;

    /// <summary>Most entries in each other list (red lines, seed values, invite codes, languages).</summary>
    public const int MaxListEntries = 10_000;

    /// <summary>
    /// Slugs no study may take: <c>access</c> is the console's page at <c>/console/access</c>, so a study with that slug
    /// could not be opened there.
    /// </summary>
    public static IReadOnlyList<string> ReservedSlugs { get; } = ["access"];

    /// <summary>The longest slug (it names a cookie and appears in every link of the study).</summary>
    public const int MaxSlugLength = 64;

    /// <summary>The longest study or question title.</summary>
    public const int MaxTitleLength = 200;

    /// <summary>The longest study description.</summary>
    public const int MaxDescriptionLength = 10_000;

    /// <summary>The longest question prompt, context text or red line statement.</summary>
    public const int MaxTextLength = 2_000;

    /// <summary>The longest invite code.</summary>
    public const int MaxInviteCodeLength = 64;

    /// <summary>Parses and validates <paramref name="yaml"/>.</summary>
    public static ValidationResult<Study> Read(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        if (yaml.Length > MaxDefinitionLength)
        {
            return ValidationResult<Study>.Invalid([new("document", $"The study definition has {yaml.Length:N0} characters; it may have at most {MaxDefinitionLength:N0}.") { Code = "DefinitionTooLong", Arguments = [yaml.Length, MaxDefinitionLength] }]);
        }

        if (NulProblem(yaml) is { } nul)
        {
            return ValidationResult<Study>.Invalid([nul]);
        }

        StudyDocument? document;
        try
        {
            document = Deserializer.Deserialize<StudyDocument>(yaml);
        }
        catch (YamlException e)
        {
            var where = e.Start.Line > 0 ? $"line {e.Start.Line}, column {e.Start.Column}" : "document";
            return ValidationResult<Study>.Invalid([YamlProblem(where, e)]);
        }

        if (document is null)
        {
            return ValidationResult<Study>.Invalid([new("document", "The study file is empty.") { Code = "DefinitionEmpty" }]);
        }

        // Before anything is built from it: YAML aliases can repeat one list many times over in a small file.
        if (ListProblems(document) is { Count: > 0 } listProblems)
        {
            return ValidationResult<Study>.Invalid(listProblems);
        }

        var problems = new List<ValidationProblem>();
        var questions = (document.Questions ?? []).Select((q, i) => new Question(
            Id: q.Id?.Trim() ?? string.Empty,
            Title: q.Title is null ? q.Id ?? string.Empty : TextNormalization.CollapseWhitespace(q.Title),
            Prompt: TextNormalization.CollapseWhitespace(q.Prompt),
            Contexts: (q.Contexts ?? []).Select(c => new StudyContext(
                Id: string.IsNullOrWhiteSpace(c.Id) ? Slugify(c.Text) : c.Id.Trim(),
                Text: TextNormalization.CollapseWhitespace(c.Text))).ToList())).ToList();

        var redLines = new List<RedLine>();
        for (var i = 0; i < (document.RedLines?.Count ?? 0); i++)
        {
            var line = document.RedLines![i];
            if (string.IsNullOrWhiteSpace(line.Statement))
            {
                problems.Add(new($"redLines[{i}].statement", "The red line needs a statement.") { Code = "RedLineStatementMissing" });
                continue;
            }

            redLines.Add(new RedLine(string.IsNullOrWhiteSpace(line.Id) ? Slugify(line.Statement) : line.Id.Trim(),
                TextNormalization.CollapseWhitespace(line.Statement), line.Source ?? "study"));
        }

        var phase = StudyPhase.Interviewing;
        if (document.Phase is not null && !TryParseName(document.Phase, out phase))
        {
            problems.Add(new("phase", $"'{document.Phase}' is not a phase; use draft, interviewing, voting or closed.") { Code = "PhaseUnknown", Arguments = [document.Phase] });
        }

        var assignment = QuestionAssignment.ParticipantChooses;
        if (document.QuestionAssignment is not null && !TryParseName(document.QuestionAssignment, out assignment))
        {
            problems.Add(new("questionAssignment", $"'{document.QuestionAssignment}' is not a question assignment; use participant-chooses or balanced.") { Code = "QuestionAssignmentUnknown", Arguments = [document.QuestionAssignment] });
        }

        if (document.Capacity is < 1)
        {
            problems.Add(new("capacity", $"capacity is {document.Capacity}; use at least 1, or leave it out for no limit.") { Code = "CapacityBelowOne", Arguments = [document.Capacity] });
        }

        if (document.License is not null && document.Licence is not null)
        {
            problems.Add(new("license", "license and licence are both set; keep one (they are the same field).") { Code = "LicenseTwice" });
        }

        var license = string.IsNullOrWhiteSpace(document.License ?? document.Licence) ? null : TextNormalization.CollapseWhitespace(document.License ?? document.Licence);
        var inviteCodes = ReadInviteCodes(document.InviteCodes ?? [], problems);
        var seedValues = ReadSeedValues(document.SeedValues ?? [], questions, problems);

        var slug = document.Slug?.Trim() ?? string.Empty;
        var languages = document.Languages ?? ["en"];
        var drawSize = document.VoteDrawSize ?? 4;
        problems.AddRange(SlugProblems(slug));
        var title = TextNormalization.CollapseWhitespace(document.Title);
        problems.AddRange(Study.Validate(slug, title, questions, languages, drawSize));
        problems.AddRange(LengthProblems(document));
        if (problems.Count > 0)
        {
            return ValidationResult<Study>.Invalid(problems);
        }

        return ValidationResult<Study>.Valid(
            new Study(slug, title, TextNormalization.CollapseWhitespace(document.Description), questions, redLines, languages, phase, drawSize)
            {
                QuestionAssignment = assignment, Capacity = document.Capacity, InviteCodes = inviteCodes, SeedValues = seedValues, License = license,
            },
            []);
    }

    // YAML allows no NUL character, and the parser takes one for the end of the text, silently dropping what follows:
    // a file holding one is binary, or text in another encoding (UTF-16), and is refused where it is.
    private static ValidationProblem? NulProblem(string yaml)
    {
        var at = yaml.IndexOf('\0', StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var line = yaml.AsSpan(0, at).Count('\n') + 1;
        var column = at - (yaml.LastIndexOf('\n', at) + 1) + 1;
        return new($"line {line}, column {column}", "The text holds a NUL character, which YAML does not allow: is it a binary file, or saved as UTF-16? Save it as UTF-8 text.") { Code = "NulCharacter" };
    }

    // YamlDotNet's own words say what it could not read; the code lets a console say, in its language, that it could not.
    private static ValidationProblem YamlProblem(string where, YamlException e)
    {
        var detail = (e.InnerException ?? e).Message;
        return new(where, detail) { Code = "YamlUnreadable", Arguments = [detail] };
    }

    /// <summary>Why <paramref name="slug"/> cannot be a new study's slug beyond the shape rule of <see cref="Study.Validate"/>: reserved or too long.</summary>
    public static IEnumerable<ValidationProblem> SlugProblems(string slug)
    {
        ArgumentNullException.ThrowIfNull(slug);
        if (ReservedSlugs.Contains(slug, StringComparer.Ordinal))
        {
            yield return new("slug", $"'{slug}' is reserved (the console's {slug} page); choose another slug.") { Code = "SlugReserved", Arguments = [slug] };
        }

        if (slug.Length > MaxSlugLength)
        {
            yield return new("slug", $"The slug has {slug.Length:N0} characters; it may have at most {MaxSlugLength}.") { Code = "SlugTooLong", Arguments = [slug.Length, MaxSlugLength] };
        }
    }

    // Each list's entries: present (a bare "-" or "null" reads as no entry), and not so many that building the study
    // from them would take the memory of the server.
    private static List<ValidationProblem> ListProblems(StudyDocument document)
    {
        var problems = new List<ValidationProblem>();
        void Check<T>(string field, List<T>? entries, int limit)
        {
            if (entries is null)
            {
                return;
            }

            if (entries.Count > limit)
            {
                problems.Add(new(field, $"{field} has {entries.Count:N0} entries; a study may have at most {limit:N0}.") { Code = "ListTooLong", Arguments = [field, entries.Count, limit] });
                return;
            }

            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i] is null)
                {
                    problems.Add(new($"{field}[{i}]", "The entry is empty: remove it or fill it in.") { Code = "EntryEmpty" });
                }
            }
        }

        Check("questions", document.Questions, MaxQuestions);
        Check("redLines", document.RedLines, MaxListEntries);
        Check("seedValues", document.SeedValues, MaxListEntries);
        Check("inviteCodes", document.InviteCodes, MaxListEntries);
        Check("languages", document.Languages, MaxListEntries);
        for (var i = 0; i < (document.Questions?.Count ?? 0); i++)
        {
            if (document.Questions![i] is { } question)
            {
                Check($"questions[{i}].contexts", question.Contexts, MaxContextsPerQuestion);
            }
        }

        for (var i = 0; i < (document.SeedValues?.Count ?? 0); i++)
        {
            if (document.SeedValues![i] is { } seed)
            {
                Check($"seedValues[{i}].policies", seed.Policies, ValuesCardRules.HardMaxPolicies);
            }
        }

        return problems;
    }

    private static List<ValidationProblem> LengthProblems(StudyDocument document)
    {
        var problems = new List<ValidationProblem>();
        void Check(string field, string? text, int limit)
        {
            if (text is { Length: > 0 } && text.Length > limit)
            {
                problems.Add(new(field, $"{field} has {text.Length:N0} characters; it may have at most {limit:N0}.") { Code = "TextTooLong", Arguments = [field, text.Length, limit] });
            }
        }

        Check("title", document.Title, MaxTitleLength);
        Check("description", document.Description, MaxDescriptionLength);
        Check("license", document.License ?? document.Licence, MaxTitleLength);
        for (var i = 0; i < (document.Questions?.Count ?? 0); i++)
        {
            var question = document.Questions![i];
            Check($"questions[{i}].id", question.Id, MaxSlugLength);
            Check($"questions[{i}].title", question.Title, MaxTitleLength);
            Check($"questions[{i}].prompt", question.Prompt, MaxTextLength);
            for (var j = 0; j < (question.Contexts?.Count ?? 0); j++)
            {
                Check($"questions[{i}].contexts[{j}].id", question.Contexts![j].Id, MaxSlugLength);
                Check($"questions[{i}].contexts[{j}].text", question.Contexts[j].Text, MaxTextLength);
            }
        }

        for (var i = 0; i < (document.RedLines?.Count ?? 0); i++)
        {
            Check($"redLines[{i}].statement", document.RedLines![i].Statement, MaxTextLength);
        }

        return problems;
    }

    // By name only ("participant-chooses" reads as ParticipantChooses): Enum.TryParse alone also takes numbers ("5")
    // and lists ("draft, closed"), which would let a value no member names into the study.
    private static bool TryParseName<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum
    {
        value = default;
        var name = text.Replace("-", string.Empty, StringComparison.Ordinal).Trim();
        return Enum.GetNames<TEnum>().Contains(name, StringComparer.OrdinalIgnoreCase) && Enum.TryParse(name, ignoreCase: true, out value);
    }

    private static List<InviteCode> ReadInviteCodes(List<InviteCodeDocument> documents, List<ValidationProblem> problems)
    {
        var codes = new List<InviteCode>();
        for (var i = 0; i < documents.Count; i++)
        {
            var code = documents[i].Code?.Trim();
            if (string.IsNullOrEmpty(code) || code.Length > MaxInviteCodeLength || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                problems.Add(new($"inviteCodes[{i}].code", "An invite code needs 1 to 64 letters, digits or '-'.") { Code = "InviteCodeShape", Arguments = [MaxInviteCodeLength] });
            }
            else if (codes.Any(c => string.Equals(c.Code, code, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add(new($"inviteCodes[{i}].code", $"The invite code '{code}' is listed twice.") { Code = "InviteCodeTwice", Arguments = [code] });
            }
            else if (documents[i].Capacity is < 1)
            {
                problems.Add(new($"inviteCodes[{i}].capacity", $"capacity is {documents[i].Capacity}; use at least 1, or leave it out.") { Code = "InviteCapacityBelowOne", Arguments = [documents[i].Capacity ?? 0] });
            }
            else
            {
                codes.Add(new InviteCode(code, documents[i].Capacity));
            }
        }

        return codes;
    }

    private static List<SeedValue> ReadSeedValues(List<SeedValueDocument> documents, List<Question> questions, List<ValidationProblem> problems)
    {
        var values = new List<SeedValue>();
        for (var i = 0; i < documents.Count; i++)
        {
            var document = documents[i];
            var questionId = document.Question?.Trim() ?? string.Empty;
            if (questions.All(q => q.Id != questionId))
            {
                problems.Add(new($"seedValues[{i}].question", $"'{questionId}' is not one of the study's questions.") { Code = "SeedQuestionUnknown", Arguments = [questionId] });
                continue;
            }

            // Seed values are shown to participants beside their own cards, so they meet the same rules.
            var card = Elicitation.ValuesCard.Create("seed", "seed", document.Title, document.Description, document.Policies);
            if (!card.IsValid)
            {
                problems.AddRange(card.Problems.Where(p => p.Severity == ProblemSeverity.Error).Select(p => p with { Field = $"seedValues[{i}].{p.Field}" }));
                continue;
            }

            var value = new SeedValue(questionId, card.Value!.Title, card.Value.Description, card.Value.Policies);
            if (values.Any(v => v.ValueId == value.ValueId))
            {
                problems.Add(new($"seedValues[{i}].title", $"Another seed value of '{questionId}' has the title \"{value.Title}\".") { Code = "SeedTitleTwice", Arguments = [questionId, value.Title] });
                continue;
            }

            values.Add(value);
        }

        return values;
    }

    /// <summary>
    /// Reads a shared file of red lines (global minimums that apply to several studies): a YAML list of
    /// <c>{id, statement}</c>. Each red line records <paramref name="source"/> as where it came from.
    /// </summary>
    public static (IReadOnlyList<RedLine> RedLines, IReadOnlyList<ValidationProblem> Problems) ReadRedLines(string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        if (yaml.Length > MaxDefinitionLength)
        {
            return ([], [new("document", $"The file has {yaml.Length:N0} characters; it may have at most {MaxDefinitionLength:N0}.") { Code = "RedLineFileTooLong", Arguments = [yaml.Length, MaxDefinitionLength] }]);
        }

        if (NulProblem(yaml) is { } nul)
        {
            return ([], [nul]);
        }

        List<RedLineDocument>? documents;
        try
        {
            documents = Deserializer.Deserialize<List<RedLineDocument>>(yaml);
        }
        catch (YamlException e)
        {
            return ([], [YamlProblem($"line {e.Start.Line}, column {e.Start.Column}", e)]);
        }

        var problems = new List<ValidationProblem>();
        var redLines = new List<RedLine>();
        for (var i = 0; i < (documents?.Count ?? 0); i++)
        {
            var line = documents![i];
            if (line is null)
            {
                problems.Add(new($"[{i}]", "The entry is empty: remove it or fill it in.") { Code = "EntryEmpty" });
                continue;
            }

            if (string.IsNullOrWhiteSpace(line.Statement))
            {
                problems.Add(new($"[{i}].statement", "The red line needs a statement.") { Code = "RedLineStatementMissing" });
                continue;
            }

            redLines.Add(new RedLine(string.IsNullOrWhiteSpace(line.Id) ? Slugify(line.Statement) : line.Id.Trim(), TextNormalization.CollapseWhitespace(line.Statement), source));
        }

        if (redLines.Count == 0 && problems.Count == 0)
        {
            problems.Add(new("document", "The file holds no red lines.") { Code = "RedLineFileEmpty" });
        }

        return (redLines, problems);
    }

    /// <summary>
    /// An id made from free text ("When in distress" → "when-in-distress"); letters of any script are kept
    /// ("困っているとき" stays itself, and so do the vowel signs of "जब संकट में हों"), everything else becomes '-'.
    /// </summary>
    public static string Slugify(string? text)
    {
        var chars = (text ?? string.Empty).Normalize(System.Text.NormalizationForm.FormC).ToLowerInvariant()
            .Select(c => char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark ? c : '-').ToArray();
        return string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
    }

    // YamlDotNet needs settable members; these DTOs stay private so the domain types keep their invariants.
    private sealed class StudyDocument
    {
        public string? Slug { get; set; }
        public string? Title { get; set; }
        public string? Description { get; set; }
        public string? Phase { get; set; }
        public int? VoteDrawSize { get; set; }
        public List<string>? Languages { get; set; }
        public List<RedLineDocument>? RedLines { get; set; }
        public List<QuestionDocument>? Questions { get; set; }
        public string? QuestionAssignment { get; set; }
        public int? Capacity { get; set; }
        public List<InviteCodeDocument>? InviteCodes { get; set; }
        public List<SeedValueDocument>? SeedValues { get; set; }
        public string? License { get; set; }

        // British spelling, accepted as the same field.
        public string? Licence { get; set; }
    }

    private sealed class InviteCodeDocument
    {
        public string? Code { get; set; }
        public int? Capacity { get; set; }
    }

    private sealed class SeedValueDocument
    {
        public string? Question { get; set; }
        public string? Title { get; set; }
        public string? Description { get; set; }
        public List<string>? Policies { get; set; }
    }

    private sealed class RedLineDocument
    {
        public string? Id { get; set; }
        public string? Statement { get; set; }
        public string? Source { get; set; }
    }

    private sealed class QuestionDocument
    {
        public string? Id { get; set; }
        public string? Title { get; set; }
        public string? Prompt { get; set; }
        public List<ContextDocument>? Contexts { get; set; }
    }

    private sealed class ContextDocument
    {
        public string? Id { get; set; }
        public string? Text { get; set; }
    }
}
