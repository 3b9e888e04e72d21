using System.Globalization;
using MoralGraph.Core.Events;
using MoralGraph.Storage.PostgreSql.Schema;
using Npgsql;

namespace MoralGraph.Storage.PostgreSql.EventLog;

// Following the commits of every instance: LISTEN on a connection of its own, NOTIFY sent by each group's transaction.
public sealed partial class PostgreSqlEventLog
{
    /// <inheritdoc />
    public IDisposable Follow(Action<StudyAppended> onAppended)
    {
        ArgumentNullException.ThrowIfNull(onAppended);
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_listening)
        {
            // Checked again under the lock DisposeAsync takes to find the listener, so none starts after it looked.
            ObjectDisposedException.ThrowIf(_disposed, this);
            _followers.Add(onAppended);
            _listener ??= Task.Run(ListenLoopAsync);
        }

        return new Following(this, onAppended);
    }

    /// <summary>
    /// Listens for every instance's commits on a connection of its own, and tells the followers. After the connection
    /// is lost it reconnects and tells them anything may have changed (a null study), so they read what they missed.
    /// </summary>
    private async Task ListenLoopAsync()
    {
        var closing = _closing.Token;
        var reconnecting = false;
        while (!closing.IsCancellationRequested)
        {
            try
            {
                await using var connection = await OpenNamedConnectionAsync(ListenerApplicationName, closing).ConfigureAwait(false);
                connection.Notification += (_, notification) => Tell(Parse(notification.Payload));
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgreSqlSchema.AppendedChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(closing).ConfigureAwait(false);
                }

                if (reconnecting)
                {
                    Tell(new StudyAppended(null, 0, ""));
                }

                reconnecting = true;
                while (true)
                {
                    await connection.WaitAsync(closing).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (closing.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever broke the connection, the loop must live on: followers depend on it.
            catch (Exception)
#pragma warning restore CA1031
            {
                reconnecting = true;
                try
                {
                    // Not at once: a database that is down would otherwise be asked again thousands of times a second.
                    await Task.Delay(TimeSpan.FromMilliseconds(500), closing).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static StudyAppended Parse(string payload)
    {
        // Split from the end: the writer id and the sequence hold no '|', a study id might.
        var writerAt = payload.LastIndexOf('|');
        var sequenceAt = writerAt > 0 ? payload.LastIndexOf('|', writerAt - 1) : -1;
        return sequenceAt < 0 || !long.TryParse(payload.AsSpan(sequenceAt + 1, writerAt - sequenceAt - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? new StudyAppended(null, 0, "")
            : new StudyAppended(payload[..sequenceAt], sequence, payload[(writerAt + 1)..]);
    }

    private void Tell(StudyAppended appended)
    {
        Action<StudyAppended>[] followers;
        lock (_listening)
        {
            followers = [.. _followers];
        }

        foreach (var follower in followers)
        {
            try
            {
                follower(appended);
            }
#pragma warning disable CA1031 // A follower's failure is its own: the others, and the listening connection, carry on.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private sealed class Following(PostgreSqlEventLog log, Action<StudyAppended> onAppended) : IDisposable
    {
        public void Dispose()
        {
            lock (log._listening)
            {
                log._followers.Remove(onAppended);
            }
        }
    }
}
