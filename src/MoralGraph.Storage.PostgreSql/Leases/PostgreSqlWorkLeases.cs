using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MoralGraph.Core.Events;
using Npgsql;

namespace MoralGraph.Storage.PostgreSql.Leases;

/// <summary>
/// Work leases as PostgreSQL session-level advisory locks (<c>pg_try_advisory_lock</c> on a 64-bit hash of the name),
/// all held on one connection of this instance's own. PostgreSQL releases a session's locks when its backend ends, so
/// when the holding process dies (or its connection is cut) another instance acquires the work. The connection is
/// checked every <see cref="CheckInterval"/>; once it is found broken, every lease taken on it is lost
/// (<see cref="IWorkLease.Lost"/> is cancelled), since PostgreSQL has released, or soon will release, its locks.
/// <para>
/// Advisory locks are re-entrant within a session, so the names this instance holds are also kept here: a second
/// acquisition of a held name is refused, as on any other instance.
/// </para>
/// </summary>
public sealed class PostgreSqlWorkLeases : IWorkLeases, IAsyncDisposable
{
    /// <summary>How often the connection holding the locks is checked.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Lease> _held = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _checking;
    private NpgsqlConnection? _connection;
    private bool _disposed;

    /// <summary>Leases in the database <paramref name="connectionString"/> names (a connection of their own is opened on first use).</summary>
    public PostgreSqlWorkLeases(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // Not pooled: a pooled connection is reset when returned, which would release the locks behind the holders' backs.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = ApplicationName, KeepAlive = 5 }.ConnectionString;
        _checking = Task.Run(CheckLoopAsync);
    }

    /// <summary>The application name of the connection holding this instance's locks, as <c>pg_stat_activity</c> shows it.</summary>
    public string ApplicationName { get; } = "moralgraph-leases-" + Guid.NewGuid().ToString("N");

    /// <inheritdoc />
    public async Task<IWorkLease?> TryAcquireAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        List<Lease>? lost = null;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_held.ContainsKey(name))
            {
                return null;
            }

            for (var attempt = 1; ; attempt++)
            {
                var reused = _connection is not null;
                try
                {
                    if (_connection is null)
                    {
                        var connection = new NpgsqlConnection(_connectionString);
                        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                        _connection = connection;
                    }

                    await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@id)", _connection);
                    command.Parameters.AddWithValue("id", LockIdOf(name));
                    if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
                    {
                        return null;
                    }

                    var lease = new Lease(this, name, _connection);
                    _held[name] = lease;
                    return lease;
                }
                catch (Exception e) when (e is NpgsqlException or IOException)
                {
                    (lost ??= []).AddRange(await DropConnectionAsync().ConfigureAwait(false));

                    // A connection that broke since the last check is replaced once; a new one that fails is the answer.
                    if (!reused || attempt > 1)
                    {
                        throw;
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
            Lose(lost);
        }
    }

    /// <summary>Hands back every lease and closes the connection (PostgreSQL releases its locks with it).</summary>
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        await _checking.ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _held.Clear();
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _gate.Release();
        }

        _closing.Dispose();
    }

    /// <summary>The advisory lock of a name: the first 64 bits of its SHA-256, so every instance computes the same one.</summary>
    internal static long LockIdOf(string name) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("moralgraph/lease/" + name)));

    private async Task ReleaseAsync(Lease lease)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        List<Lease>? lost = null;
        try
        {
            if (!_held.TryGetValue(lease.Name, out var current) || !ReferenceEquals(current, lease))
            {
                return;
            }

            _held.Remove(lease.Name);
            if (ReferenceEquals(_connection, lease.Connection))
            {
                try
                {
                    await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@id)", _connection);
                    command.Parameters.AddWithValue("id", LockIdOf(lease.Name));
                    await command.ExecuteScalarAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is NpgsqlException or IOException)
                {
                    // The connection broke: its locks go with it, this one included.
                    lost = await DropConnectionAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
            Lose(lost);
        }
    }

    /// <summary>Asks the holding connection a cheap question every <see cref="CheckInterval"/>; a broken one loses its leases.</summary>
    private async Task CheckLoopAsync()
    {
        using var timer = new PeriodicTimer(CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                await _gate.WaitAsync(_closing.Token).ConfigureAwait(false);
                List<Lease>? lost = null;
                try
                {
                    if (_connection is not null)
                    {
                        try
                        {
                            await using var command = new NpgsqlCommand("SELECT 1", _connection) { CommandTimeout = 5 };
                            await command.ExecuteScalarAsync(_closing.Token).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
                        {
                            lost = await DropConnectionAsync().ConfigureAwait(false);
                        }
                    }
                }
                finally
                {
                    _gate.Release();
                    Lose(lost);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <summary>Forgets the broken connection and the leases held on it (called under the gate); returns them to be told.</summary>
    private async Task<List<Lease>> DropConnectionAsync()
    {
        var lost = _held.Values.ToList();
        _held.Clear();
        if (_connection is { } broken)
        {
            _connection = null;
            try
            {
                await broken.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                // Closing a broken connection can fail too; it is gone either way.
            }
        }

        return lost;
    }

    // Outside the gate: a holder reacting to the loss may hand its lease back at once.
    private static void Lose(List<Lease>? lost)
    {
        foreach (var lease in lost ?? [])
        {
            lease.MarkLost();
        }
    }

    private sealed class Lease(PostgreSqlWorkLeases owner, string name, NpgsqlConnection connection) : IWorkLease
    {
        private readonly CancellationTokenSource _lost = new();
        private int _released;

        public string Name { get; } = name;

        public NpgsqlConnection Connection { get; } = connection;

        public CancellationToken Lost => _lost.Token;

        public void MarkLost() => _lost.Cancel();

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                await owner.ReleaseAsync(this).ConfigureAwait(false);
            }
        }
    }
}
