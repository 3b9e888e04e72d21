using System.Text.RegularExpressions;
using MoralGraph.Tests;

namespace MoralGraph.LanguageModels.Tests.Architecture;

/// <summary>
/// A model service registered under its own type is there to be called: something in the app names it. (The card
/// articulator was registered and never called, issue 13; the interviewer drafts the card itself.)
/// </summary>
public sealed partial class RegisteredServicesTests
{
    [Fact]
    public void Every_model_service_registered_as_itself_is_used_somewhere_in_the_app()
    {
        var source = RepositoryFiles.PathOf("src");
        var registrations = Path.Combine(source, "MoralGraph.Web", "Extensions", "LanguageModelServiceExtensions.cs");
        var registered = SelfRegistration().Matches(File.ReadAllText(registrations)).Select(m => m.Groups[1].Value).Distinct().ToList();
        var files = Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith(".razor", StringComparison.Ordinal))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && path != registrations)
            .Select(path => (Name: Path.GetFileNameWithoutExtension(path), Text: File.ReadAllText(path)))
            .ToList();

        Assert.NotEmpty(registered);
        var unused = registered.Where(type => !files.Any(f => f.Name != type && Regex.IsMatch(f.Text, $@"\b{type}\b"))).ToList();

        Assert.True(unused.Count == 0, "Registered but never used: " + string.Join(", ", unused));
        Assert.DoesNotContain("ModelCardArticulator", registered);
    }

    [GeneratedRegex(@"(?:Try)?Add(?:Singleton|Scoped|Transient)<(\w+)>\(\)")]
    private static partial Regex SelfRegistration();
}
