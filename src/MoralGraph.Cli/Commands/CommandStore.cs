using MoralGraph.Core.Events;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Cli.Commands;

/// <summary>Opens the store named by <c>--db</c> and loads studies from it.</summary>
internal static class CommandStore
{
    /// <summary>Opens (or creates) the store <paramref name="location"/> names (see <see cref="CliStore"/>).</summary>
    public static CliStore Open(string location)
    {
        if (PostgreSqlConnection(location) is { } connection)
        {
            return OpenPostgreSql(location, connection);
        }

        var path = LiteDbPath(location);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return CliStore.ForLiteDb(location, OpenLiteDb(path));
    }

    /// <summary>The connection string of a <c>postgres:</c> (or <c>postgresql:</c>) location, else null.</summary>
    private static string? PostgreSqlConnection(string location) =>
        location.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase) ? location["postgres:".Length..]
        : location.StartsWith("postgresql:", StringComparison.OrdinalIgnoreCase) ? location["postgresql:".Length..]
        : null;

    /// <summary>The store in a PostgreSQL database (its tables created when absent), for messages without the password.</summary>
    private static CliStore OpenPostgreSql(string location, string connectionString)
    {
        Npgsql.NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "moralgraph-cli" };
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--db {location.Split(':')[0]}:…: not a PostgreSQL connection string ({e.Message}).");
        }

        var shown = $"postgres:Host={parsed.Host};Port={parsed.Port};Database={parsed.Database}";
        var dataSource = Npgsql.NpgsqlDataSource.Create(parsed.ConnectionString);
        try
        {
            var log = Storage.PostgreSql.EventLog.PostgreSqlEventLog.OpenAsync(dataSource).GetAwaiter().GetResult();
            return new CliStore(shown, log, log, new Storage.PostgreSql.Snapshots.PostgreSqlSnapshotStore(dataSource), new Owners(log, dataSource));
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or IOException or InvalidOperationException or TimeoutException)
        {
            dataSource.Dispose();
            throw new CliException($"cannot open the store {shown}: {e.Message}");
        }
    }

    /// <summary>Disposes the log, then the data source it used.</summary>
    private sealed class Owners(IDisposable log, IDisposable dataSource) : IDisposable
    {
        public void Dispose()
        {
            log.Dispose();
            dataSource.Dispose();
        }
    }

    private static string LiteDbPath(string location) =>
        location.StartsWith("litedb:", StringComparison.OrdinalIgnoreCase) ? location["litedb:".Length..] : location;

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
    /// "intact: 0 events").
    /// </summary>
    public static CliStore OpenExisting(string location)
    {
        if (PostgreSqlConnection(location) is { } connection)
        {
            return OpenPostgreSql(location, connection);
        }

        var path = LiteDbPath(location);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new CliException($"{file.FullName}: no store there{(file.Directory is { Exists: false } ? " (the folder does not exist either)" : string.Empty)}.");
        }

        if (file.Length == 0)
        {
            throw new CliException($"{file.FullName}: the file is empty, not a store.");
        }

        return CliStore.ForLiteDb(location, OpenLiteDb(path));
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
}
