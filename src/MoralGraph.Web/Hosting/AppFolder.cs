namespace MoralGraph.Web.Hosting;

/// <summary>Where the app finds its own files (<c>wwwroot</c>, <c>appsettings.json</c>, the published <c>studies/</c>).</summary>
public static class AppFolder
{
    /// <summary>The file a build output (not a published app) has beside the app: where its static web assets really are.</summary>
    public static string StaticWebAssetsManifestName { get; } = typeof(AppFolder).Assembly.GetName().Name + ".staticwebassets.runtime.json";

    /// <summary>
    /// The builder's options, with a published app's own folder as its content root. ASP.NET Core takes the current
    /// directory, so a published app started anywhere else (<c>dotnet /srv/moralgraph/app/MoralGraph.Web.dll</c> from a
    /// home folder, a systemd unit without <c>WorkingDirectory</c>) finds no <c>wwwroot</c> — blazor.web.js and every
    /// other static file answer 200 with an empty body — no <c>appsettings.json</c>, and resolves relative paths against
    /// wherever it was started. A build output keeps the default: <c>dotnet run</c> starts it in its project folder,
    /// whose <c>wwwroot</c> it serves. An explicit <c>--contentRoot</c> or <c>ASPNETCORE_CONTENTROOT</c> always wins.
    /// </summary>
    public static WebApplicationOptions WebApplicationOptions(string[] args) => new()
    {
        Args = args,
        ContentRootPath = IsPublished(AppContext.BaseDirectory) && !ChoosesContentRoot(args) ? AppContext.BaseDirectory : null,
    };

    /// <summary>True when <paramref name="appFolder"/> holds a published app rather than a build output.</summary>
    internal static bool IsPublished(string appFolder) => !File.Exists(Path.Combine(appFolder, StaticWebAssetsManifestName));

    /// <summary>True when the command line or the environment names a content root (read as the host reads it).</summary>
    internal static bool ChoosesContentRoot(string[] args) =>
        new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey] is { Length: > 0 };
}
