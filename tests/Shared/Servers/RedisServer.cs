using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MoralGraph.Tests.Servers;

/// <summary>
/// A throwaway <c>redis-server</c> for tests: a child process on a free loopback port with its folder in the temp
/// directory, nothing saved to disk, killed and its folder deleted on dispose. Share one per test assembly (a collection
/// fixture) and keep tests apart by key prefix. The binary is Debian's (<c>apt-get install redis-server</c>; <c>.ci/test</c>
/// installs it) or the one <c>MORALGRAPH_REDIS_SERVER</c> names.
/// </summary>
public sealed class RedisServer : IDisposable
{
    /// <summary>How long the server may take to answer its first PING.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    /// <summary>Starts a server (a few tries, should another process take the chosen port first).</summary>
    public RedisServer()
        : this(FindBinary())
    {
    }

    /// <summary>Starts <paramref name="binary"/> (internal: a fixture has one public constructor).</summary>
    internal RedisServer(string binary)
    {
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"redis-server is not at {binary}, and the scale-out tests need one: apt-get install redis-server (.ci/test does), or set MORALGRAPH_REDIS_SERVER to its path.");
        }

        Folder = Path.Combine(Path.GetTempPath(), "moralgraph-redis", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            _process = Start(binary, Port, Folder, _output);
            if (WaitForPing(_process, Port))
            {
                return;
            }

            Stop(_process);
            if (attempt == 3)
            {
                Directory.Delete(Folder, recursive: true);
                throw new InvalidOperationException($"redis-server did not answer PING on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds} s. It said:\n{Output}");
            }
        }
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its working folder (empty: nothing is saved).</summary>
    public string Folder { get; }

    /// <summary>A StackExchange.Redis connection string for it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>What the server printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Whether it answers PING now.</summary>
    public bool Answers() => Ping(Port);

    /// <summary>A loopback port nothing listens on (for tests of an absent server): free when asked, released at once.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Stop(_process);
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleanup rather than failing the run.
        }
    }

    private static string FindBinary()
    {
        if (Environment.GetEnvironmentVariable("MORALGRAPH_REDIS_SERVER") is { Length: > 0 } named)
        {
            return named;
        }

        var candidates = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(folder => Path.Combine(folder, "redis-server")));
        return candidates.FirstOrDefault(File.Exists) ?? "redis-server (on no folder of the PATH)";
    }

    private static Process Start(string binary, int port, string folder, StringBuilder output)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", folder, "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start.");
        DataReceivedEventHandler keep = (_, line) =>
        {
            if (line.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(line.Data);
                }
            }
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static bool WaitForPing(Process process, int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                return false;
            }

            if (Ping(port))
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return false;
    }

    // RESP's inline form: "PING\r\n" answers "+PONG\r\n". No client library, so any test project can link this file.
    private static bool Ping(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            client.ReceiveTimeout = 1000;
            var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}
