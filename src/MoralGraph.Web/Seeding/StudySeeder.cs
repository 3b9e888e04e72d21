using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Studies;

namespace MoralGraph.Web.Seeding;

/// <summary>
/// On start, gives an empty store the studies defined in the seed folder, so a fresh checkout shows something
/// to work with. A store that already has a study is left alone: seeding never adds to or replaces real data.
/// A file that does not parse or validate is skipped with every problem logged; it never stops the app.
/// Of several app instances starting at once on one empty shared store, the one holding the seeding lease seeds.
/// </summary>
internal sealed partial class StudySeeder(
    IEventLog log,
    IStudyCatalog catalog,
    IOptions<StudySeedOptions> options,
    IHostEnvironment environment,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<StudySeeder> logger,
    IWorkLeases? leases = null) : IHostedService
{
    private const string Actor = "seed";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seeded = await SeedAsync(cancellationToken);
        if (seeded.Count > 0)
        {
            // The server's addresses are only known once it listens.
            lifetime.ApplicationStarted.Register(() => LogParticipantLinks(seeded));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Imports the seed folder's studies if the store has none; returns the studies imported.</summary>
    internal async Task<IReadOnlyList<Study>> SeedAsync(CancellationToken cancellationToken)
    {
        // Another instance seeding now has the lease: it seeds, this one need not wait (its catalog fills as it follows).
        await using var lease = leases is null ? null : await leases.TryAcquireAsync(WorkLeaseNames.Seeding, cancellationToken);
        if (leases is not null && lease is null)
        {
            return [];
        }

        var existing = await catalog.ListAsync(cancellationToken);
        if (existing.Count > 0)
        {
            LogStoreNotEmpty(existing.Count);
            return [];
        }

        var folder = options.Value.ResolveDirectory(environment.ContentRootPath);
        if (folder is null)
        {
            LogNoSeedFolder();
            return [];
        }

        if (!Directory.Exists(folder))
        {
            LogMissingSeedFolder(folder);
            return [];
        }

        var seeded = new List<Study>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var study = await ReadAsync(file, cancellationToken);
            if (study is null)
            {
                continue;
            }

            if (seeded.Any(s => s.Slug == study.Slug))
            {
                LogDuplicateSlug(file, study.Slug);
                continue;
            }

            // The definition and its seed values in one transaction: a study is never seeded half.
            await log.AppendAllAsync(StudyDefinitionEvents.For(study, time.GetUtcNow(), Actor), cancellationToken);
            seeded.Add(study);
            LogSeeded(study.Slug, study.Title, file);
        }

        return seeded;
    }

    private async Task<Study?> ReadAsync(string file, CancellationToken cancellationToken)
    {
        string yaml;
        try
        {
            yaml = await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogUnreadable(file, e.Message);
            return null;
        }

        var result = StudyDefinitionReader.Read(yaml);
        if (!result.IsValid)
        {
            LogInvalid(file, string.Join(" ", result.Problems.Select(p => $"[{p}]")));
            return null;
        }

        return result.Value;
    }

    private void LogParticipantLinks(IReadOnlyList<Study> seeded)
    {
        var baseUrl = PublicBaseUrl(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
        foreach (var study in seeded)
        {
            var link = baseUrl + StudyLinks.Participant(study.Slug);
            LogParticipantLink(study.Slug, link);
        }
    }

    /// <summary>The first address the server listens on, with a wildcard host replaced by one a browser can open.</summary>
    internal static string PublicBaseUrl(IEnumerable<string> addresses)
    {
        var address = addresses.FirstOrDefault();
        if (address is null)
        {
            return string.Empty;
        }

        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The store has {Count} studies; not seeding.")]
    private partial void LogStoreNotEmpty(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "The store has no study and no seed folder is configured (StudySeedOptions:Directory); nothing to seed.")]
    private partial void LogNoSeedFolder();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The seed folder {Folder} does not exist; nothing to seed.")]
    private partial void LogMissingSeedFolder(string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {File}: another seed file already defines the study '{Slug}'.")]
    private partial void LogDuplicateSlug(string file, string slug);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded study '{Slug}' ({Title}) from {File}.")]
    private partial void LogSeeded(string slug, string title, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {File}: it cannot be read ({Reason}).")]
    private partial void LogUnreadable(string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {File}: it is not a valid study definition. {Problems}")]
    private partial void LogInvalid(string file, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Participant link for '{Slug}': {Url}")]
    private partial void LogParticipantLink(string slug, string url);
}
