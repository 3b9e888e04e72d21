namespace MoralGraph.Core.Instances;

/// <summary>A message from one app instance to the others.</summary>
/// <param name="Topic">What it is about ("presence", "reconciliation").</param>
/// <param name="FromInstance">The sender's <see cref="IInstanceMessages.InstanceId"/>.</param>
/// <param name="Payload">Its content (small: a few kilobytes at most).</param>
public sealed record InstanceMessage(string Topic, string FromInstance, string Payload);

/// <summary>
/// Messages between the app instances that share one store: who is online, that a study's reconciliation was computed.
/// Best effort and not kept: a message sent while an instance is away is lost, so what is sent is state that is sent again
/// (presence every few seconds) or a pointer to what is kept elsewhere (<see cref="ISharedResults"/>). One instance alone
/// has none registered.
/// </summary>
public interface IInstanceMessages
{
    /// <summary>This instance's id.</summary>
    string InstanceId { get; }

    /// <summary>The most a payload may hold, in UTF-8 bytes.</summary>
    const int MaxPayloadBytes = 7_000;

    /// <summary>Sends <paramref name="payload"/> on <paramref name="topic"/> to every instance (this one included).</summary>
    Task PublishAsync(string topic, string payload, CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="onMessage"/> for each message on <paramref name="topic"/>. Dispose the result to stop.</summary>
    IDisposable Subscribe(string topic, Action<InstanceMessage> onMessage);
}

/// <summary>A result one instance computed for all, as kept.</summary>
/// <param name="Key">What it is ("reconciliation/dft-2023").</param>
/// <param name="Version">What it was computed through (the log's sequence).</param>
/// <param name="Content">The result, serialized.</param>
public sealed record SharedResult(string Key, long Version, byte[] Content);

/// <summary>
/// Results that one instance computes for every instance (the holder of the work's lease), kept where all can read them:
/// each key holds its latest version.
/// </summary>
public interface ISharedResults
{
    /// <summary>Keeps <paramref name="content"/> as the result of <paramref name="key"/>, unless a later version is kept already.</summary>
    Task WriteAsync(string key, long version, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>The latest result of <paramref name="key"/>, or null.</summary>
    Task<SharedResult?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Forgets every result whose key starts with <paramref name="keyPrefix"/> (a participant withdrew: results naming their words go).</summary>
    Task DeleteAsync(string keyPrefix, CancellationToken cancellationToken = default);
}
