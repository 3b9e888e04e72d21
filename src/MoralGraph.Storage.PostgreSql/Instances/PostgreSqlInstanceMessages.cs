using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoralGraph.Core.Instances;
using Npgsql;

namespace MoralGraph.Storage.PostgreSql.Instances;

/// <summary>
/// Messages between app instances over PostgreSQL's LISTEN/NOTIFY, on the database they already share: no other broker to
/// run. One connection per instance listens; a lost connection is opened again after a short pause (messages sent
/// meanwhile are lost, which <see cref="IInstanceMessages"/> allows).
/// </summary>
public sealed partial class PostgreSqlInstanceMessages : IInstanceMessages, IAsyncDisposable
{
    private const string Channel = "moralgraph_instances";
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _source;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<(string Topic, Action<InstanceMessage> Handler)> _subscribers = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _listening;

    /// <summary>Creates the messages over <paramref name="source"/>; listening starts with the first subscription.</summary>
    public PostgreSqlInstanceMessages(NpgsqlDataSource source, ILogger<PostgreSqlInstanceMessages>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _logger = logger ?? NullLogger<PostgreSqlInstanceMessages>.Instance;
    }

    /// <inheritdoc />
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Completes once the listening connection is open (for tests: a message sent after it is heard).</summary>
    public Task Listening => _listened.Task;

    private readonly TaskCompletionSource _listened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public async Task PublishAsync(string topic, string payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(payload);
        if (topic.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("A topic is one line.", nameof(topic));
        }

        var message = $"{topic}\n{InstanceId}\n{payload}";
        if (Encoding.UTF8.GetByteCount(message) > IInstanceMessages.MaxPayloadBytes)
        {
            throw new ArgumentException($"A message to the other instances holds at most {IInstanceMessages.MaxPayloadBytes} bytes; keep larger results in ISharedResults.", nameof(payload));
        }

        await using var command = _source.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = Channel });
        command.Parameters.Add(new NpgsqlParameter { Value = message });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string topic, Action<InstanceMessage> onMessage)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(onMessage);
        var subscription = (topic, onMessage);
        lock (_gate)
        {
            _subscribers.Add(subscription);
            _listening ??= Task.Run(ListenAsync);
        }

        return new Unsubscribe(() =>
        {
            lock (_gate)
            {
                _subscribers.Remove(subscription);
            }
        });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_listening is { } listening)
        {
            await listening.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task ListenAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _source.OpenConnectionAsync(_stopping.Token).ConfigureAwait(false);
                connection.Notification += (_, e) => Dispatch(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(_stopping.Token).ConfigureAwait(false);
                }

                _listened.TrySetResult();
                while (!_stopping.IsCancellationRequested)
                {
                    await connection.WaitAsync(_stopping.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                LogLost(e);
                try
                {
                    await Task.Delay(Reconnect, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Dispatch(string raw)
    {
        var parts = raw.Split('\n', 3);
        if (parts.Length != 3)
        {
            return;
        }

        var message = new InstanceMessage(parts[0], parts[1], parts[2]);
        List<Action<InstanceMessage>> handlers;
        lock (_gate)
        {
            handlers = [.. _subscribers.Where(s => s.Topic == message.Topic).Select(s => s.Handler)];
        }

        foreach (var handler in handlers)
        {
            try
            {
                handler(message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogHandlerFailed(e, message.Topic);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The connection that hears the other app instances was lost; it is opened again.")]
    private partial void LogLost(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message from another app instance on {Topic} could not be handled.")]
    private partial void LogHandlerFailed(Exception exception, string topic);

    private sealed class Unsubscribe(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}
