using System.Runtime.CompilerServices;

namespace MoralGraph.Tests;

/// <summary>Files of this checkout (the example study, shared red lines), found from the test's output folder.</summary>
internal static class RepositoryFiles
{
    // The output folder is inside the checkout unless the build used --artifacts-path elsewhere; then the folder this
    // source file was compiled from (tests/Shared) still is.
    public static string PathOf(string relative, [CallerFilePath] string compiledFrom = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(compiledFrom) ?? string.Empty })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "MoralGraph.sln")))
                {
                    return Path.Combine(directory.FullName, relative);
                }
            }
        }

        throw new InvalidOperationException("The repository root (MoralGraph.sln) was not found.");
    }
}
