using MoralGraph.Core.Events;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.PostgreSql.EventLog;
using MoralGraph.Storage.Snapshots;

namespace MoralGraph.Cli.Commands;

/// <summary>
/// The store a command works on, as <c>--db</c> names it: a LiteDB file (a path, or <c>litedb:PATH</c>) or a PostgreSQL
/// database (<c>postgres:CONNECTION-STRING</c>). Commands read and write through its log and catalog, whichever it is.
/// </summary>
internal sealed class CliStore : IEventLog, IStudyCatalog, IDisposable
{
    private readonly IEventLog _log;
    private readonly IStudyCatalog _catalog;
    private readonly IDisposable _owner;

    public CliStore(string location, IEventLog log, IStudyCatalog catalog, IStudySnapshotStore snapshots, IStoredEventSource stored, IDisposable owner, LiteDbEventLog? liteDb = null)
    {
        Location = location;
        Stored = stored;
        _log = log;
        _catalog = catalog;
        Snapshots = snapshots;
        _owner = owner;
        LiteDb = liteDb;
    }

    /// <summary>What <c>--db</c> said, for messages (a connection string's password left out).</summary>
    public string Location { get; }

    /// <summary>Where the app keeps the studies' snapshots in this store.</summary>
    public IStudySnapshotStore Snapshots { get; }

    /// <summary>The log and participants' keys as stored, for copying the store.</summary>
    public IStoredEventSource Stored { get; }

    /// <summary>The PostgreSQL store when it is one, else null.</summary>
    public PostgreSqlEventLog? PostgreSql { get; init; }

    /// <summary>The LiteDB store when it is one (its file and its participants' key file), else null.</summary>
    public LiteDbEventLog? LiteDb { get; }

    public Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default) => _log.AppendAsync(studyEvent, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default) =>
        _log.AppendAllAsync(studyEvents, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default) => _log.ReadStudyAsync(studyId, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default) =>
        _log.ReadStudyAsync(studyId, afterSequence, cancellationToken);

    public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => _log.VerifyAsync(cancellationToken);

    public Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default) => _log.HashAtAsync(sequence, cancellationToken);

    public Task<IReadOnlyList<StudySummary>> ListAsync(CancellationToken cancellationToken = default) => _catalog.ListAsync(cancellationToken);

    public void Dispose() => _owner.Dispose();

    /// <summary>A LiteDB file's store.</summary>
    public static CliStore ForLiteDb(string path, LiteDbEventLog log) =>
        new(path, log, log, new FileStudySnapshotStore(FileStudySnapshotStore.FolderBeside(log.Path)), log, log, log);
}
