namespace MoralGraph.LoadTesting.Instances;

/// <summary>
/// Participants who carried on on another instance with the same token (a lost sticky session), and what went wrong for
/// them after the switch: an action that failed, or an instance that did not know how far they had come.
/// </summary>
public sealed class InstanceSwitches
{
    private const int MessagesKept = 10;

    private readonly Lock _gate = new();
    private readonly List<string> _first = [];
    private int _participants;
    private int _failedActions;
    private int _progressMissing;

    /// <summary>One participant switched.</summary>
    public void Switched() => Interlocked.Increment(ref _participants);

    /// <summary>An action of a switched participant failed after the switch.</summary>
    public void ActionFailed(string message)
    {
        Interlocked.Increment(ref _failedActions);
        Keep(message);
    }

    /// <summary>The new instance did not show a switched participant's acknowledged progress (their card, their step).</summary>
    public void ProgressMissing(string message)
    {
        Interlocked.Increment(ref _progressMissing);
        Keep(message);
    }

    /// <summary>The figures so far.</summary>
    public InstanceSwitchSummary Summarize()
    {
        lock (_gate)
        {
            return new InstanceSwitchSummary(Volatile.Read(ref _participants), Volatile.Read(ref _failedActions), Volatile.Read(ref _progressMissing), [.. _first]);
        }
    }

    private void Keep(string message)
    {
        lock (_gate)
        {
            if (_first.Count < MessagesKept)
            {
                _first.Add(message);
            }
        }
    }
}

/// <summary>What happened to the participants who switched instance.</summary>
/// <param name="Participants">Participants who switched.</param>
/// <param name="FailedActions">Their actions that failed after the switch.</param>
/// <param name="ProgressMissing">Switched participants whose new instance did not show their acknowledged progress.</param>
/// <param name="First">The first few of those failures, in words.</param>
public sealed record InstanceSwitchSummary(int Participants, int FailedActions, int ProgressMissing, IReadOnlyList<string> First);
