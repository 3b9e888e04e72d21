using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using MoralGraph.Cli;
using MoralGraph.Tests.Servers;

namespace MoralGraph.LoadTesting.Tests;

/// <summary>
/// Two app instances behind no proxy, on one throwaway PostgreSQL database and one throwaway Redis, as "Scaling out" in
/// the README runs them: the start command of each, the shared store for the CLI (<c>--db postgres:…</c>), a study to
/// seed and a facilitator.
/// </summary>
internal sealed class ScaleOutSandbox : IAsyncDisposable
{
    private readonly PostgreSqlServer _postgres;
    private readonly RedisServer _redis;
    private readonly List<Process> _servers = [];
    private readonly StringBuilder _log = new();

    private ScaleOutSandbox(PostgreSqlServer postgres, RedisServer redis, string database)
    {
        _postgres = postgres;
        _redis = redis;
        Database = database;
        Folder = Directory.CreateTempSubdirectory("moralgraph-scale-out-").FullName;
        SeedFolder = Directory.CreateDirectory(Path.Combine(Folder, "studies")).FullName;
        File.WriteAllText(Path.Combine(SeedFolder, ServerSandbox.Slug + ".yaml"), ServerSandbox.StudyYaml);
        Urls = [FreeUrl(), FreeUrl()];
    }

    public string Folder { get; }

    public string SeedFolder { get; }

    /// <summary>The store's connection string.</summary>
    public string Database { get; }

    /// <summary>The store as <c>--db</c> names it.</summary>
    public string Store => "postgres:" + Database;

    public IReadOnlyList<string> Urls { get; }

    /// <summary>The command that starts instance <paramref name="index"/> on its port, the shared store and Redis.</summary>
    public string StartCommand(int index)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        return $"cd '{Metadata("MoralGraphWebProjectDirectory")}' && ASPNETCORE_ENVIRONMENT=Production Storage__Provider=PostgreSql " +
            $"ConnectionStrings__MoralGraph='{Database}' ConnectionStrings__Redis='{_redis.ConnectionString}' " +
            $"StudySeedOptions__Directory='{SeedFolder}' ParticipantApiOptions__PerAddressPerMinute=0 ParticipantApiOptions__PerParticipantPerMinute=0 " +
            $"exec '{dotnet}' '{Metadata("MoralGraphWebAssembly")}' --urls {Urls[index]}";
    }

    public static async Task<ScaleOutSandbox> CreateAsync()
    {
        var postgres = await PostgreSqlServer.StartAsync();
        var redis = new RedisServer();
        var sandbox = new ScaleOutSandbox(postgres, redis, await postgres.CreateDatabaseAsync());
        var (exitCode, _, error) = await sandbox.RunCliAsync(ServerSandbox.Password + "\n", "facilitator", "add", ServerSandbox.Facilitator, "--role", "owner", "--password-stdin");
        Assert.True(exitCode == 0, error);
        return sandbox;
    }

    public async Task<(int ExitCode, string Output, string Error)> RunCliAsync(string input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await MoralGraphCli.RunAsync(["--db", Store, .. args], output, error, new StringReader(input));
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Starts both instances and waits until each answers.</summary>
    public Task StartAsync() => Task.WhenAll(Enumerable.Range(0, Urls.Count).Select(StartAsync));

    private async Task StartAsync(int index)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", StartCommand(index)]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var server = Process.Start(start)!;
        lock (_servers)
        {
            _servers.Add(server);
        }

        server.OutputDataReceived += (_, e) => Note(index, e.Data);
        server.ErrorDataReceived += (_, e) => Note(index, e.Data);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        await ServerSandbox.WaitUntilAnswersAsync(server, Urls[index], () => Log);
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
        foreach (var server in _servers)
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }

            server.Dispose();
        }

        _redis.Dispose();
        await _postgres.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing a test over.
        }
    }

    private void Note(int index, string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.Append(CultureInfo.InvariantCulture, $"[{index}] ").AppendLine(line);
            }
        }
    }

    private static string FreeUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    private static string Metadata(string key) =>
        typeof(ScaleOutSandbox).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata; build it with its project file.");
}
