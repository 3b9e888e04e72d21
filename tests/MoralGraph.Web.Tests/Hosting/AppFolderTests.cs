using MoralGraph.Web.Hosting;

namespace MoralGraph.Web.Tests.Hosting;

/// <summary>A published app is its own content root wherever it is started from; a build output and an explicit choice keep theirs.</summary>
public sealed class AppFolderTests : IDisposable
{
    private readonly string _folder = TestFolder.Create();

    [Fact]
    public void A_folder_without_the_build_manifest_of_static_web_assets_is_a_published_app()
    {
        Assert.True(AppFolder.IsPublished(_folder));
    }

    [Fact]
    public void A_build_output_is_recognised_by_its_manifest_of_static_web_assets()
    {
        File.WriteAllText(Path.Combine(_folder, AppFolder.StaticWebAssetsManifestName), "{}");

        Assert.False(AppFolder.IsPublished(_folder));
    }

    [Fact]
    public void The_tests_run_on_a_build_output_so_the_content_root_is_left_to_the_host()
    {
        Assert.Null(AppFolder.WebApplicationOptions([]).ContentRootPath);
    }

    [Theory]
    [InlineData("--contentRoot", "/srv/elsewhere")]
    [InlineData("--contentroot", "/srv/elsewhere")]
    public void A_content_root_on_the_command_line_is_an_explicit_choice(string option, string value)
    {
        Assert.True(AppFolder.ChoosesContentRoot([option, value]));
    }

    [Fact]
    public void Other_arguments_choose_no_content_root()
    {
        Assert.False(AppFolder.ChoosesContentRoot(["--urls", "http://127.0.0.1:5000"]));
    }

    public void Dispose() => TestFolder.Delete(_folder);
}
