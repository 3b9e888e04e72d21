using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Events;
using MoralGraph.Core.Instances;
using MoralGraph.Storage.PostgreSql.DataProtection;
using MoralGraph.Storage.PostgreSql.EventLog;
using MoralGraph.Storage.PostgreSql.Instances;
using MoralGraph.Storage.PostgreSql.Leases;
using MoralGraph.Storage.PostgreSql.Snapshots;
using Npgsql;

namespace MoralGraph.Web.Extensions;

/// <summary>Which store the app runs on (configuration section <c>Storage</c>).</summary>
public sealed class StorageProviderOptions
{
    /// <summary>The section's name.</summary>
    public const string Section = "Storage";

    /// <summary>The name of the connection string of the PostgreSQL store (<c>ConnectionStrings:MoralGraph</c>).</summary>
    public const string ConnectionStringName = "MoralGraph";

    /// <summary><c>LiteDb</c> (one instance, a file: the default) or <c>PostgreSql</c> (one or several instances on one database).</summary>
    public string Provider { get; set; } = LiteDb;

    /// <summary>The embedded default.</summary>
    public const string LiteDb = "LiteDb";

    /// <summary>PostgreSQL, shared by several app instances.</summary>
    public const string PostgreSql = "PostgreSql";
}

/// <summary>Chooses the store from configuration: LiteDB unless <c>Storage:Provider</c> says PostgreSQL.</summary>
public static class StorageProviderExtensions
{
    /// <summary>
    /// The store <c>Storage:Provider</c> names: <c>LiteDb</c> (the default; see <see cref="MoralGraphServiceExtensions.AddLiteDbStorage"/>)
    /// or <c>PostgreSql</c> (see <see cref="AddPostgreSqlStorage"/>). Another value stops the app at start, naming the setting.
    /// </summary>
    public static IHostApplicationBuilder AddMoralGraphStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var provider = builder.Configuration[$"{StorageProviderOptions.Section}:{nameof(StorageProviderOptions.Provider)}"];
        if (string.IsNullOrWhiteSpace(provider) || provider.Equals(StorageProviderOptions.LiteDb, StringComparison.OrdinalIgnoreCase))
        {
            return builder.AddLiteDbStorage();
        }

        if (provider.Equals(StorageProviderOptions.PostgreSql, StringComparison.OrdinalIgnoreCase))
        {
            return builder.AddPostgreSqlStorage();
        }

        throw new OptionsValidationException(StorageProviderOptions.Section, typeof(StorageProviderOptions),
            [$"Storage:Provider is '{provider}': use '{StorageProviderOptions.LiteDb}' (one instance, a file) or '{StorageProviderOptions.PostgreSql}' (with ConnectionStrings:MoralGraph)."]);
    }

    /// <summary>
    /// The event log, participants' keys, snapshots, background-work leases, data-protection keys, messages between
    /// instances and shared results, all in the PostgreSQL database of <c>ConnectionStrings:MoralGraph</c>, so several app
    /// instances serve one assembly. The log is opened (its tables created when absent) as the app starts; an unreachable
    /// database stops the start with the reason.
    /// </summary>
    public static IHostApplicationBuilder AddPostgreSqlStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(StorageProviderOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new OptionsValidationException(StorageProviderOptions.Section, typeof(StorageProviderOptions),
                ["Storage:Provider is PostgreSql but ConnectionStrings:MoralGraph is not set: give the database's connection string (environment ConnectionStrings__MoralGraph)."]);
        }

        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new OptionsValidationException(StorageProviderOptions.Section, typeof(StorageProviderOptions),
                [$"ConnectionStrings:MoralGraph is not a PostgreSQL connection string: {e.Message}"]);
        }

        parsed.ApplicationName ??= "moralgraph";
        var services = builder.Services;
        services.AddSingleton(_ => NpgsqlDataSource.Create(parsed.ConnectionString));

        // Opening creates the tables on a new database; the app cannot serve anyone without its log, so it waits here.
        services.AddSingleton(provider => PostgreSqlEventLog.OpenAsync(provider.GetRequiredService<NpgsqlDataSource>()).GetAwaiter().GetResult());
        services.AddSingleton<IEventLog>(provider => provider.GetRequiredService<PostgreSqlEventLog>());
        services.AddSingleton<IStudyCatalog>(provider => provider.GetRequiredService<PostgreSqlEventLog>());
        services.AddSingleton<StudyRepository>();
        services.AddOptions<StudyStatesOptions>().BindConfiguration(nameof(StudyStatesOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IStudySnapshotStore>(provider => new PostgreSqlSnapshotStore(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IWorkLeases>(_ => new PostgreSqlWorkLeases(parsed.ConnectionString));
        services.AddSingleton<IInstanceMessages>(provider => new PostgreSqlInstanceMessages(
            provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<ILogger<PostgreSqlInstanceMessages>>()));
        services.AddSingleton<ISharedResults>(provider => new PostgreSqlSharedResults(provider.GetRequiredService<NpgsqlDataSource>()));

        // Participants' cookies and facilitators' sign-ins must open on every instance: one key ring, in the database.
        services.AddSingleton<IXmlRepository>(provider => new PostgreSqlXmlRepository(provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
