using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MoralGraph.Web.Tests;

/// <summary>
/// The whole app on a test server, with its own LiteDB file and seed folder in a temporary folder.
/// Two factories on the same folder share the store (one after the other: LiteDB holds the file while open).
/// </summary>
public sealed class MoralGraphAppFactory : WebApplicationFactory<Program>
{
    private readonly bool _ownsFolder;
    private readonly Dictionary<string, string?> _settings;
    private readonly List<Action<IServiceCollection>> _services = [];

    /// <summary>A factory on a new temporary folder, deleted when the factory is disposed.</summary>
    public MoralGraphAppFactory()
        : this(TestFolder.Create(), ownsFolder: true)
    {
    }

    /// <summary>A factory on <paramref name="folder"/>, which the caller cleans up.</summary>
    public MoralGraphAppFactory(string folder, bool ownsFolder = false)
    {
        Folder = folder;
        _ownsFolder = ownsFolder;
        Directory.CreateDirectory(SeedFolder);
        _settings = new()
        {
            ["StorageOptions:DatabasePath"] = Path.Combine(Folder, "moralgraph.db"),
            ["StudySeedOptions:Directory"] = SeedFolder,
        };
    }

    public string Folder { get; }

    public string SeedFolder => Path.Combine(Folder, "studies");

    /// <summary>What the app logged, for tests of what an operator reads.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Overrides a setting; call before the app starts.</summary>
    public MoralGraphAppFactory WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Replaces or adds services after the app's own (e.g. a FakeTimeProvider); call before the app starts.</summary>
    public MoralGraphAppFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>Writes a study file into the seed folder; call before the app starts.</summary>
    public MoralGraphAppFactory WithStudyFile(string fileName, string yaml)
    {
        File.WriteAllText(Path.Combine(SeedFolder, fileName), yaml);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(_settings));
        // Also as host settings: those reach builder.Configuration while Program.cs composes the services (the
        // LanguageModel section decides there whether model services are registered at all); the collection above
        // only arrives when the host is built.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            foreach (var configure in _services)
            {
                configure(services);
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsFolder)
        {
            TestFolder.Delete(Folder);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsFolder)
        {
            TestFolder.Delete(Folder);
        }
    }
}

/// <summary>Unique temporary folders for stores and seed files.</summary>
public static class TestFolder
{
    public static string Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "moralgraph-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the OS's temp cleanup rather than failing the test.
        }
    }
}
