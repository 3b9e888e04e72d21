using System.Globalization;
using MoralGraph.Tests;
using MoralGraph.Web.Console;

namespace MoralGraph.Web.Tests.Localization;

/// <summary>
/// Every problem a study definition can have and every refusal of a console or access action carries a code the console
/// words in the facilitator's language: <c>StudyProblem.{code}</c> and <c>Refusal.{code}</c> of ConsoleText, taking the
/// arguments the code comes with. (That Spanish and Arabic have every English key is TranslatedJourneyTextTests'.)
/// A code without a wording would show a Spanish or Arabic facilitator the English sentence.
/// </summary>
public sealed class ConsoleProblemTextTests
{
    // Where study problems and refusals get their codes. A code on a line that builds an exception, or in AccessChanges
    // (whose codes are all refusals), is a refusal; any other is a problem of the study definition.
    private static readonly string[] Files =
    [
        "src/MoralGraph.Core/Studies/StudyDefinitionReader.cs",
        "src/MoralGraph.Core/Studies/Study.cs",
        "src/MoralGraph.Core/Events/StudyDefinitionEvents.cs",
        "src/MoralGraph.Core/Access/AccessChanges.cs",
        "src/MoralGraph.Web/Access/AccessDirectory.cs",
        "src/MoralGraph.Web/Console/StudyAdministration.cs",
        "src/MoralGraph.Web/Console/ConsolePageStates.cs",
        "src/MoralGraph.Web/Console/ConsoleAuthorization.cs",
        "src/MoralGraph.Web/Console/AccessAdministration.cs",
    ];

    private static readonly string[] Languages = ["en", "es", "ar"];

    [Fact]
    public void The_scan_finds_the_study_problems_and_refusals_it_is_meant_to_check()
    {
        var codes = Codes().ToList();

        Assert.True(codes.Count > 50, $"only {codes.Count} codes found");
        Assert.Contains(("StudyProblem.PhaseUnknown", 1), codes);
        Assert.Contains(("StudyProblem.VotedContextsDropped", 2), codes);
        Assert.Contains(("StudyProblem.SlugTaken", 1), codes);
        Assert.Contains(("StudyProblem.FileTooLarge", 3), codes);
        Assert.Contains(("Refusal.NoStudy", 1), codes);
        Assert.Contains(("Refusal.PasswordTooShort", 1), codes);
        Assert.Contains(("Refusal.SignInFirst", 0), codes);
        Assert.Contains(("Refusal.DeniedOwnerHere", 2), codes);
    }

    [Fact]
    public void Every_code_has_an_english_wording_that_takes_the_codes_arguments()
    {
        var localizer = EnglishConsoleText.Localizer;
        var codes = Codes().ToList();

        var missing = codes.Where(c => localizer[c.Key].ResourceNotFound).Select(c => c.Key).Distinct().ToList();
        var mismatched = codes.Where(c => !localizer[c.Key].ResourceNotFound && JourneyTextResourceTests.HighestPlaceholder(localizer[c.Key].Value) >= c.Arguments)
            .Select(c => $"{c.Key} has {{{JourneyTextResourceTests.HighestPlaceholder(localizer[c.Key].Value)}}} but gets {c.Arguments} argument(s)")
            .Distinct()
            .ToList();

        Assert.Empty(missing);
        Assert.Empty(mismatched);
    }

    [Fact]
    public void Every_wording_reads_whole_in_every_language()
    {
        // A placeholder left in the text (an ICU apostrophe quoting "'{0}'") or a format error would show the facilitator
        // a broken sentence; each wording is formatted with as many values as its code carries.
        var broken = new List<string>();
        foreach (var language in Languages)
        {
            using var _ = new CultureScope(language);
            foreach (var (key, arguments) in Codes().Distinct())
            {
                var text = EnglishConsoleText.Localizer.Message(key, [.. Enumerable.Repeat<object?>(2, arguments)]);
                if (text.ResourceNotFound || text.Value.Contains('{', StringComparison.Ordinal) || text.Value.Contains('#', StringComparison.Ordinal))
                {
                    broken.Add($"{language} {key}: {text.Value}");
                }
            }
        }

        Assert.Empty(broken);
    }

    [Fact]
    public void A_denial_names_each_role_it_can_ask_for_in_every_language()
    {
        // The denial's code is built from the policy's role name (DeniedOwner in a study, DeniedOwnerHere in none).
        var missing = new List<string>();
        foreach (var language in Languages)
        {
            using var _ = new CultureScope(language);
            foreach (var role in ConsoleAuthorization.RoleNames.Values)
            {
                foreach (var key in new[] { $"Refusal.Denied{role}", $"Refusal.Denied{role}Here" })
                {
                    var text = EnglishConsoleText.Localizer.Message(key, "zoe", "grief-study");
                    if (text.ResourceNotFound || !text.Value.Contains("zoe", StringComparison.Ordinal))
                    {
                        missing.Add($"{language} {key}");
                    }
                }
            }
        }

        Assert.Equal(4, ConsoleAuthorization.RoleNames.Count);
        Assert.Empty(missing);
    }

    [Fact]
    public void A_study_problem_keeps_its_english_message_for_the_cli_and_the_api_beside_its_code()
    {
        var problem = Core.Studies.StudyDefinitionReader.Read("slug: s\ntitle: T\nphase: someday\nquestions: [{id: q, prompt: P, contexts: [{text: When}]}]").Problems.Single();

        Assert.Equal("'someday' is not a phase; use draft, interviewing, voting or closed.", problem.Message);
        Assert.Equal("PhaseUnknown", problem.Code);
        Assert.Equal(["someday"], problem.Arguments);
        using var _ = new CultureScope("es");
        Assert.Equal("«someday» no es una fase; usa draft, interviewing, voting o closed.", ProblemText.For(EnglishConsoleText.Localizer, EnglishJourneyText.Localizer, problem));
    }

    // Each code as the resource key the console looks up, with the number of arguments it comes with. The denials'
    // codes are built from a role name, so each role stands in for the interpolation.
    private static IEnumerable<(string Key, int Arguments)> Codes()
    {
        foreach (var file in Files)
        {
            foreach (var (code, arguments, line) in JourneyTextResourceTests.CodesIn(RepositoryFiles.PathOf(file)))
            {
                var prefix = line.Contains("Exception", StringComparison.Ordinal) || file.EndsWith("AccessChanges.cs", StringComparison.Ordinal) ? "Refusal" : "StudyProblem";
                yield return ($"{prefix}.{code}", arguments);
            }
        }

        foreach (var role in ConsoleAuthorization.RoleNames.Values)
        {
            yield return ($"Refusal.Denied{role}", 2);
            yield return ($"Refusal.Denied{role}Here", 2);
        }
    }
}
