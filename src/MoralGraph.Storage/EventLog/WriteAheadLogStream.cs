using System.Diagnostics;

namespace MoralGraph.Storage.EventLog;

/// <summary>
/// LiteDB's log file (<c>store-log.db</c>), handed to LiteDB as its log stream so that the event log decides when the
/// log reaches the disk. LiteDB appends every committed page to this file from a queue of its own and, left to itself,
/// flushes the file to disk each time that queue runs dry — which, because the queue's loop resumes inline on the
/// committing thread, happens after every single page: about ten disk flushes per commit. Here LiteDB's flushes
/// only empty managed buffers; <see cref="FlushThrough"/> waits for the pages of a commit and flushes once for all of them.
/// <para>
/// A failed write (a full disk) is remembered and every later write is dropped, so the confirming last page of a
/// transaction can never reach the file after one of its earlier pages failed: LiteDB replays only confirmed
/// transactions, so the file never holds part of a group. The failure is reported by <see cref="FlushThrough"/>,
/// and the store is then reopened with a new stream.
/// </para>
/// </summary>
internal sealed class WriteAheadLogStream : Stream
{
    // How long LiteDB may go without writing a page the writer is waiting for before the wait is given up as a failure.
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    private readonly FileStream _file;
    // Guards the three fields below; Monitor's wait and pulse let FlushThrough sleep until LiteDB writes.
    private readonly object _progress = new();

    // Pages are appended in order, so the end of the last page written covers every page before it.
    private long _writtenEnd;
    private long _durableEnd;
    private IOException? _failure;

    public WriteAheadLogStream(string path)
    {
        // Unbuffered: a page handed to Write is in the operating system's hands when Write returns.
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        _writtenEnd = _durableEnd = _file.Length;
    }

    /// <summary>The first write that failed, if any: from then on this stream writes nothing.</summary>
    public IOException? Failure
    {
        get
        {
            lock (_progress)
            {
                return _failure;
            }
        }
    }

    /// <summary>Bytes of log written so far (what a checkpoint would copy into the data file).</summary>
    public long WrittenLength
    {
        get
        {
            lock (_progress)
            {
                return _writtenEnd;
            }
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => _file.Length;

    public override long Position
    {
        get => _file.Position;
        set => _file.Position = value;
    }

    /// <summary>
    /// Returns once the log is on disk up to <paramref name="end"/> (LiteDB's length of its log after a commit):
    /// waits for LiteDB's queue to write those pages, then flushes the file unless a flush already covered them.
    /// Throws an <see cref="IOException"/> if a write or the flush failed. Called by the one thread that commits.
    /// </summary>
    public void FlushThrough(long end)
    {
        lock (_progress)
        {
            var lastProgress = _writtenEnd;
            var stalledSince = Stopwatch.GetTimestamp();
            while (_writtenEnd < end && _failure is null)
            {
                if (_writtenEnd != lastProgress)
                {
                    (lastProgress, stalledSince) = (_writtenEnd, Stopwatch.GetTimestamp());
                }
                else if (Stopwatch.GetElapsedTime(stalledSince) > StallLimit)
                {
                    _failure = new IOException($"LiteDB wrote no page of its log for {StallLimit.TotalSeconds:F0} s ({_writtenEnd} of {end} bytes written).");
                    break;
                }

                Monitor.Wait(_progress, TimeSpan.FromSeconds(1));
            }

            if (_failure is { } failure)
            {
                throw new IOException($"The store's log could not be written: {failure.Message}", failure);
            }
        }

        long covered;
        lock (_progress)
        {
            // A commit that wrote nothing (every event a replay) has nothing new to flush.
            if (_durableEnd >= end)
            {
                return;
            }

            covered = _writtenEnd;
        }

        try
        {
            _file.Flush(flushToDisk: true);
        }
        catch (IOException e)
        {
            Fail(e);
            throw new IOException($"The store's log could not be flushed to disk: {e.Message}", e);
        }

        lock (_progress)
        {
            _durableEnd = Math.Max(_durableEnd, covered);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);

    public override void Write(byte[] buffer, int offset, int count)
    {
        // LiteDB writes from its queue and would close its engine on an exception, sometimes waiting on its own
        // thread; so the failure is kept for FlushThrough to report, and the write returns as if it had succeeded.
        if (Failure is not null)
        {
            return;
        }

        try
        {
            _file.Write(buffer, offset, count);
        }
        catch (IOException e)
        {
            Fail(e);
            return;
        }

        lock (_progress)
        {
            _writtenEnd = Math.Max(_writtenEnd, _file.Position);
            Monitor.PulseAll(_progress);
        }
    }

    /// <summary>LiteDB calls this after each page it writes; the flush to disk is <see cref="FlushThrough"/>'s, once per commit.</summary>
    public override void Flush() => _file.Flush(flushToDisk: false);

    public override void SetLength(long value)
    {
        // A checkpoint empties the log after the data file is flushed. The empty log is flushed too: were the old log
        // to come back after a power cut behind new pages, LiteDB (which restarts transaction ids after a checkpoint)
        // could mix old pages into a new transaction.
        _file.SetLength(value);
        _file.Flush(flushToDisk: true);
        lock (_progress)
        {
            _writtenEnd = Math.Min(_writtenEnd, value);
            _durableEnd = Math.Min(_durableEnd, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Fail(IOException error)
    {
        lock (_progress)
        {
            _failure ??= error;
            Monitor.PulseAll(_progress);
        }
    }
}
