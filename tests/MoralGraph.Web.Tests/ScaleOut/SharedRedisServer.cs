using MoralGraph.Tests.Servers;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>The scale-out tests share one throwaway Redis server; each keeps to its own key prefix (<see cref="ScaleOutCluster"/>).</summary>
[CollectionDefinition(Name)]
public sealed class SharedRedisServer : ICollectionFixture<RedisServer>
{
    public const string Name = "Redis";
}
