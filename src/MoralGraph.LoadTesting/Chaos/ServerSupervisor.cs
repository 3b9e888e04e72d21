using System.Diagnostics;
using System.Globalization;
using MoralGraph.LoadTesting.Harness;
using MoralGraph.LoadTesting.Measurement;

namespace MoralGraph.LoadTesting.Chaos;

/// <summary>
/// Owns one server (one instance) in the chaos mode: starts its <paramref name="command"/> with <c>/bin/sh -c</c>, kills it
/// with SIGKILL (the whole process tree, as a power cut or the OOM killer would), starts it again and waits until it
/// answers, and at the end stops it gracefully with SIGTERM so it writes its snapshots and folds LiteDB's log in.
/// </summary>
internal sealed class ServerSupervisor(Uri url, string command, ChaosOptions options, TextWriter progress) : IAsyncDisposable
{
    private const int OutputLinesKept = 60;

    private readonly Queue<string> _output = new();
    private readonly Lock _outputGate = new();
    private Process? _shell;
    private int _runs;

    /// <summary>The instance's address.</summary>
    public Uri Url => url;

    /// <summary>The running server's process (the one listening on the port), or null between a kill and the restart.</summary>
    public ServerProcess? Process { get; private set; }

    /// <summary>Starts the server and returns once it answers; throws with its last output if it does not.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (ServerProcess.FindListeningOn(url.Port) is { } squatter)
        {
            throw new InvalidOperationException(
                $"process {squatter.Pid} already listens on port {url.Port}: the chaos mode starts (and kills) the server itself, so stop that one first.");
        }

        var run = ++_runs;
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        var shell = new Process { StartInfo = start, EnableRaisingEvents = true };
        shell.OutputDataReceived += (_, e) => Keep(run, e.Data);
        shell.ErrorDataReceived += (_, e) => Keep(run, e.Data);
        if (!shell.Start())
        {
            throw new InvalidOperationException($"the server command did not start: {command}");
        }

        shell.BeginOutputReadLine();
        shell.BeginErrorReadLine();
        _shell = shell;
        await WaitUntilAnsweringAsync(shell, cancellationToken);
    }

    /// <summary>Kills the server with SIGKILL, starts it again, and returns the time from the kill to its first successful answer.</summary>
    public async Task<TimeSpan> KillAndRestartAsync(CancellationToken cancellationToken)
    {
        var shell = _shell ?? throw new InvalidOperationException("The server is not running.");
        var killedAt = Stopwatch.GetTimestamp();
        shell.Kill(entireProcessTree: true);
        await shell.WaitForExitAsync(cancellationToken);
        shell.Dispose();
        _shell = null;
        Process = null;

        // The port is free as soon as the process is gone (Kestrel sets SO_REUSEADDR), so the new server can bind at once.
        await StartAsync(cancellationToken);
        return Stopwatch.GetElapsedTime(killedAt);
    }

    /// <summary>Stops the server with SIGTERM and waits for it to exit (its graceful shutdown writes snapshots and closes the store).</summary>
    public async Task StopGracefullyAsync(CancellationToken cancellationToken)
    {
        if (_shell is not { } shell)
        {
            return;
        }

        if (Process is { } server)
        {
            using var term = System.Diagnostics.Process.Start(new ProcessStartInfo("kill", ["-TERM", server.Pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
            await term.WaitForExitAsync(cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await shell.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            shell.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the server did not stop within 60 s of SIGTERM and was killed.\n{RecentOutput()}");
        }

        // The shell may have exited before its child when it did not exec it: wait for the server itself too.
        var deadline = Stopwatch.StartNew();
        while (Process is { IsAlive: true } && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50, cancellationToken);
        }

        await progress.WriteLineAsync($"Server {url}: stopped gracefully (exit code {shell.ExitCode}).");
        shell.Dispose();
        _shell = null;
        Process = null;
    }

    /// <summary>The server's last lines of output, for a failure message.</summary>
    public string RecentOutput()
    {
        lock (_outputGate)
        {
            return string.Join('\n', _output);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        // A run that failed half-way must not leave a server behind.
        if (_shell is { HasExited: false } shell)
        {
            shell.Kill(entireProcessTree: true);
        }

        _shell?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilAnsweringAsync(Process shell, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var lastProblem = "no answer yet";
        while (clock.Elapsed < options.StartTimeout)
        {
            if (shell.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {shell.ExitCode} before answering on {url}.\n{RecentOutput()}");
            }

            try
            {
                using var response = await probe.GetAsync(string.Empty, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    Process = ServerProcess.FindListeningOn(url.Port);
                    return;
                }

                lastProblem = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastProblem = e.Message;
            }

            await Task.Delay(25, cancellationToken);
        }

        throw new TimeoutException($"the server did not answer on {url} within {options.StartTimeout.TotalSeconds:0} s ({lastProblem}).\n{RecentOutput()}");
    }

    private void Keep(int run, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputGate)
        {
            _output.Enqueue($"[run {run}] {line}");
            while (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }
    }
}
