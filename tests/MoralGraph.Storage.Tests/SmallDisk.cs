using System.ComponentModel;
using System.Diagnostics;

namespace MoralGraph.Storage.Tests;

/// <summary>
/// A tmpfs of a few megabytes mounted for one test, so that a disk really fills up: writes fail with ENOSPC as they
/// would on a full server disk, with no fake file system in between. Mounting needs root (or CAP_SYS_ADMIN) on Linux;
/// without it the test fails and says so, rather than passing without having tested anything.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private const int NoSpaceLeftOnDevice = 28;

    public SmallDisk(int megabytes)
    {
        Folder = Directory.CreateTempSubdirectory("moralgraph-small-disk-").FullName;
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Folder);
        if (exitCode != 0)
        {
            Directory.Delete(Folder);
            Assert.Fail($"This test fills a real disk: it mounts a {megabytes} MB tmpfs at {Folder}, which needs Linux and root (or CAP_SYS_ADMIN). 'mount' said: {output}");
        }
    }

    public string Folder { get; }

    /// <summary>Fills every byte left with <paramref name="name"/>.</summary>
    public void Fill(string name = "filler")
    {
        using var filler = new FileStream(Path.Combine(Folder, name), FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                filler.Write(chunk);
            }
        }
        catch (IOException e) when (e.HResult == NoSpaceLeftOnDevice)
        {
            // Full.
        }
    }

    /// <summary>Takes <paramref name="bytes"/> with <paramref name="name"/>, to give back later with <see cref="Free"/>.</summary>
    public void Reserve(string name, int bytes) => File.WriteAllBytes(Path.Combine(Folder, name), new byte[bytes]);

    public void Free(string name = "filler") => File.Delete(Path.Combine(Folder, name));

    public void Dispose()
    {
        // A lazy unmount if something still holds a file open (a failed test's store), so the next run starts clean.
        if (Run("umount", Folder).ExitCode != 0)
        {
            Run("umount", "-l", Folder);
        }

        Directory.Delete(Folder, recursive: true);
    }

    private static (int ExitCode, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Trim());
        }
        catch (Win32Exception e)
        {
            return (-1, $"'{command}' could not be started: {e.Message}");
        }
    }
}
