extern alias cli;

using System.Net;
using cli::MoralGraph.Cli;

namespace MoralGraph.Web.Tests.Access;

/// <summary>Accounts and keys made by the <c>moralgraph</c> command work in the app on the same store.</summary>
public sealed class CliAccountTests : IDisposable
{
    private readonly string _folder = TestFolder.Create();

    private string Store => Path.Combine(_folder, "moralgraph.db");

    [Fact]
    public async Task A_facilitator_added_by_the_cli_signs_in_to_the_app_with_that_password()
    {
        const string password = "typed at the terminal once";
        var added = await CliAsync(password + "\n", "facilitator", "add", "cli-owner", "--role", "owner", "--password-stdin");
        Assert.True(added.ExitCode == 0, added.Error);

        await using var app = new MoralGraphAppFactory(_folder);
        using var client = await app.SignedInClientAsync("cli-owner", password);

        using var studies = await client.GetAsync("/api/studies");
        Assert.Equal(HttpStatusCode.OK, studies.StatusCode);
        using var setup = await client.GetAsync("/setup");
        Assert.Equal(HttpStatusCode.NotFound, setup.StatusCode);
        // No setup token either: nothing to claim, nothing printed.
        Assert.DoesNotContain(app.Logs.Entries, entry => entry.Message.Contains("/setup?token=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_api_key_created_by_the_cli_reads_its_study_in_the_app()
    {
        File.WriteAllText(Path.Combine(_folder, "kindness.yaml"), TestStudies.Kindness);
        var imported = await CliAsync(null, "import", Path.Combine(_folder, "kindness.yaml"));
        Assert.True(imported.ExitCode == 0, imported.Error);
        var created = await CliAsync(null, "apikey", "create", "--study", TestStudies.KindnessSlug, "--label", "RL team");
        Assert.True(created.ExitCode == 0, created.Error);
        var key = created.Output.Trim();

        // (Revocation by the CLI is checked in the CLI's tests; revocation taking effect in a running app, in ApiKeyTests.)
        await using var app = new MoralGraphAppFactory(_folder);
        using var client = app.ClientWithKey(key);
        using var export = await client.GetAsync($"/api/studies/{TestStudies.KindnessSlug}/export?format=md");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
    }

    public void Dispose() => TestFolder.Delete(_folder);

    private async Task<(int ExitCode, string Output, string Error)> CliAsync(string? input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await MoralGraphCli.RunAsync(["--db", Store, .. args], output, error, new StringReader(input ?? string.Empty));
        return (exitCode, output.ToString(), error.ToString());
    }
}
