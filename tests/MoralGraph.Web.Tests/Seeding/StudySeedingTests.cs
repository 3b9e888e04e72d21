using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.Seeding;

public sealed class StudySeedingTests
{
    [Fact]
    public async Task A_store_that_already_has_studies_is_not_seeded_again()
    {
        var folder = TestFolder.Create();
        try
        {
            await using (var first = new MoralGraphAppFactory(folder).WithStudyFile("kindness.yaml", TestStudies.Kindness))
            {
                Assert.Equal([TestStudies.KindnessSlug], await ListSlugsAsync(first));
            }

            await using var second = new MoralGraphAppFactory(folder).WithStudyFile("honesty.yaml", TestStudies.Honesty);

            Assert.Equal([TestStudies.KindnessSlug], await ListSlugsAsync(second));
        }
        finally
        {
            TestFolder.Delete(folder);
        }
    }

    [Fact]
    public async Task Every_valid_file_of_the_seed_folder_is_seeded_and_its_participant_link_logged()
    {
        await using var app = new MoralGraphAppFactory()
            .WithStudyFile("kindness.yaml", TestStudies.Kindness)
            .WithStudyFile("honesty.yaml", TestStudies.Honesty);

        Assert.Equal(["honesty-check", TestStudies.KindnessSlug], await ListSlugsAsync(app));
        var messages = app.Logs.Entries.Where(e => e.Level == LogLevel.Information).Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.Contains("/s/kindness-check", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("/s/honesty-check", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_seed_folder_the_app_starts_empty_and_the_home_page_says_how_to_create_a_study()
    {
        await using var app = new MoralGraphAppFactory().WithSetting("StudySeedOptions:Directory", "no-such-folder-" + Guid.NewGuid().ToString("N"));
        using var client = app.CreateClient();

        Assert.Empty(await ListSlugsAsync(app));
        var html = await client.GetStringAsync("/");
        Assert.Contains("No studies yet", html, StringComparison.Ordinal);
        Assert.Contains("moralgraph import studies/dft-2023.yaml", html, StringComparison.Ordinal);
        Assert.Contains("moralgraph demo", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_database_path_stops_the_app_with_a_message_naming_the_setting()
    {
        await using var app = new MoralGraphAppFactory().WithSetting("StorageOptions:DatabasePath", "");

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("StorageOptions:DatabasePath", error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<List<string>> ListSlugsAsync(MoralGraphAppFactory app)
    {
        using var client = await app.OwnerClientAsync();
        var studies = await client.GetFromJsonAsync<JsonElement>("/api/studies");
        return studies.EnumerateArray().Select(s => s.GetProperty("slug").GetString()!).Order(StringComparer.Ordinal).ToList();
    }
}
