using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using MoralGraph.Core.Synthetic;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.Api;

/// <summary>
/// One running app for a test class: its seed folder holds a valid study between a file that is not YAML and
/// one that is not a valid study, and a demo study with cards and votes is appended through the app's event log.
/// </summary>
public sealed class SeededAppFixture : IAsyncLifetime
{
    public const string DemoSlug = "demo";
    public const string DemoTitle = "Demo study";

    public MoralGraphAppFactory Factory { get; } = new MoralGraphAppFactory()
        .WithStudyFile("a-not-yaml.yaml", TestStudies.NotYaml)
        .WithStudyFile("b-invalid.yaml", TestStudies.Invalid)
        .WithStudyFile("kindness.yaml", TestStudies.Kindness);

    /// <summary>A client signed in as the owner of every study (the API is not public).</summary>
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Client = await Factory.OwnerClientAsync();
        var events = await DemoStudy.CreateAsync(DemoSlug, participantCount: 16, seed: 7, start: new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await Factory.Services.GetRequiredService<IEventLog>().AppendAllAsync(events);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
