using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Events;
using MoralGraph.Web.Live;

namespace MoralGraph.Web.Extensions;

/// <summary>The live session behind the facilitators' console: event notification, presence, background reconciliation, dashboards, the SignalR hub.</summary>
public static class LiveServiceExtensions
{
    /// <summary>
    /// Wraps the registered <see cref="IEventLog"/> in a <see cref="NotifyingEventLog"/>, so every event appended by the
    /// app reaches live listeners through the <see cref="StudyEventBroadcaster"/>, and that in the <see cref="StudyStates"/>,
    /// the one in-memory state per study every reader and writer shares (snapshotted in the background by the
    /// <see cref="StudySnapshotWriter"/>); adds participant presence, the
    /// debounced <see cref="LiveReconciliation"/>, the dashboards and the <see cref="StudyHub"/> with its forwarder. Call after
    /// <c>AddLiteDbStorage</c>.
    /// </summary>
    public static IHostApplicationBuilder AddLiveSession(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<LiveSessionOptions>().BindConfiguration(nameof(LiveSessionOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LiveReconciliationOptions>().BindConfiguration(nameof(LiveReconciliationOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<StudyEventBroadcaster>();
        DecorateEventLog(services);

        services.AddSingleton<ParticipantPresence>();
        services.AddScoped<ParticipantPresenceReporter>();
        services.AddScoped<CircuitHandler>(provider => provider.GetRequiredService<ParticipantPresenceReporter>());

        services.AddHostedService<StudySnapshotWriter>();
        services.AddSingleton<LiveReconciliation>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveReconciliation>());
        services.AddSingleton<StudyDashboards>();
        services.AddScoped<StudyDashboardState>();

        services.AddSignalR();
        services.AddHostedService<StudyHubForwarder>();
        return builder;
    }

    /// <summary>Maps the live session hub at <see cref="StudyHub.Path"/> (facilitators only: it is <c>[Authorize]</c>, and each study is checked on join).</summary>
    public static WebApplication MapLiveSession(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHub<StudyHub>(StudyHub.Path);
        return app;
    }

    private static void DecorateEventLog(IServiceCollection services)
    {
        // The store registered before (the LiteDB log) stays the owner of the file; everything resolving IEventLog
        // (the participation service, moderation, the seeder) writes through the live states, then the notifying log
        // around the store: every write of the app passes the states in the order the store commits it.
        var store = services.LastOrDefault(d => d.ServiceType == typeof(IEventLog))
            ?? throw new InvalidOperationException("AddLiveSession needs an IEventLog to wrap: call AddLiteDbStorage first.");
        if (store.Lifetime != ServiceLifetime.Singleton)
        {
            throw new InvalidOperationException($"AddLiveSession needs the IEventLog registered as a singleton (it is {store.Lifetime}).");
        }

        services.Remove(store);
        services.AddSingleton(provider =>
        {
            var broadcaster = provider.GetRequiredService<StudyEventBroadcaster>();
            var states = new StudyStates(
                NotifyingEventLog.Over(Resolve(provider, store), broadcaster),
                provider.GetRequiredService<IStudySnapshotStore>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<IOptions<StudyStatesOptions>>().Value,
                provider.GetRequiredService<ILogger<StudyStates>>());

            // Over a shared log: what other instances appended reaches this instance's dashboards as its own events do.
            states.Followed += events =>
            {
                foreach (var recorded in events)
                {
                    broadcaster.Publish(new EventRecorded(recorded, FromOtherInstance: true));
                }
            };
            return states;
        });
        services.AddSingleton<IEventLog>(provider => provider.GetRequiredService<StudyStates>());
    }

    private static IEventLog Resolve(IServiceProvider provider, ServiceDescriptor store) => store switch
    {
        { ImplementationInstance: IEventLog instance } => instance,
        { ImplementationFactory: { } factory } => (IEventLog)factory(provider),
        { ImplementationType: { } type } => (IEventLog)ActivatorUtilities.GetServiceOrCreateInstance(provider, type),
        _ => throw new InvalidOperationException("The registered IEventLog cannot be wrapped (a keyed registration?)."),
    };
}
