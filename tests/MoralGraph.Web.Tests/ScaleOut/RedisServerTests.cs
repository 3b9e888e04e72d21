using MoralGraph.Tests.Servers;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>The throwaway server the scale-out tests share: it answers, and a missing binary is reported, not puzzled over.</summary>
[Collection(SharedRedisServer.Name)]
public sealed class RedisServerTests(RedisServer redis)
{
    [Fact]
    public void The_shared_server_answers_on_loopback_with_an_empty_folder()
    {
        Assert.True(redis.Answers(), redis.Output);
        Assert.Equal($"127.0.0.1:{redis.Port}", redis.ConnectionString);
        Assert.True(Directory.Exists(redis.Folder));
    }

    [Fact]
    public void A_stopped_server_is_killed_and_its_folder_deleted()
    {
        var own = new RedisServer();
        Assert.True(own.Answers());

        own.Dispose();

        Assert.False(own.Answers());
        Assert.False(Directory.Exists(own.Folder));
    }

    [Fact]
    public void A_missing_binary_says_how_to_install_one()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => new RedisServer("/nowhere/redis-server"));

        Assert.Contains("apt-get install redis-server", missing.Message, StringComparison.Ordinal);
        Assert.Contains("MORALGRAPH_REDIS_SERVER", missing.Message, StringComparison.Ordinal);
    }
}
