using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Access;
using MoralGraph.Web.Tests.Access;
using MoralGraph.Web.Tests.Participation;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>
/// Two instances of the app behind an imagined load balancer: separate LiteDB files (what they share here is Redis only),
/// one Redis connection string and key prefix (new per cluster, so tests sharing the server do not count each other's
/// failures), one data-protection key folder (so a participant's token from one is read by the other, as a real
/// deployment shares its keys), and the same study and facilitator on both.
/// </summary>
public sealed class ScaleOutCluster : IAsyncDisposable
{
    public const string Slug = "scale-out";
    public const string Facilitator = "scale-owner";

    private readonly string _keys = TestFolder.Create();

    public ScaleOutCluster(string redisConnectionString, Action<MoralGraphAppFactory>? configure = null)
    {
        Prefix = "test-" + Guid.NewGuid().ToString("N");
        First = Instance(redisConnectionString, configure);
        Second = Instance(redisConnectionString, configure);
    }

    /// <summary>The key and channel prefix of this cluster.</summary>
    public string Prefix { get; }

    public MoralGraphAppFactory First { get; }

    public MoralGraphAppFactory Second { get; }

    public IEnumerable<MoralGraphAppFactory> Both => [First, Second];

    /// <summary>A cluster with both instances started and the facilitator (an owner of every study) on each.</summary>
    public static async Task<ScaleOutCluster> StartAsync(string redisConnectionString, Action<MoralGraphAppFactory>? configure = null)
    {
        var cluster = new ScaleOutCluster(redisConnectionString, configure);
        foreach (var app in cluster.Both)
        {
            await app.CreateFacilitatorAsync(Facilitator, FacilitatorRole.Owner);
        }

        return cluster;
    }

    /// <summary>Signs in through <paramref name="app"/>'s form; the cookies to send with a hub connection.</summary>
    public static async Task<CookieContainer> SignInAsync(MoralGraphAppFactory app)
    {
        var cookies = new CookieContainer();
        using var client = app.CreateDefaultClient(new CookieContainerHandler(cookies));
        using var response = await client.PostSignInAsync(Facilitator, AccessTestClients.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return cookies;
    }

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        TestFolder.Delete(_keys);
    }

    private MoralGraphAppFactory Instance(string redisConnectionString, Action<MoralGraphAppFactory>? configure)
    {
        var app = new MoralGraphAppFactory()
            .WithStudyFile("scale-out.yaml", JourneyAppFixture.StudyYaml(Slug, "interviewing"))
            .WithSetting("ConnectionStrings:Redis", redisConnectionString)
            .WithSetting("RedisScaleOutOptions:Prefix", Prefix)
            .WithServices(services => services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(_keys)));
        configure?.Invoke(app);
        return app;
    }
}
