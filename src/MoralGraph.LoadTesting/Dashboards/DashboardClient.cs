using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using MoralGraph.LoadTesting.Measurement;

namespace MoralGraph.LoadTesting.Dashboards;

/// <summary>
/// A facilitator's dashboard as the console runs it: a SignalR connection to the study hub (<c>/hubs/study</c>) that
/// joins the study and hears each recorded event. The lag of each <c>event</c> message is its arrival here minus the
/// event's own timestamp, which the server stamps when it decides the action, before the store's flush: so it covers
/// the flush, the broadcast and the delivery. Server and harness share this machine's clock.
/// </summary>
internal sealed class DashboardClient : IAsyncDisposable
{
    // The hub's path and method names (MoralGraph.Web.Live.StudyHub and StudyHubMessages), as a client sees them.
    private const string HubPath = "hubs/study";
    private const string EventMethod = "event";
    private const string ResyncMethod = "resync";
    private const string JoinStudyMethod = "JoinStudy";

    private readonly HubConnection _connection;
    private readonly string _slug;

    private DashboardClient(HubConnection connection, string slug)
    {
        _connection = connection;
        _slug = slug;
    }

    /// <summary>Events heard.</summary>
    public int EventsHeard => Volatile.Read(ref _eventsHeard);

    private int _eventsHeard;

    /// <summary>
    /// Connects with <paramref name="cookies"/> (a signed-in facilitator) to <paramref name="server"/>, the
    /// <paramref name="instance"/>-th of the run's instances, joins <paramref name="slug"/> and starts timing.
    /// </summary>
    public static async Task<DashboardClient> ConnectAsync(
        Uri server, int instance, string slug, CookieContainer cookies, LoadMeasurements measurements, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, HubPath), options => options.Cookies = cookies)
            // The chaos mode kills the server: keep trying, as the console does, for as long as a restart may take.
            .WithAutomaticReconnect(new SteadyRetry(TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(3)))
            .Build();
        var client = new DashboardClient(connection, slug);
        connection.On<LiveEvent>(EventMethod, message =>
        {
            measurements.DashboardHeard(instance, message.Actor, message.OccurredAt, DateTimeOffset.UtcNow);
            Interlocked.Increment(ref client._eventsHeard);
        });
        connection.On<string>(ResyncMethod, _ => measurements.DashboardLag.Resynced());

        // A new connection after a restart is a new member of no group: join the study again.
        connection.Reconnected += _ => connection.InvokeAsync<object>(JoinStudyMethod, slug);
        await connection.StartAsync(cancellationToken);
        try
        {
            await connection.InvokeAsync<object>(JoinStudyMethod, slug, cancellationToken);
        }
        catch (HubException e)
        {
            await connection.DisposeAsync();
            throw new InvalidOperationException($"the study hub refused to let the dashboard join '{slug}': {e.Message}", e);
        }

        return client;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.InvokeAsync("LeaveStudy", _slug);
        }
        catch (Exception e) when (e is HubException or InvalidOperationException or IOException or OperationCanceledException)
        {
            // Leaving is a courtesy; the connection closes either way.
        }

        await _connection.DisposeAsync();
    }

    /// <summary>The hub's event message, as far as the dashboard reads it.</summary>
    private sealed record LiveEvent(string StudyId, long Sequence, string Type, DateTimeOffset OccurredAt, string Actor);

    private sealed class SteadyRetry(TimeSpan every, TimeSpan giveUpAfter) : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => retryContext.ElapsedTime < giveUpAfter ? every : null;
    }
}
