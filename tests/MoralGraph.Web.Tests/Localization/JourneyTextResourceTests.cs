using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Localization;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Participation;
using MoralGraph.Tests;

namespace MoralGraph.Web.Tests.Localization;

/// <summary>
/// Every string the journey asks for exists in <c>Resources/JourneyText.resx</c>, read through the app's own
/// localizer, and takes the arguments it is given. A missing key shows participants its name ("Refused.Full")
/// instead of a sentence, and a placeholder without an argument throws while the page renders.
/// </summary>
public sealed partial class JourneyTextResourceTests
{
    // Declared before the key families, which are built from them.
    private static readonly string WebFolder = RepositoryFiles.PathOf("src/MoralGraph.Web");
    private static readonly string CoreFolder = RepositoryFiles.PathOf("src/MoralGraph.Core");

    // Problem codes built from a value: the policy form problems ValuesCardValidator.FindPolicyFormProblem reports.
    private static readonly Dictionary<string, IReadOnlyList<string>> CodeFamilies = new(StringComparer.Ordinal)
    {
        ["Policy{}"] = [nameof(PolicyHintKind.NotCapitalizedPhrase), nameof(PolicyHintKind.Singular)],
    };

    // Keys built from a value at run time: each template and the values it can take.
    private static readonly Dictionary<string, IReadOnlyList<string>> Families = new(StringComparer.Ordinal)
    {
        ["Step.{}"] = Enum.GetNames<JourneyStep>(),
        ["Interview.InputLabel.{}"] = Enum.GetNames<InterviewStage>(),
        ["Interview.Role.{}"] = Enum.GetNames<InterviewRole>(),
        ["Hint.{}"] = Enum.GetNames<PolicyHintKind>(),
        ["Survey.{}"] = Survey.QuestionIds,
        ["Survey.Scale.{}"] = [.. Enumerable.Range(Survey.Min, Survey.Max - Survey.Min + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))],
        ["CardProblem.{}"] = [.. ProblemCodes().Select(c => c.Code)],
        ["Suggestions.Rule.{}"] = CardCritiqueRules.All,
    };

    // Lookups whose key is a variable, checked another way: refusals (every "Refused.*" key in the web app is checked
    // below) and the phrasebook (every phrases.Phrase key in Core is).
    private static readonly HashSet<string> CheckedElsewhere = new(StringComparer.Ordinal)
    {
        "e.MessageKey",
        "Refusal",
        "_view.JoinRefusal!",
        "key",
    };

    private static readonly IStringLocalizer<JourneyText> Localizer = EnglishJourneyText.Localizer;

    [Fact]
    public void The_scan_finds_the_lookups_it_is_meant_to_check()
    {
        // Guards the guard: a scan that silently found nothing would pass every test below.
        var web = Lookups(WebFiles(), LocalizerLookup()).ToList();
        Assert.True(web.Count > 100, $"only {web.Count} L[…] lookups found in {WebFolder}");
        Assert.Contains(web, l => l.Key == "Stepper.Count" && l.Arguments == 3);
        Assert.Contains(web, l => l.Key == "Hint.{}" && l.Interpolated);
        Assert.Contains(web, l => l.Key == "CardProblem.{}" && l.File.EndsWith("ProblemText.cs", StringComparison.Ordinal));
        Assert.Contains(Lookups(CoreFiles(), PhrasebookLookup()), l => l.Key == "Story.Template" && l.Arguments == 3);
        Assert.Contains("Refused.Full", RefusalKeys());
    }

    [Fact]
    public void Every_key_a_page_or_component_looks_up_has_an_english_string()
    {
        var missing = Lookups(WebFiles(), LocalizerLookup())
            .Where(l => !CheckedElsewhere.Contains(l.Expression))
            .SelectMany(l => KeysOf(l).Select(key => (l.File, key)))
            .Where(k => Localizer[k.key].ResourceNotFound)
            .Select(k => $"{k.key} ({k.File})")
            .Distinct()
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_refusal_the_journey_can_give_has_an_english_string()
    {
        var missing = RefusalKeys().Where(key => Localizer[key].ResourceNotFound).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_phrase_the_guided_interviewer_and_the_story_writer_use_has_an_english_string()
    {
        var lookups = Lookups(CoreFiles(), PhrasebookLookup()).ToList();
        Assert.Contains(lookups, l => l.File.EndsWith("GuidedInterviewer.cs", StringComparison.Ordinal));
        Assert.Contains(lookups, l => l.File.EndsWith("TransitionStories.cs", StringComparison.Ordinal));

        var missing = lookups
            .SelectMany(l => KeysOf(l).Select(key => (l.File, key)))
            .Where(k => Localizer[k.key].ResourceNotFound)
            .Select(k => $"{k.key} ({k.File})")
            .Distinct()
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_card_problem_has_an_english_wording_that_takes_the_problems_arguments()
    {
        var codes = ProblemCodes().ToList();
        Assert.Contains(("TitleWords", 3), codes);
        Assert.Contains(("PolicySingular", 1), codes);

        var missing = codes.Where(c => Localizer[$"CardProblem.{c.Code}"].ResourceNotFound).Select(c => c.Code).ToList();
        var mismatched = codes.Select(c => (c.Code, c.Arguments, Value: Localizer[$"CardProblem.{c.Code}"]))
            .Where(c => !c.Value.ResourceNotFound && HighestPlaceholder(c.Value.Value) >= c.Arguments)
            .Select(c => $"CardProblem.{c.Code} has {{{HighestPlaceholder(c.Value.Value)}}} but the validator gives {c.Arguments} argument(s)")
            .ToList();

        Assert.Empty(missing);
        Assert.Empty(mismatched);
    }

    [Fact]
    public void No_string_asks_for_more_arguments_than_its_callers_give()
    {
        // A spread ([.. problem.Arguments]) passes what the caller was given; the card problems are checked above.
        var lookups = Lookups(WebFiles(), LocalizerLookup()).Concat(Lookups(CoreFiles(), PhrasebookLookup()))
            .Where(l => !CheckedElsewhere.Contains(l.Expression) && !l.SpreadsArguments);

        var mismatched = lookups
            .SelectMany(l => KeysOf(l).Select(key => (Lookup: l, Key: key, Value: Localizer[key])))
            .Where(k => !k.Value.ResourceNotFound && HighestPlaceholder(k.Value.Value) >= k.Lookup.Arguments)
            .Select(k => $"{k.Key} has {{{HighestPlaceholder(k.Value.Value)}}} but {k.Lookup.File} passes {k.Lookup.Arguments} argument(s)")
            .Distinct()
            .ToList();

        Assert.Empty(mismatched);
    }

    [Fact]
    public void Every_key_in_the_resx_file_is_served_by_the_localizer()
    {
        var file = XDocument.Load(Path.Combine(WebFolder, "Resources", "JourneyText.resx"));
        var keys = file.Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToList();

        var served = Localizer.GetAllStrings(includeParentCultures: true).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var notServed = keys.Where(k => !served.Contains(k)).ToList();
        var blank = Localizer.GetAllStrings(includeParentCultures: true).Where(s => string.IsNullOrWhiteSpace(s.Value)).Select(s => s.Name).ToList();

        Assert.NotEmpty(keys);
        Assert.Empty(notServed);
        Assert.Empty(blank);
    }

    /// <summary>A lookup in source: the key (families as "Prefix.{}"), how many arguments follow it, and where it is.</summary>
    private sealed record Lookup(string File, string Expression, string? Key, bool Interpolated, int Arguments, bool SpreadsArguments);

    private static IEnumerable<string> KeysOf(Lookup lookup)
    {
        if (lookup.Key is null)
        {
            // A lookup whose key is neither a literal nor a known family: ask for it to be listed here.
            return [$"<unchecked lookup L[{lookup.Expression}] in {lookup.File}: add its keys to {nameof(JourneyTextResourceTests)}>"];
        }

        if (!lookup.Interpolated)
        {
            return [lookup.Key];
        }

        return Families.TryGetValue(lookup.Key, out var members)
            ? members.Select(m => lookup.Key.Replace("{}", m, StringComparison.Ordinal))
            : [$"<unknown key family {lookup.Key} in {lookup.File}: add its members to {nameof(Families)}>"];
    }

    private static IEnumerable<Lookup> Lookups(IEnumerable<string> files, Regex opening)
    {
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (Match match in opening.Matches(text))
            {
                var close = match.Value[^1] == '[' ? ']' : ')';
                var arguments = TopLevelArguments(text, match.Index + match.Length, close);
                var keyExpression = arguments[0].Trim();
                var relative = Path.GetRelativePath(RepositoryFiles.PathOf(string.Empty), file);
                var spreads = arguments.Skip(1).Any(a => a.Trim().StartsWith("[..", StringComparison.Ordinal) || a.Trim().EndsWith('!'));
                foreach (var (key, interpolated) in KeyLiterals(keyExpression))
                {
                    yield return new Lookup(relative, keyExpression, key, interpolated, arguments.Count - 1, spreads);
                }

                if (!KeyLiterals(keyExpression).Any())
                {
                    yield return new Lookup(relative, keyExpression, null, false, arguments.Count - 1, spreads);
                }
            }
        }
    }

    // The string literals in a key expression: "A" or (x ? "A" : "B") are keys; $"Step.{step}" is the family "Step.{}".
    private static IEnumerable<(string Key, bool Interpolated)> KeyLiterals(string expression) =>
        StringLiteral().Matches(expression).Select(m => m.Groups["dollar"].Success
            ? (Hole().Replace(m.Groups["text"].Value, "{}"), true)
            : (m.Groups["text"].Value, false));

    // Splits the argument list that starts at `start` at its top-level commas, up to the bracket that closes it.
    private static List<string> TopLevelArguments(string text, int start, char close)
    {
        var arguments = new List<string>();
        var depth = 0;
        var from = start;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i = text.IndexOf('"', i + 1);
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (depth == 0 && c == close)
            {
                arguments.Add(text[from..i]);
                return arguments;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
            }
            else if (depth == 0 && c == ',')
            {
                arguments.Add(text[from..i]);
                from = i + 1;
            }
        }

        throw new InvalidOperationException($"Unclosed lookup at {start}.");
    }

    internal static int HighestPlaceholder(string format) =>
        Placeholder().Matches(format).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max();

    private static HashSet<string> RefusalKeys() =>
        [.. WebFiles().SelectMany(f => RefusalLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))];

    /// <summary>The codes the card validator gives its problems, with the number of arguments each carries.</summary>
    private static IEnumerable<(string Code, int Arguments)> ProblemCodes() =>
        CodesIn(Path.Combine(CoreFolder, "Elicitation", "ValuesCardValidator.cs")).Select(c => (c.Code, c.Arguments));

    /// <summary>
    /// Every <c>Code = "…"</c> (with its <c>Arguments = […]</c>) given to a problem or a refusal in <paramref name="file"/>:
    /// the code, how many arguments it carries, and the source line it is on. Shared with the console's problem scan.
    /// </summary>
    internal static IEnumerable<(string Code, int Arguments, string Line)> CodesIn(string file)
    {
        var text = File.ReadAllText(file);
        foreach (Match match in ProblemCode().Matches(text))
        {
            var lineStart = text.LastIndexOf('\n', match.Index) + 1;
            var lineEnd = text.IndexOf('\n', match.Index);
            var line = text[lineStart..(lineEnd < 0 ? text.Length : lineEnd)];
            var arguments = match.Groups["arguments"].Success ? TopLevelArguments(text, match.Index + match.Length, ']').Count : 0;
            var code = match.Groups["code"].Value;
            if (match.Groups["dollar"].Success)
            {
                var family = Hole().Replace(code, "{}");
                var members = CodeFamilies.TryGetValue(family, out var known) ? known : [$"<unknown problem code family {family}: add it to {nameof(CodeFamilies)}>"];
                foreach (var member in members)
                {
                    yield return (family.Replace("{}", member, StringComparison.Ordinal), arguments, line);
                }
            }
            else
            {
                yield return (code, arguments, line);
            }
        }
    }

    private static IEnumerable<string> WebFiles() =>
        Directory.EnumerateFiles(WebFolder, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)) && !IsBuildOutput(f));

    private static IEnumerable<string> CoreFiles() =>
        Directory.EnumerateFiles(CoreFolder, "*.cs", SearchOption.AllDirectories).Where(f => !IsBuildOutput(f));

    private static bool IsBuildOutput(string file) =>
        file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    // L["key", …] and the plural messages' L.Message("key", …).
    [GeneratedRegex(@"(?<![\w.])(?:L|localizer)(?:\[|\.Message\()")]
    private static partial Regex LocalizerLookup();

    [GeneratedRegex("Code = (?<dollar>\\$)?\"(?<code>[^\"]+)\"(?<arguments>, Arguments = \\[)?")]
    private static partial Regex ProblemCode();

    [GeneratedRegex(@"(?<![\w.])phrases\.Phrase\(")]
    private static partial Regex PhrasebookLookup();

    [GeneratedRegex("(?<dollar>\\$)?\"(?<text>[^\"]*)\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Hole();

    [GeneratedRegex(@"\{(\d+)(?:[,:][^}]*)?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("\"(Refused\\.[A-Za-z]+)\"")]
    private static partial Regex RefusalLiteral();
}
