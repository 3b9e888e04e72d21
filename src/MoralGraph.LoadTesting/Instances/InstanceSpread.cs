namespace MoralGraph.LoadTesting.Instances;

/// <summary>
/// Sends arriving participants to the instances round-robin, in the order they arrive (as a load balancer without
/// sticky sessions spreads new visitors), and picks which of them lose their sticky session half-way: of each instance's
/// arrivals, the share given, spread evenly over the run rather than bunched at its start. Counted per instance, so the
/// switchers do not all come from one instance when the share and the number of instances line up (½ over two).
/// </summary>
internal sealed class InstanceSpread
{
    private readonly int[] _arrivals;
    private readonly double _switchShare;
    private int _arrived = -1;

    /// <summary>A spread over <paramref name="instances"/> instances, of which <paramref name="switchShare"/> (0–1) of arrivals switch.</summary>
    public InstanceSpread(int instances, double switchShare)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(instances);
        ArgumentOutOfRangeException.ThrowIfNegative(switchShare);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(switchShare, 1);
        _arrivals = new int[instances];
        _switchShare = switchShare;
    }

    /// <summary>Participants sent to each instance so far, in the order of the instances.</summary>
    public IReadOnlyList<int> Arrivals => [.. _arrivals];

    /// <summary>The next arrival's instance and whether it switches to another one before voting.</summary>
    public Arrival Arrive()
    {
        var instance = Interlocked.Increment(ref _arrived) % _arrivals.Length;
        var atInstance = Interlocked.Increment(ref _arrivals[instance]) - 1;
        return new Arrival(instance, _arrivals.Length > 1 && Switches(atInstance, _switchShare));
    }

    /// <summary>
    /// True when an instance's <paramref name="arrival"/>-th arrival (from 0) is one of the <paramref name="share"/> that switch:
    /// when the running count ⌊(n+1)·share⌋ goes up, so the first n arrivals hold ⌊n·share⌋ switchers for every n.
    /// </summary>
    internal static bool Switches(int arrival, double share) => Math.Floor((arrival + 1) * share) > Math.Floor(arrival * share);

    /// <summary>The instance after <paramref name="instance"/> of <paramref name="count"/>: where a switched or failed-over participant goes next.</summary>
    internal static int Next(int instance, int count) => (instance + 1) % count;
}

/// <summary>Where one arriving participant goes.</summary>
/// <param name="Instance">The instance's index in the run's URLs.</param>
/// <param name="SwitchesInstance">True when, after their card and before voting, they carry on on another instance.</param>
internal readonly record struct Arrival(int Instance, bool SwitchesInstance);
