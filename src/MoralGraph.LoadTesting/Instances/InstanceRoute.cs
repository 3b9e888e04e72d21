namespace MoralGraph.LoadTesting.Instances;

/// <summary>
/// The instance one participant's requests go to: the one they arrived at, then another when their sticky session is
/// lost, or when theirs stops answering (as a reverse proxy sends them elsewhere).
/// </summary>
/// <param name="instances">One client per instance, in the run's order.</param>
/// <param name="instance">The instance they arrived at.</param>
internal sealed class InstanceRoute(IReadOnlyList<HttpClient> instances, int instance)
{
    /// <summary>A route to one server.</summary>
    public static InstanceRoute To(HttpClient server) => new([server], 0);

    /// <summary>The instance's index in the run's URLs.</summary>
    public int Instance { get; private set; } = instance;

    /// <summary>Instances there are to go to.</summary>
    public int Count => instances.Count;

    /// <summary>The client of the current instance.</summary>
    public HttpClient Http => instances[Instance];

    /// <summary>Goes to the next instance (with one instance, stays).</summary>
    public void MoveOn() => Instance = InstanceSpread.Next(Instance, instances.Count);
}
