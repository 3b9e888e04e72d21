namespace MoralGraph.Tests;

/// <summary>Files of this checkout (the example study, shared red lines), found from the test's output folder.</summary>
internal static class RepositoryFiles
{
    public static string PathOf(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MoralGraph.sln")))
            {
                return Path.Combine(directory.FullName, relative);
            }
        }

        throw new InvalidOperationException("The repository root (MoralGraph.sln) was not found.");
    }
}
