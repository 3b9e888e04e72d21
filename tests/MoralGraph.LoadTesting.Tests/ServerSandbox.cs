using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using MoralGraph.Cli;

namespace MoralGraph.LoadTesting.Tests;

/// <summary>
/// A temporary folder with a store, a study to seed and a facilitator, and the shell command that starts the real
/// app on it (on a free loopback port, with the participant API's rate limits off, as a load needs): the tests start
/// it themselves, or hand the command to the chaos mode, which owns it.
/// </summary>
internal sealed class ServerSandbox : IAsyncDisposable
{
    public const string Slug = "load-check";
    public const string Facilitator = "loader";
    public const string Password = "a load test password";

    private readonly StringBuilder _log = new();
    private Process? _server;

    private ServerSandbox()
    {
        Folder = Directory.CreateTempSubdirectory("moralgraph-load-").FullName;
        SeedFolder = Directory.CreateDirectory(Path.Combine(Folder, "studies")).FullName;
        File.WriteAllText(Path.Combine(SeedFolder, Slug + ".yaml"), StudyYaml);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    public string Folder { get; }

    public string SeedFolder { get; }

    public string DatabasePath => Path.Combine(Folder, "data", "moralgraph.db");

    public string Url { get; }

    /// <summary>Starts the app as an operator does, from its project folder (for its static files), on this sandbox's store.</summary>
    public string StartCommand
    {
        get
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
            return $"cd '{Metadata("MoralGraphWebProjectDirectory")}' && ASPNETCORE_ENVIRONMENT=Production StorageOptions__DatabasePath='{DatabasePath}' " +
                $"StudySeedOptions__Directory='{SeedFolder}' ParticipantApiOptions__PerAddressPerMinute=0 ParticipantApiOptions__PerParticipantPerMinute=0 " +
                $"exec '{dotnet}' '{Metadata("MoralGraphWebAssembly")}' --urls {Url}";
        }
    }

    /// <summary>A sandbox whose store already holds the facilitator (the app seeds the study when it first starts).</summary>
    public static async Task<ServerSandbox> CreateAsync()
    {
        var sandbox = new ServerSandbox();
        var (exitCode, _, error) = await sandbox.RunCliAsync(Password + "\n", "facilitator", "add", Facilitator, "--role", "owner", "--password-stdin");
        Assert.True(exitCode == 0, error);
        return sandbox;
    }

    /// <summary>Runs the moralgraph command in-process on this sandbox's store.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunCliAsync(string input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await MoralGraphCli.RunAsync(["--db", DatabasePath, .. args], output, error, new StringReader(input));
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Starts the app and waits until it answers.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", StartCommand]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, e) => Note(e.Data);
        _server.ErrorDataReceived += (_, e) => Note(e.Data);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        await WaitUntilAnswersAsync(_server, Url, () => Log);
    }

    /// <summary>Waits until the app started as <paramref name="server"/> answers on <paramref name="url"/>; fails with its output if it exits or takes over 90 s.</summary>
    internal static async Task WaitUntilAnswersAsync(Process server, string url, Func<string> log)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            Assert.False(server.HasExited, $"The app on {url} exited before answering:\n{log()}");
            try
            {
                using var response = await probe.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not up yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The app did not answer on {url} within 90 s:\n{log()}");
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false } server)
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }

        _server?.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing a test over.
        }
    }

    private void Note(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static string Metadata(string key) =>
        typeof(ServerSandbox).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata; build it with its project file.");

    // Interviewing, so simulated participants take every step: the guided interview, a card, four items, the survey.
    internal const string StudyYaml = """
        slug: load-check
        title: Load check
        description: A study for the load harness's tests.
        phase: interviewing
        voteDrawSize: 4
        questions:
          - id: grief
            title: Grief
            prompt: My friend just lost her father. What should I say?
            contexts:
              - { id: comforting, text: When comforting someone }
              - { id: deciding, text: When helping someone decide }
        seedValues:
          - { question: grief, title: Presence over advice, description: The AI stays present., policies: [MOMENTS when presence matters, FEELINGS she has not named yet, SIGNS that she wants company] }
          - { question: grief, title: Practical help, description: The AI offers practical help., policies: [TASKS she cannot face alone, PEOPLE who could share the load, DEADLINES that press on her] }
          - { question: grief, title: Honest comfort, description: The AI comforts honestly., policies: [WORDS that are true and kind, PROMISES nobody can keep, QUESTIONS she is really asking] }
          - { question: grief, title: Shared memories, description: The AI invites memories., policies: [STORIES she wants to tell, DETAILS of her father she treasures, MOMENTS of laughter in the grief] }
          - { question: grief, title: Room to grieve, description: The AI leaves room to grieve., policies: [SILENCES she needs, PACES that are hers, PRESSURES to move on too soon] }
        """;
}
