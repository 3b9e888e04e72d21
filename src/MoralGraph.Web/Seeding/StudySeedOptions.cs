namespace MoralGraph.Web.Seeding;

/// <summary>Where the study definitions imported into an empty store come from (configuration section <c>StudySeedOptions</c>).</summary>
public sealed class StudySeedOptions
{
    /// <summary>The file the repository root is recognised by.</summary>
    public const string SolutionFileName = "MoralGraph.sln";

    /// <summary>The folder of study files published with the app (see the web project file), in its content root.</summary>
    public const string PublishedFolderName = "studies";

    /// <summary>
    /// Folder whose <c>*.yaml</c> study definitions are imported when the store has no study. A relative path is
    /// resolved against the content root. When unset, the repository's <c>studies/</c> folder is used if the app
    /// runs from a checkout, else the <c>studies/</c> folder published with the app if it has one, and nothing is
    /// seeded otherwise.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>The folder to seed from, or null when there is none to use.</summary>
    public string? ResolveDirectory(string contentRootPath) => string.IsNullOrWhiteSpace(Directory)
        ? FindRepositoryStudies(contentRootPath) ?? FindPublishedStudies(contentRootPath)
        : Path.GetFullPath(Directory, contentRootPath);

    /// <summary>The <c>studies/</c> folder in <paramref name="contentRootPath"/>, where a published app has the example study; null when absent.</summary>
    internal static string? FindPublishedStudies(string contentRootPath)
    {
        var folder = Path.Combine(contentRootPath, PublishedFolderName);
        return System.IO.Directory.Exists(folder) ? folder : null;
    }

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
