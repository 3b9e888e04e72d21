using System.Collections.Concurrent;
using MoralGraph.Core.Instances;
using MoralGraph.Storage.PostgreSql.Instances;
using Npgsql;

namespace MoralGraph.Storage.PostgreSql.Tests;

/// <summary>Messages and shared results between two instances over one database.</summary>
[Collection(PostgreSqlServerGroup.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class InstancesTests(PostgreSqlFixture fixture) : IAsyncLifetime
{
    private NpgsqlDataSource _source = null!;

    public async Task InitializeAsync() => _source = NpgsqlDataSource.Create(await fixture.Server.CreateDatabaseAsync());

    public async Task DisposeAsync() => await _source.DisposeAsync();

    [Fact]
    public async Task A_message_reaches_every_instance_subscribed_to_its_topic_with_its_sender()
    {
        await using var a = new PostgreSqlInstanceMessages(_source);
        await using var b = new PostgreSqlInstanceMessages(_source);
        var heardOnB = new ConcurrentQueue<InstanceMessage>();
        var otherTopic = new ConcurrentQueue<InstanceMessage>();
        using var subscription = b.Subscribe("presence", heardOnB.Enqueue);
        using var other = b.Subscribe("reconciliation", otherTopic.Enqueue);
        await b.Listening.WaitAsync(TimeSpan.FromSeconds(10));

        await a.PublishAsync("presence", "{\"studyId\":\"s\",\"online\":3}\nwith a second line");

        await EventuallyAsync(() => !heardOnB.IsEmpty);
        var message = Assert.Single(heardOnB);
        Assert.Equal(new InstanceMessage("presence", a.InstanceId, "{\"studyId\":\"s\",\"online\":3}\nwith a second line"), message);
        Assert.Empty(otherTopic);
        Assert.NotEqual(a.InstanceId, b.InstanceId);
    }

    [Fact]
    public async Task A_message_too_large_for_a_notification_is_refused_with_where_to_put_it()
    {
        await using var a = new PostgreSqlInstanceMessages(_source);

        var refusal = await Assert.ThrowsAsync<ArgumentException>(() => a.PublishAsync("presence", new string('x', IInstanceMessages.MaxPayloadBytes)));

        Assert.Contains("ISharedResults", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_listener_comes_back_after_its_connection_is_killed()
    {
        await using var a = new PostgreSqlInstanceMessages(_source);
        await using var b = new PostgreSqlInstanceMessages(_source);
        var heard = new ConcurrentQueue<InstanceMessage>();
        using var subscription = b.Subscribe("t", heard.Enqueue);
        await b.Listening.WaitAsync(TimeSpan.FromSeconds(10));

        await using (var kill = _source.CreateCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN moralgraph_instances%' AND pid <> pg_backend_pid()"))
        {
            await kill.ExecuteNonQueryAsync();
        }

        // Messages sent while it is away are lost (best effort); once it is back, they arrive again.
        await EventuallyAsync(async () =>
        {
            await a.PublishAsync("t", "ping");
            await Task.Delay(100);
            return !heard.IsEmpty;
        });
        Assert.All(heard, m => Assert.Equal("ping", m.Payload));
    }

    [Fact]
    public async Task A_result_keeps_its_latest_version_and_a_withdrawal_deletes_it()
    {
        var a = new PostgreSqlSharedResults(_source);
        var b = new PostgreSqlSharedResults(_source);

        await Task.WhenAll(a.WriteAsync("reconciliation/s", 10, "ten"u8.ToArray()), b.WriteAsync("reconciliation/t", 3, "three"u8.ToArray()));
        await b.WriteAsync("reconciliation/s", 12, "twelve"u8.ToArray());
        await a.WriteAsync("reconciliation/s", 11, "late eleven"u8.ToArray());

        var kept = await a.ReadAsync("reconciliation/s");
        Assert.Equal(12, kept!.Version);
        Assert.Equal("twelve"u8.ToArray(), kept.Content);

        await a.DeleteAsync("reconciliation/s");
        Assert.Null(await b.ReadAsync("reconciliation/s"));
        Assert.NotNull(await b.ReadAsync("reconciliation/t"));
    }

    private static Task EventuallyAsync(Func<bool> condition) => EventuallyAsync(() => Task.FromResult(condition()));

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "did not happen within 15 s");
            await Task.Delay(20);
        }
    }
}
