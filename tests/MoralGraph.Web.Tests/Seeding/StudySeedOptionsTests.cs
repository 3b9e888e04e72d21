using MoralGraph.Web.Seeding;

namespace MoralGraph.Web.Tests.Seeding;

public sealed class StudySeedOptionsTests : IDisposable
{
    private readonly string _root = TestFolder.Create();

    [Fact]
    public void By_default_the_studies_folder_beside_the_solution_is_found_from_a_project_folder()
    {
        File.WriteAllText(Path.Combine(_root, StudySeedOptions.SolutionFileName), "");
        var project = Directory.CreateDirectory(Path.Combine(_root, "src", "MoralGraph.Web")).FullName;

        var folder = new StudySeedOptions().ResolveDirectory(project);

        Assert.Equal(Path.Combine(_root, "studies"), folder);
    }

    [Fact]
    public void Outside_a_checkout_without_published_studies_there_is_no_default_seed_folder()
    {
        var published = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;

        Assert.Null(new StudySeedOptions().ResolveDirectory(published));
    }

    [Fact]
    public void Outside_a_checkout_the_studies_published_with_the_app_are_the_default_seed_folder()
    {
        var published = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;
        var studies = Directory.CreateDirectory(Path.Combine(published, StudySeedOptions.PublishedFolderName)).FullName;

        Assert.Equal(studies, new StudySeedOptions().ResolveDirectory(published));
    }

    [Fact]
    public void A_configured_folder_wins_over_the_published_studies()
    {
        var published = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;
        Directory.CreateDirectory(Path.Combine(published, StudySeedOptions.PublishedFolderName));
        var own = Path.Combine(_root, "own-studies");
        var options = new StudySeedOptions { Directory = own };

        Assert.Equal(own, options.ResolveDirectory(published));
    }

    [Fact]
    public void A_configured_relative_folder_is_resolved_against_the_content_root()
    {
        var options = new StudySeedOptions { Directory = "seed" };

        Assert.Equal(Path.Combine(_root, "seed"), options.ResolveDirectory(_root));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5099", "http://127.0.0.1:5099")]
    [InlineData("http://[::]:8080", "http://localhost:8080")]
    [InlineData("http://0.0.0.0:80", "http://localhost")]
    [InlineData("https://+:443", "https://localhost")]
    [InlineData("http://*:5000", "http://localhost:5000")]
    public void Participant_links_use_an_address_a_browser_can_open(string listening, string expected)
    {
        Assert.Equal(expected, StudySeeder.PublicBaseUrl([listening]));
    }

    [Fact]
    public void Without_a_listening_address_participant_links_are_relative()
    {
        Assert.Equal("", StudySeeder.PublicBaseUrl([]));
    }

    public void Dispose() => TestFolder.Delete(_root);
}
