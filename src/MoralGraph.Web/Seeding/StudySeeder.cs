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
/// </summary>
internal sealed class StudySeeder(
    IEventLog log,
    IStudyCatalog catalog,
    IOptions<StudySeedOptions> options,
    IHostEnvironment environment,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<StudySeeder> logger) : IHostedService
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
        var existing = await catalog.ListAsync(cancellationToken);
        if (existing.Count > 0)
        {
            logger.LogDebug("The store has {Count} studies; not seeding.", existing.Count);
            return [];
        }

        var folder = options.Value.ResolveDirectory(environment.ContentRootPath);
        if (folder is null)
        {
            logger.LogInformation("The store has no study and no seed folder is configured (StudySeedOptions:Directory); nothing to seed.");
            return [];
        }

        if (!Directory.Exists(folder))
        {
            logger.LogWarning("The seed folder {Folder} does not exist; nothing to seed.", folder);
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
                logger.LogWarning("Skipped {File}: another seed file already defines the study '{Slug}'.", file, study.Slug);
                continue;
            }

            await log.AppendAsync(new StudyDefined(study) { StudyId = study.Slug, OccurredAt = time.GetUtcNow(), Actor = Actor }, cancellationToken);
            seeded.Add(study);
            logger.LogInformation("Seeded study '{Slug}' ({Title}) from {File}.", study.Slug, study.Title, file);
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
            logger.LogWarning("Skipped {File}: it cannot be read ({Reason}).", file, e.Message);
            return null;
        }

        var result = StudyDefinitionReader.Read(yaml);
        if (!result.IsValid)
        {
            logger.LogWarning("Skipped {File}: it is not a valid study definition. {Problems}",
                file, string.Join(" ", result.Problems.Select(p => $"[{p}]")));
            return null;
        }

        return result.Value;
    }

    private void LogParticipantLinks(IReadOnlyList<Study> seeded)
    {
        var baseUrl = PublicBaseUrl(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
        foreach (var study in seeded)
        {
            logger.LogInformation("Participant link for '{Slug}': {Url}", study.Slug, baseUrl + StudyLinks.Participant(study.Slug));
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
}
