namespace MoralGraph.LoadTesting.Participants;

/// <summary>How one action on the participant API ended.</summary>
/// <typeparam name="T">The answer's body when acknowledged.</typeparam>
internal abstract record ApiOutcome<T>
{
    private ApiOutcome()
    {
    }

    /// <summary>The server acknowledged it (HTTP 2xx).</summary>
    public sealed record Acknowledged(T Value, TimeSpan Latency, int Attempts) : ApiOutcome<T>;

    /// <summary>The server refused it with a problem document whose code the caller expected (e.g. a changed mind on an answered item).</summary>
    public sealed record Refused(int Status, string Code) : ApiOutcome<T>;

    /// <summary>Anything else: an unexpected status, a dropped connection that was not retried, a timeout.</summary>
    public sealed record Failed(string Kind, string Message) : ApiOutcome<T>;

    /// <summary>The run ended while it was in flight: neither a success nor an error.</summary>
    public sealed record Abandoned : ApiOutcome<T>;
}
