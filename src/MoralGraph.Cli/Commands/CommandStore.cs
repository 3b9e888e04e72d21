using MoralGraph.Core.Events;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.PostgreSql.EventLog;
using MoralGraph.Storage.PostgreSql.Schema;
using MoralGraph.Storage.PostgreSql.Snapshots;
using Npgsql;

namespace MoralGraph.Cli.Commands;

/// <summary>Opens the store named by <c>--db</c> and loads studies from it.</summary>
internal static class CommandStore
{
    /// <summary>Opens (or creates) the store <paramref name="location"/> names (see <see cref="StoreLocation"/>).</summary>
    public static CliStore Open(string location)
    {
        var store = StoreLocation.Parse(location);
        if (store.Kind == StoreKind.PostgreSql)
        {
            return OpenPostgreSql(store, mustExist: false);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(store.Target))!);
        return CliStore.ForLiteDb(store.Target, OpenLiteDb(store.Target));
    }

    private static LiteDbEventLog OpenLiteDb(string path)
    {
        try
        {
            return new LiteDbEventLog(path);
        }
        catch (StoreInUseException e)
        {
            throw new CliException(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteDB.LiteException)
        {
            throw new CliException($"cannot open the store {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Opens the store <paramref name="location"/> names for a command that reads one: a missing LiteDB file (or folder) is refused
    /// rather than created, and so is an empty file, which LiteDB would take for a new store (an audit of it said
    /// "intact: 0 events"); so is a PostgreSQL database without MoralGraph's tables.
    /// </summary>
    public static CliStore OpenExisting(string location)
    {
        var store = StoreLocation.Parse(location);
        if (store.Kind == StoreKind.PostgreSql)
        {
            return OpenPostgreSql(store, mustExist: true);
        }

        var file = new FileInfo(store.Target);
        if (!file.Exists)
        {
            throw new CliException($"{file.FullName}: no store there{(file.Directory is { Exists: false } ? " (the folder does not exist either)" : string.Empty)}.");
        }

        if (file.Length == 0)
        {
            throw new CliException($"{file.FullName}: the file is empty, not a store.");
        }

        return CliStore.ForLiteDb(store.Target, OpenLiteDb(store.Target));
    }

    /// <summary>
    /// Opens a PostgreSQL store. A database without MoralGraph's tables is created when <paramref name="mustExist"/> is
    /// false and refused when true (a mistyped database name must not look like an empty store). Connection failures
    /// (a wrong password, nothing listening) are reported in one line that never shows the password.
    /// </summary>
    private static CliStore OpenPostgreSql(StoreLocation store, bool mustExist)
    {
        var described = store.Describe();
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(store.Target);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{described}: not a PostgreSQL connection string ({e.Message})");
        }

        try
        {
            if (mustExist && !PostgreSqlSchema.ExistsAsync(dataSource).GetAwaiter().GetResult())
            {
                throw new CliException($"{described}: this database holds no MoralGraph store (no events table), and nothing was created in it. Check the database name, or copy a store into it with 'moralgraph store copy --to'.");
            }

            var log = PostgreSqlEventLog.OpenAsync(dataSource).GetAwaiter().GetResult();
            return new CliStore(described, log, log, new PostgreSqlSnapshotStore(dataSource), log, new PostgreSqlOwner(log, dataSource)) { PostgreSql = log };
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            dataSource.Dispose();
            throw new CliException($"cannot open the PostgreSQL store {described}: {e.Message}");
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    public static async Task<StudyState> LoadStudyAsync(IEventLog log, string slug, CancellationToken cancellationToken)
    {
        return await new StudyRepository(log).LoadAsync(slug, cancellationToken)
            ?? throw new CliException($"no study '{slug}' in the store. Import one with 'moralgraph import' or 'moralgraph import-mai'.");
    }

    /// <summary>
    /// Appends a study's events (a demo, an import) through the live states and leaves a snapshot of the study beside the
    /// store, so the app's first request after a large import reads the snapshot instead of replaying the study.
    /// </summary>
    public static async Task AppendAndSnapshotAsync(CliStore log, string slug, IReadOnlyList<StudyEvent> events, CancellationToken cancellationToken)
    {
        using var states = new StudyStates(log, log.Snapshots);
        await states.AppendAllAsync(events, cancellationToken);
        await states.WriteSnapshotAsync(slug, cancellationToken);
    }

    /// <summary>Writes via a temporary file in the same folder and renames it, so a failure never leaves half a file.</summary>
    public static async Task WriteAtomicallyAsync(string path, Func<Stream, Task> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                await write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Closes a PostgreSQL store's log, then its connections.</summary>
    private sealed class PostgreSqlOwner(PostgreSqlEventLog log, NpgsqlDataSource dataSource) : IDisposable
    {
        public void Dispose()
        {
            log.Dispose();
            dataSource.Dispose();
        }
    }
}
