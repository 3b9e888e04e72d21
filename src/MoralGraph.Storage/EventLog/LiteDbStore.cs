using LiteDB;
using LiteDB.Engine;

namespace MoralGraph.Storage.EventLog;

/// <summary>
/// A store file opened by LiteDB with its log on a <see cref="WriteAheadLogStream"/>: a commit is made durable by one
/// flush of the log, and the log is copied into the data file (a checkpoint) only once it has grown, not per commit.
/// </summary>
internal sealed class LiteDbStore : IDisposable
{
    private readonly WriteAheadLogStream _log;
    private readonly string _logPath;

    private LiteDbStore(LiteDatabase database, WriteAheadLogStream log, string logPath)
    {
        Database = database;
        _log = log;
        _logPath = logPath;
    }

    public LiteDatabase Database { get; }

    /// <summary>Bytes in the log that a checkpoint would copy into the data file.</summary>
    public long LogLength => _log.WrittenLength;

    /// <summary>Opens the data file at <paramref name="path"/> and its log beside it, where LiteDB itself keeps it.</summary>
    public static LiteDbStore Open(string path)
    {
        var logPath = Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));
        var log = new WriteAheadLogStream(logPath);
        try
        {
            var database = new LiteDatabase(new LiteEngine(new EngineSettings { Filename = path, LogStream = log }));
            try
            {
                // Left on, LiteDB checkpoints inside a commit once its log passes 1,000 pages (before the commit is
                // on disk) and again when it closes, even after a failed write left part of a transaction in the log,
                // which a checkpoint would copy into the data file. Checkpoints are this class's alone. The setting is
                // stored in the file, so other tools that open it leave their writes in the log, where they are read.
                database.Pragma("CHECKPOINT", 0);
                return new LiteDbStore(database, log, logPath);
            }
            catch
            {
                database.Dispose();
                throw;
            }
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Returns once everything committed so far is on disk: waits for LiteDB to write the pages of the last commit and
    /// flushes the log once. Throws an <see cref="IOException"/> if the log could not be written or flushed.
    /// </summary>
    public void WaitUntilCommitsAreOnDisk()
    {
        // LiteDB reports its log's length including the pages its queue has yet to write, so every page of the last
        // commit lies before it. It reports the length as an int; read as unsigned it holds up to 4 GB of log between
        // checkpoints, far beyond what a checkpoint every few megabytes and one import transaction add up to.
        var reported = Database.GetCollection("$database").FindAll().First()["logFileSize"].AsInt32;
        _log.FlushThrough(unchecked((uint)reported));
    }

    /// <summary>
    /// True when LiteDB has shut its engine down after an I/O error. It does that after any I/O error, a reader's too,
    /// and from then on rethrows that error from the calls that check the engine first, while others fail with an
    /// <see cref="ObjectDisposedException"/>; so this asks one that checks first, Commit, which does nothing else when
    /// the calling thread has no transaction open (queries keep theirs off the thread).
    /// </summary>
    public bool WasShutDownByIoError()
    {
        try
        {
            Database.Commit();
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (Exception e) when (e is LiteException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Copies the log into the data file, flushes it and empties the log (LiteDB's checkpoint).</summary>
    public void Checkpoint() => Database.Checkpoint();

    /// <summary>Copies the log into the data file if nothing has failed, then closes the files.</summary>
    public void Dispose()
    {
        // A clean close leaves everything in the data file. Not after a failed write: LiteDB counts that transaction as
        // committed in memory and would copy the pages of it that reached the log into the data file.
        if (_log.Failure is null)
        {
            try
            {
                Database.Checkpoint();
            }
            catch (Exception e) when (e is IOException or LiteException or ObjectDisposedException)
            {
                // The log stays beside the data file and is read back when the store is next opened.
            }
        }

        Abandon();
    }

    /// <summary>
    /// Closes the files without a checkpoint, after a failure: what LiteDB holds in memory may not be what is on disk,
    /// so nothing of it is copied; the log is read back when the store is next opened.
    /// </summary>
    public void Abandon()
    {
        Database.Dispose();
        _log.Dispose();

        // LiteDB removes its empty log file when it closes; its log is ours here, so the same tidying is ours too.
        try
        {
            if (new FileInfo(_logPath) is { Exists: true, Length: 0 })
            {
                File.Delete(_logPath);
            }
        }
        catch (IOException)
        {
            // An empty log left behind is harmless.
        }
    }
}
