using System.Text;
using System.Text.Json;
using MoralGraph.Core.Events;

namespace MoralGraph.Storage.Snapshots;

/// <summary>
/// Study snapshots as files in one folder (beside the LiteDB store: <c>data/snapshots/</c>), one per study. A file is
/// one JSON line describing the snapshot, then the captured state as JSON. Writes go to a temporary file that is
/// flushed and then renamed over the old one, so a killed process leaves the old snapshot or the new one, never half
/// of one. Snapshots are a cache of the log: deleting the folder costs a slower start, never data.
/// </summary>
public sealed class FileStudySnapshotStore : IStudySnapshotStore
{
    private const string Extension = ".snapshot.json";

    /// <summary>Keeps snapshots in <paramref name="folder"/>, creating it when first written.</summary>
    public FileStudySnapshotStore(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
    }

    /// <summary>The folder's full path.</summary>
    public string Folder { get; }

    /// <summary>The snapshot folder kept beside a store file: <c>data/moralgraph.db</c> → <c>data/snapshots</c>.</summary>
    public static string FolderBeside(string storePath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storePath))!, "snapshots");

    /// <inheritdoc />
    public async Task<OpenStudySnapshot?> OpenAsync(string studyId, CancellationToken cancellationToken = default)
    {
        var path = PathOf(studyId);
        if (!File.Exists(path))
        {
            return null;
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1 << 16, useAsync: true);
        try
        {
            var header = await ReadHeaderLineAsync(stream, cancellationToken).ConfigureAwait(false);
            var info = JsonSerializer.Deserialize<StudySnapshotInfo>(header, EventHashChain.JsonOptions)
                ?? throw new JsonException($"The snapshot {path} has no header.");
            return info.StudyId == studyId ? new OpenStudySnapshot(info, stream)
                : throw new JsonException($"The snapshot {path} is of study '{info.StudyId}', not '{studyId}'.");
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task WriteAsync(StudySnapshotInfo info, Func<Stream, CancellationToken, Task> writeState, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(writeState);
        Directory.CreateDirectory(Folder);
        var path = PathOf(info.StudyId);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true))
            {
                await stream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(info, EventHashChain.JsonOptions), cancellationToken).ConfigureAwait(false);
                stream.WriteByte((byte)'\n');
                await writeState(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        // A process killed while writing leaves its temporary file, which may hold words a participant has since withdrawn.
        foreach (var abandoned in Directory.EnumerateFiles(Folder, $"{Path.GetFileName(path)}.*.tmp"))
        {
            File.Delete(abandoned);
        }
    }

    // Slugs are lower-case letters, digits and dashes; anything else is escaped so no id can name a path outside the folder.
    private string PathOf(string studyId)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyId);
        var name = new StringBuilder(studyId.Length);
        foreach (var c in studyId)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' ? c : $"_{(int)c:x4}");
        }

        return Path.Combine(Folder, name + Extension);
    }

    /// <summary>Reads up to the first newline byte by byte, leaving the stream at the state that follows.</summary>
    private static async Task<string> ReadHeaderLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new List<byte>(256);
        var one = new byte[1];
        while (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1)
        {
            if (one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString([.. line]);
            }

            line.Add(one[0]);
            if (line.Count > 64 * 1024)
            {
                break;
            }
        }

        throw new JsonException("A snapshot file ended before its header line did.");
    }
}
