using System.Globalization;

namespace MoralGraph.LoadTesting.Measurement;

/// <summary>
/// The server's process as Linux shows it in <c>/proc</c>: its resident memory, peak, threads and CPU time. Read from
/// outside, so it works on any server (Release or Debug, started by hand or by the chaos mode) without a diagnostics
/// endpoint, and costs the server nothing.
/// </summary>
public sealed class ServerProcess(int pid)
{
    // Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>The process id.</summary>
    public int Pid { get; } = pid;

    /// <summary>The process listening on TCP <paramref name="port"/> (IPv4 or IPv6), or null when none is found.</summary>
    /// <remarks>
    /// The socket's inode comes from <c>/proc/net/tcp</c> (state 0A, LISTEN), and the process is the one whose
    /// <c>/proc/PID/fd</c> holds <c>socket:[inode]</c>. Needs to run as the server's user (or root).
    /// </remarks>
    public static ServerProcess? FindListeningOn(int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A" && fields[1].Split(':') is [_, var hexPort]
                    && int.Parse(hexPort, NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port && fields[9] != "0")
                {
                    inodes.Add($"socket:[{fields[9]}]");
                }
            }
        }

        if (inodes.Count == 0)
        {
            return null;
        }

        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                foreach (var descriptor in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
                {
                    if (new FileInfo(descriptor).LinkTarget is { } target && inodes.Contains(target))
                    {
                        return new ServerProcess(pid);
                    }
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // Another user's process, or one that just exited.
            }
        }

        return null;
    }

    /// <summary>True while the process exists.</summary>
    public bool IsAlive => Directory.Exists($"/proc/{Pid}");

    /// <summary>A reading of the process now, or null once it has exited.</summary>
    public ServerSample? Sample()
    {
        try
        {
            long? rssKb = null, peakKb = null;
            int? threads = null;
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rssKb = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peakKb = Kilobytes(line);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }

            // /proc/PID/stat: the command name is in parentheses and may hold spaces; utime and stime are the 14th and 15th fields.
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpuTicks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return new ServerSample(DateTimeOffset.UtcNow, (rssKb ?? 0) / 1024.0, (peakKb ?? 0) / 1024.0, threads ?? 0, cpuTicks / TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

/// <summary>One reading of the server's process.</summary>
/// <param name="At">When.</param>
/// <param name="RssMb">Resident memory (VmRSS), MiB.</param>
/// <param name="PeakRssMb">The most resident memory so far (VmHWM), MiB.</param>
/// <param name="Threads">Threads.</param>
/// <param name="CpuSeconds">User and system CPU time since it started.</param>
public sealed record ServerSample(DateTimeOffset At, double RssMb, double PeakRssMb, int Threads, double CpuSeconds);
