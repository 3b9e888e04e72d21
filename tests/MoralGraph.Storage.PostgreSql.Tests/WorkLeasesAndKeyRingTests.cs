using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using MoralGraph.Storage.PostgreSql.DataProtection;
using MoralGraph.Storage.PostgreSql.Leases;
using Npgsql;

namespace MoralGraph.Storage.PostgreSql.Tests;

/// <summary>Leases and the data-protection key ring, shared by two instances on one database.</summary>
[Collection(PostgreSqlServerGroup.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class WorkLeasesAndKeyRingTests(PostgreSqlFixture fixture) : IAsyncLifetime
{
    private string _connectionString = "";
    private PostgreSqlWorkLeases _first = null!;
    private PostgreSqlWorkLeases _second = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await fixture.Server.CreateDatabaseAsync();
        _first = new PostgreSqlWorkLeases(_connectionString);
        _second = new PostgreSqlWorkLeases(_connectionString);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task A_lease_is_held_by_one_instance_at_a_time_and_handed_over_when_disposed()
    {
        var name = WorkLeaseNames.Snapshots("s");
        var lease = await _first.TryAcquireAsync(name);

        Assert.NotNull(lease);
        Assert.Null(await _second.TryAcquireAsync(name));
        Assert.Null(await _first.TryAcquireAsync(name));
        await using (var other = await _second.TryAcquireAsync(WorkLeaseNames.Reconciliation("s")))
        {
            Assert.NotNull(other);
        }

        await lease.DisposeAsync();
        await using var taken = await _second.TryAcquireAsync(name);
        Assert.NotNull(taken);
        Assert.False(lease.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task When_the_holders_connection_is_cut_its_lease_is_lost_and_another_instance_takes_the_work()
    {
        var name = WorkLeaseNames.ModelJobs("s");
        var lease = await _first.TryAcquireAsync(name);
        Assert.NotNull(lease);
        Assert.Null(await _second.TryAcquireAsync(name));

        Assert.Equal(1L, await TerminateAsync(_first.ApplicationName));

        var lost = new TaskCompletionSource();
        lease.Lost.Register(() => lost.TrySetResult());
        await lost.Task.WaitAsync(PostgreSqlWorkLeases.CheckInterval * 5);
        await using var taken = await WaitForAsync(() => _second.TryAcquireAsync(name));
        Assert.NotNull(taken);

        // The first instance can lease work again on a new connection.
        await lease.DisposeAsync();
        await using var again = await _first.TryAcquireAsync("other");
        Assert.NotNull(again);
    }

    [Fact]
    public async Task A_connection_cut_before_the_check_noticed_costs_the_next_acquisition_nothing()
    {
        var earlier = await _first.TryAcquireAsync("earlier");
        Assert.NotNull(earlier);
        await TerminateAsync(_first.ApplicationName);

        // Straight after the cut, before the periodic check: the broken connection is replaced and the lease granted.
        await using var lease = await _first.TryAcquireAsync("later");

        Assert.NotNull(lease);
        Assert.True(earlier.Lost.IsCancellationRequested);
        await using var retaken = await _second.TryAcquireAsync("earlier");
        Assert.NotNull(retaken);
    }

    [Fact]
    public void Instances_share_the_data_protection_key_ring()
    {
        using var dataSource = NpgsqlDataSource.Create(_connectionString);
        var first = new PostgreSqlXmlRepository(dataSource);
        var second = new PostgreSqlXmlRepository(dataSource);
        first.StoreElement(new XElement("note", new XAttribute("id", "k1")), "k1");

        Assert.Equal(["k1"], second.GetAllElements().Select(e => e.Attribute("id")!.Value));
        Assert.Equal("k1", second.GetAllElements().Single().Attribute("id")!.Value);

        // Through ASP.NET Core's own key manager (which passes over elements it does not know): what one instance protects, the other reads.
        var protectedText = Protector(first).Protect("session");
        Assert.Equal("session", Protector(second).Unprotect(protectedText));
    }

    private async Task<long> TerminateAsync(string applicationName)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name");
        command.Parameters.AddWithValue("name", applicationName);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static IDataProtector Protector(PostgreSqlXmlRepository repository)
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("moralgraph");
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = repository);
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>().CreateProtector("tests");
    }

    private static async Task<IWorkLease?> WaitForAsync(Func<Task<IWorkLease?>> acquire)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var lease = await acquire();
            if (lease is not null || DateTime.UtcNow > deadline)
            {
                return lease;
            }

            await Task.Delay(100);
        }
    }
}
