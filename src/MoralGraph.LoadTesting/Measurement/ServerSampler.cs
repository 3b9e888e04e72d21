namespace MoralGraph.LoadTesting.Measurement;

/// <summary>Reads the server's process every second while the load runs: its peak memory and, from the first and last readings, its CPU time.</summary>
/// <param name="current">The server's process now (it changes at each restart in the chaos mode), or null when unknown.</param>
internal sealed class ServerSampler(Func<ServerProcess?> current)
{
    private readonly Lock _gate = new();
    private double _cpuOfEarlierProcesses;

    /// <summary>The first reading.</summary>
    public ServerSample? First { get; private set; }

    /// <summary>The latest reading.</summary>
    public ServerSample? Last { get; private set; }

    /// <summary>The process last read.</summary>
    public int Pid { get; private set; }

    /// <summary>The most resident memory any reading showed, MiB.</summary>
    public double PeakRssMb { get; private set; }

    /// <summary>Reads until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        Read();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Read();
            }
        }
        catch (OperationCanceledException)
        {
            // The load is over.
        }

        Read();
    }

    /// <summary>CPU seconds the server used from the first reading to the last, over restarts (a killed process counts up to its last reading).</summary>
    public double CpuSeconds
    {
        get
        {
            lock (_gate)
            {
                return Last is null ? 0 : Math.Max(0, _cpuOfEarlierProcesses + Last.CpuSeconds - _baselineOfCurrent);
            }
        }
    }

    private double _baselineOfCurrent;

    private void Read()
    {
        if (current() is not { } process || process.Sample() is not { } sample)
        {
            return;
        }

        lock (_gate)
        {
            if (First is null)
            {
                First = sample;
                _baselineOfCurrent = sample.CpuSeconds;
            }
            else if (process.Pid != Pid && Last is not null)
            {
                _cpuOfEarlierProcesses += Last.CpuSeconds - _baselineOfCurrent;
                _baselineOfCurrent = 0;
            }

            Pid = process.Pid;
            Last = sample;
            PeakRssMb = Math.Max(PeakRssMb, sample.RssMb);
        }
    }
}
