using System.Diagnostics;
using MoralGraph.Browser.Tests.Server;

namespace MoralGraph.Browser.Tests.Deploy;

/// <summary>
/// The app as an operator deploys it: <c>dotnet publish src/MoralGraph.Web -c Release</c> into the fixture's temporary
/// folder, once per test class, then the published <c>MoralGraph.Web.dll</c> started with <c>dotnet</c> in Production
/// from another folder, with only the store configured. Static files, <c>appsettings.json</c> and the example study must
/// all come from the publish output itself. Deleted with the store when the fixture is disposed.
/// </summary>
public sealed class PublishedMoralGraphServer : MoralGraphServer
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The publish output.</summary>
    public string AppFolder => Path.Combine(Folder, "app");

    /// <summary>The empty folder the app is started in, as a systemd unit without WorkingDirectory starts it in /.</summary>
    public string StartFolder => Path.Combine(Folder, "elsewhere");

    protected override string AppAssemblyPath => Path.Combine(AppFolder, "MoralGraph.Web.dll");

    protected override string WorkingDirectory => StartFolder;

    public override async Task InitializeAsync()
    {
        Directory.CreateDirectory(StartFolder);
        await PublishAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureEnvironment(IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["DOTNET_ENVIRONMENT"] = "Production";
        // What a deployment gets by default: the published studies/ as the seed folder, the app's folder as content root.
        environment.Remove("StudySeedOptions__Directory");
        environment.Remove("ASPNETCORE_CONTENTROOT");
        environment.Remove("DOTNET_CONTENTROOT");
    }

    private async Task PublishAsync()
    {
        var project = Path.Combine(BuiltApp.RepositoryRoot, "src", "MoralGraph.Web", "MoralGraph.Web.csproj");
        var start = new ProcessStartInfo(BuiltApp.Dotnet)
        {
            WorkingDirectory = BuiltApp.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // No MSBuild nodes left running after the test.
        foreach (var argument in new[] { "publish", project, "--configuration", "Release", "--output", AppFolder, "--nologo", "-nodeReuse:false" })
        {
            start.ArgumentList.Add(argument);
        }

        Log.Note($"publishing: {start.FileName} {string.Join(' ', start.ArgumentList)}");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish did not finish within {PublishTimeout.TotalMinutes} minutes.\n{await output}{await error}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed with exit code {process.ExitCode}.\n{await output}{await error}");
        }

        Log.Note($"published in {clock.Elapsed.TotalSeconds:0.0} s to {AppFolder}");
    }
}
