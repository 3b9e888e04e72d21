using System.Reflection;

namespace MoralGraph.Browser.Tests.Server;

/// <summary>
/// Where the build put MoralGraph.Web, read from the assembly metadata the test project's build writes (see its
/// project file), so the tests find the app in bin/ and under an artifacts path alike.
/// </summary>
public static class BuiltApp
{
    /// <summary>The app's main assembly, started with <c>dotnet</c>.</summary>
    public static string AssemblyPath { get; } = Metadata("MoralGraphWebAssembly");

    /// <summary>The app's project folder: its content root, as under <c>dotnet run</c>.</summary>
    public static string ProjectDirectory { get; } = Metadata("MoralGraphWebProjectDirectory");

    /// <summary>The checkout the tests were built from.</summary>
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    /// <summary>The <c>dotnet</c> to start the app (and the SDK) with: the SDK tells the processes it starts which one runs them; else the one on the PATH.</summary>
    public static string Dotnet { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string Metadata(string key) =>
        typeof(BuiltApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata; build it with its project file, which records where MoralGraph.Web was built.");
}
