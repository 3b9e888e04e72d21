using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace MoralGraph.Browser.Tests.Server;

/// <summary>
/// The real app in its own process, as an operator runs it (<c>dotnet MoralGraph.Web.dll</c> from its project
/// folder in Development, so static web assets come from the build's manifest), on a free loopback port and a
/// LiteDB file in a temporary folder. The store starts empty, so the app seeds the repository's
/// <c>studies/*.yaml</c>. <see cref="RestartAsync"/> kills the process and starts a new one on the same port and
/// file, as a crash and restart would. Use it as an xunit class fixture: one server per test class.
/// </summary>
public partial class MoralGraphServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly IReadOnlyDictionary<string, string> _settings;
    private Process? _process;
    private int _run;

    /// <summary>A server on a fresh store seeded from the repository's <c>studies/</c> folder.</summary>
    public MoralGraphServer()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>
    /// A server with extra configuration, as environment variables in <c>Section__Key</c> form (for instance
    /// <c>StudySeedOptions__Directory</c> for another seed folder). For a derived fixture class.
    /// </summary>
    protected MoralGraphServer(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        Folder = Directory.CreateTempSubdirectory("moralgraph-browser-").FullName;
        Port = FreeLoopbackPort();
        BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));
    }

    /// <summary>The temporary folder holding the store; deleted on dispose.</summary>
    public string Folder { get; }

    /// <summary>The LiteDB file the app writes, kept across restarts.</summary>
    public string DatabasePath => Path.Combine(Folder, "moralgraph.db");

    /// <summary>The loopback port, the same across restarts so open pages can reconnect.</summary>
    public int Port { get; }

    /// <summary>Where the app answers, ending in a slash.</summary>
    public Uri BaseAddress { get; }

    /// <summary>What the app wrote to stdout and stderr, across every run.</summary>
    public ServerLog Log { get; } = new();

    /// <summary>How many times the app has been started (1 after the fixture is initialised).</summary>
    public int Runs => _run;

    /// <summary>The app's main assembly, started with <c>dotnet</c>: the build's, unless a derived fixture runs another (a published copy).</summary>
    protected virtual string AppAssemblyPath => BuiltApp.AssemblyPath;

    /// <summary>The folder the app is started in: its project folder, as under <c>dotnet run</c>.</summary>
    protected virtual string WorkingDirectory => BuiltApp.ProjectDirectory;

    /// <summary>The absolute URL of <paramref name="path"/> (e.g. <c>/s/dft-2023-example</c>) on this server.</summary>
    public string Url(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new Uri(BaseAddress, path).ToString();
    }

    /// <summary>
    /// The one-time setup link the app printed in its log at its latest start, as an operator copies it from there;
    /// waits a little for the line (it is printed once the server listens), then fails with the log.
    /// </summary>
    public async Task<string> SetupLinkAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var printed = SetupLink().Matches(Log.ToString());
            if (printed.Count > 0 && printed[^1].Groups["run"].Value == _run.ToString(CultureInfo.InvariantCulture))
            {
                return printed[^1].Groups["link"].Value;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"Run {_run} of the app printed no setup link.\n{Log}");
    }

    public virtual Task InitializeAsync() => StartAsync();

    /// <summary>Kills the app and starts it again on the same port and store; returns once it answers HTTP.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Starts the app (if it is not running) and waits until it answers HTTP.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        var run = ++_run;
        var process = new Process { StartInfo = StartInfo(), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Log.Add(run, "out", e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Log.Add(run, "err", e.Data);
            }
        };

        Log.Note($"run {run}: {process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} (in {process.StartInfo.WorkingDirectory})");
        if (!process.Start())
        {
            throw new InvalidOperationException($"The app did not start.\n{Log}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilAnsweringAsync(process);
    }

    /// <summary>Kills the app (and anything it started) and waits for it to exit. The store stays.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Log.Note($"run {_run} stopped (exit code {process.ExitCode})");
        process.Dispose();
    }

    public virtual async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is not worth failing a test run over.
            }
        }
    }

    private ProcessStartInfo StartInfo()
    {
        if (!File.Exists(AppAssemblyPath))
        {
            throw new InvalidOperationException($"MoralGraph.Web is not built at {AppAssemblyPath}; build the browser test project, which builds the app.");
        }

        var start = new ProcessStartInfo(BuiltApp.Dotnet)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppAssemblyPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.GetLeftPart(UriPartial.Authority));

        // Development: static web assets (MudBlazor, blazor.web.js) are served from the build's manifest, as under `dotnet run`.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["MORALGRAPH_DB"] = DatabasePath;
        // Configuration wins over MORALGRAPH_DB, so an appsettings file naming a store cannot point the tests at it.
        start.Environment["StorageOptions__DatabasePath"] = DatabasePath;
        start.Environment["StudySeedOptions__Directory"] = Path.Combine(BuiltApp.RepositoryRoot, "studies");
        // One line per entry with a time, so a failure message reads as a timeline (the options apply only with the formatter named).
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in _settings)
        {
            start.Environment[key] = value;
        }

        ConfigureEnvironment(start.Environment);
        return start;
    }

    /// <summary>
    /// The last say on the app's environment, at each start: a derived fixture adds (or removes) variables that are
    /// only known once something else is running, such as the address of a fake model server. Does nothing here.
    /// </summary>
    protected virtual void ConfigureEnvironment(IDictionary<string, string?> environment)
    {
    }

    private async Task WaitUntilAnsweringAsync(Process process)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        string lastProblem = "no answer yet";
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"The app exited with code {process.ExitCode} before answering on {BaseAddress}.\n{Log}");
            }

            try
            {
                using var response = await probe.GetAsync(BaseAddress);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Log.Note($"run {_run} answered after {clock.ElapsedMilliseconds} ms");
                    return;
                }

                lastProblem = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastProblem = e.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The app did not answer on {BaseAddress} within {StartTimeout.TotalSeconds} s ({lastProblem}).\n{Log}");
    }

    // A log line is "[run N out] …"; the link ends at the token.
    [GeneratedRegex(@"\[run (?<run>\d+) [a-z]+\][^\n]*?(?<link>https?://\S+/setup\?token=[A-Za-z0-9_%-]+)", RegexOptions.None, 1000)]
    private static partial Regex SetupLink();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
