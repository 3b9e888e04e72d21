using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MoralGraph.Web.Access;
using MoralGraph.Web.Live;
using MoralGraph.Web.ScaleOut;
using MoralGraph.Web.Security;
using StackExchange.Redis;

namespace MoralGraph.Web.Extensions;

/// <summary>Several instances of the app behind one load balancer, sharing a Redis server.</summary>
public static class ScaleOutExtensions
{
    /// <summary>
    /// When <c>ConnectionStrings:Redis</c> is set: the study hub's messages reach consoles connected to any instance
    /// (SignalR's Redis backplane, channels prefixed with <see cref="RedisScaleOutOptions.Prefix"/>), and the sign-in
    /// throttle and the participant API's rate limits count across instances (<see cref="RedisLoginThrottle"/>,
    /// <see cref="RedisTokenBucketPartitions"/>; each falls back on this instance's own count while Redis does not
    /// answer, see <see cref="RedisFallback"/>). Without it nothing is registered and one instance runs as before. Call
    /// after <c>AddFacilitatorAccess</c>, <c>AddParticipantJourney</c> and <c>AddLiveSession</c>, whose in-memory
    /// defaults this replaces.
    /// </summary>
    public static IHostApplicationBuilder AddRedisScaleOut(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(RedisScaleOutOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return builder;
        }

        // Parsed now, so a malformed string stops the start with a message naming the setting.
        _ = RedisConnection.Configuration(connectionString);
        var services = builder.Services;
        services.AddOptions<RedisScaleOutOptions>().BindConfiguration(nameof(RedisScaleOutOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new RedisConnection(connectionString));
        services.AddSingleton<RedisFallback>();

        services.Replace(ServiceDescriptor.Singleton<ILoginThrottle, RedisLoginThrottle>());
        services.Replace(ServiceDescriptor.Singleton<ITokenBucketPartitions, RedisTokenBucketPartitions>());

        // The backplane for the study hub only, not AddSignalR().AddStackExchangeRedis() for every hub: that would put
        // Blazor's circuit hub on Redis too, whose connections then could not start while Redis is away, and a circuit
        // never needs another instance (the load balancer keeps a browser on one).
        services.AddOptions<RedisOptions>().Configure<IOptions<RedisScaleOutOptions>>((redis, scaleOut) =>
        {
            redis.Configuration = RedisConnection.Configuration(connectionString);
            redis.Configuration.ChannelPrefix = RedisChannel.Literal(scaleOut.Value.Prefix);
        });
        services.AddSingleton<HubLifetimeManager<StudyHub>, RedisHubLifetimeManager<StudyHub>>();
        return builder;
    }
}
