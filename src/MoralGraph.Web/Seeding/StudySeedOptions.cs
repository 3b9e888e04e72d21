namespace MoralGraph.Web.Seeding;

/// <summary>Where the study definitions imported into an empty store come from (configuration section <c>StudySeedOptions</c>).</summary>
public sealed class StudySeedOptions
{
    /// <summary>The file the repository root is recognised by.</summary>
    public const string SolutionFileName = "MoralGraph.sln";

    /// <summary>
    /// Folder whose <c>*.yaml</c> study definitions are imported when the store has no study. A relative path is
    /// resolved against the content root. When unset, the repository's <c>studies/</c> folder is used if the app
    /// runs from a checkout, and nothing is seeded otherwise.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>The folder to seed from, or null when there is none to use.</summary>
    public string? ResolveDirectory(string contentRootPath) => string.IsNullOrWhiteSpace(Directory)
        ? FindRepositoryStudies(contentRootPath)
        : Path.GetFullPath(Directory, contentRootPath);

    /// <summary>The <c>studies/</c> folder beside the first <see cref="SolutionFileName"/> found walking up from <paramref name="start"/>.</summary>
    internal static string? FindRepositoryStudies(string start) =>
        FindRepositoryRoot(start) is { } root ? Path.Combine(root, "studies") : null;

    /// <summary>The folder holding <see cref="SolutionFileName"/>, walking up from <paramref name="start"/>; null outside a checkout.</summary>
    internal static string? FindRepositoryRoot(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)))
            {
                return folder.FullName;
            }
        }

        return null;
    }
}
