using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using MoralGraph.LoadTesting.Instances;
using MoralGraph.LoadTesting.Measurement;

namespace MoralGraph.LoadTesting.Participants;

/// <summary>
/// Sends one participant's requests to <c>/api/v1/studies/{slug}/participation/…</c> and records each in
/// <see cref="LoadMeasurements"/>: the time to the acknowledgement, or the failure. With <see cref="RetryPolicy"/> a
/// request whose connection failed (the server was killed) is sent again, unchanged, until the server answers: the
/// API's idempotency makes a repeated vote, confirmation or survey land once. With several instances the request is
/// sent again to the next one, as a reverse proxy sends a client on when its instance is down.
/// </summary>
internal sealed class ParticipantApiClient(InstanceRoute route, string slug, LoadMeasurements measurements, RetryPolicy retry)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _prefix = $"api/v1/studies/{Uri.EscapeDataString(slug)}/participation";

    /// <summary>The bearer token once joined.</summary>
    public string? Token { get; set; }

    /// <summary>The participant's id once joined: where they are is recorded for the dashboards' lag.</summary>
    public string? ParticipantId
    {
        get;
        set
        {
            field = value;
            if (value is not null)
            {
                measurements.Placements.Placed(value, route.Instance, DateTimeOffset.UtcNow);
            }
        }
    }

    /// <summary>True once the participant switched instance: their failures from then on are the switch's findings too.</summary>
    public bool Switched { get; private set; }

    /// <summary>The instance the requests go to now (its index in the run's URLs).</summary>
    public int Instance => route.Instance;

    /// <summary>Carries on on the next instance with the same token: the sticky session is lost.</summary>
    public void SwitchInstance()
    {
        route.MoveOn();
        Switched = true;
        measurements.Switches.Switched();
        if (ParticipantId is { } id)
        {
            measurements.Placements.Placed(id, route.Instance, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>Records that the instance switched to did not show the participant's acknowledged progress.</summary>
    public void ProgressMissing(string message) => measurements.Switches.ProgressMissing(message);

    /// <summary>Sends one action and records it under <paramref name="actionType"/>.</summary>
    /// <param name="actionType">The report's name for the action (<c>vote</c>, <c>join</c>, …).</param>
    /// <param name="method">GET, POST or PUT.</param>
    /// <param name="path">After the participation prefix, e.g. <c>items/i0/vote</c>.</param>
    /// <param name="body">Sent as JSON when not null.</param>
    /// <param name="expectedRefusals">Problem codes that are a designed answer here, recorded as refusals rather than errors.</param>
    /// <param name="cancellationToken">The run's end: a request it cancels is abandoned, not failed.</param>
    public async Task<ApiOutcome<T>> SendAsync<T>(
        string actionType, HttpMethod method, string path, object? body, IReadOnlySet<string>? expectedRefusals, CancellationToken cancellationToken)
    {
        var series = new InstanceSeries(measurements, actionType);
        var started = Stopwatch.GetTimestamp();
        var attempts = 0;
        while (true)
        {
            attempts++;
            try
            {
                using var request = new HttpRequestMessage(method, $"{_prefix}/{path}");
                if (body is not null)
                {
                    request.Content = JsonContent.Create(body, options: Json);
                }

                if (Token is { } token)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                series.At(route.Instance);
                using var response = await route.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    var value = typeof(T) == typeof(NoBody) ? (T)(object)NoBody.Value
                        : await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken) ?? throw new JsonException($"{actionType}: an empty answer.");
                    var latency = Stopwatch.GetElapsedTime(started);
                    series.Succeeded(latency);
                    return new ApiOutcome<T>.Acknowledged(value, latency, attempts);
                }

                var problem = await ReadProblemAsync(response, cancellationToken);
                if (problem.Code is { } code && expectedRefusals?.Contains(code) == true)
                {
                    series.Refused(code);
                    return new ApiOutcome<T>.Refused((int)response.StatusCode, code);
                }

                // 503 while the server comes up again is a connection problem in all but name; a refusal is not retried.
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && problem.Code is null && await retry.ShouldRetryAsync(attempts, started, cancellationToken))
                {
                    FailOver();
                    continue;
                }

                var kind = $"HTTP {(int)response.StatusCode}{(problem.Code is null ? string.Empty : " " + problem.Code)}";
                return Fail<T>(series, kind, $"{actionType} {method} {path}: {kind} {problem.Title}".TrimEnd());
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new ApiOutcome<T>.Abandoned();
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                if (await retry.ShouldRetryAsync(attempts, started, cancellationToken))
                {
                    FailOver();
                    continue;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return new ApiOutcome<T>.Abandoned();
                }

                return Fail<T>(series, "connection failed", $"{actionType} {method} {path}: {Describe(e)} (after {attempts} attempt{(attempts == 1 ? "" : "s")})");
            }
            catch (TaskCanceledException e)
            {
                return Fail<T>(series, "timeout", $"{actionType} {method} {path}: no answer within {route.Http.Timeout.TotalSeconds:0} s ({e.Message})");
            }
            catch (JsonException e)
            {
                return Fail<T>(series, "unreadable answer", $"{actionType} {method} {path}: {e.Message}");
            }
        }
    }

    /// <summary>Records a failure the journey found in answers that were each acknowledged (a stuck interview).</summary>
    public void RecordFailure(string actionType, string kind, string message)
    {
        var series = new InstanceSeries(measurements, actionType);
        series.At(route.Instance);
        Fail<NoBody>(series, kind, message);
    }

    /// <summary>True for a failure to reach the server or to read its answer: what a killed server looks like to a client.</summary>
    internal static bool IsConnectionFailure(Exception e) => e switch
    {
        HttpRequestException { StatusCode: null } => true,
        HttpIOException => true,
        IOException { InnerException: SocketException } => true,
        SocketException => true,
        _ => false,
    };

    private ApiOutcome<T> Fail<T>(InstanceSeries series, string kind, string message)
    {
        series.Failed(kind, message);
        if (Switched)
        {
            measurements.Switches.ActionFailed(message);
        }

        return new ApiOutcome<T>.Failed(kind, message);
    }

    /// <summary>The instance did not answer: the next request goes to the next one (with one instance, the same again).</summary>
    private void FailOver()
    {
        if (route.Count < 2)
        {
            return;
        }

        route.MoveOn();
        if (ParticipantId is { } id)
        {
            measurements.Placements.Placed(id, route.Instance, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>An action type's series over the run and at the instance the last attempt went to.</summary>
    private sealed class InstanceSeries(LoadMeasurements measurements, string actionType)
    {
        private readonly ActionSeries _overall = measurements.Api(actionType);
        private int _instance;

        public void At(int instance) => _instance = instance;

        public void Succeeded(TimeSpan latency)
        {
            _overall.Succeeded(latency);
            measurements.InstanceApi(_instance, actionType).Succeeded(latency);
        }

        public void Refused(string code)
        {
            _overall.Refused(code);
            measurements.InstanceApi(_instance, actionType).Refused(code);
        }

        public void Failed(string kind, string message)
        {
            _overall.Failed(kind, message);
            measurements.InstanceApi(_instance, actionType).Failed(kind, message);
        }
    }

    private static string Describe(Exception e) =>
        e.InnerException is SocketException socket ? $"{socket.SocketErrorCode} ({e.Message})" : e.Message;

    private static async Task<ProblemAnswer> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json"
                ? await response.Content.ReadFromJsonAsync<ProblemAnswer>(Json, cancellationToken) ?? new ProblemAnswer(null, null, null)
                : new ProblemAnswer((int)response.StatusCode, response.ReasonPhrase, null);
        }
        catch (JsonException)
        {
            return new ProblemAnswer((int)response.StatusCode, response.ReasonPhrase, null);
        }
    }
}

/// <summary>The answer of an action whose body the harness does not read.</summary>
internal sealed record NoBody
{
    public static readonly NoBody Value = new();
}

/// <summary>
/// Whether a request whose connection failed is sent again. Off in a plain load run (a dropped connection is an
/// error there); in the chaos mode the server is expected to vanish, so the request is repeated, with a short growing
/// pause, for as long as a restart may take.
/// </summary>
internal sealed class RetryPolicy(TimeSpan budget)
{
    /// <summary>No retries.</summary>
    public static RetryPolicy None { get; } = new(TimeSpan.Zero);

    private long _retries;

    /// <summary>Requests sent again so far.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Waits before the next attempt and says true, or says false when the budget is spent.</summary>
    public async Task<bool> ShouldRetryAsync(int attempts, long startedTimestamp, CancellationToken cancellationToken)
    {
        if (budget <= TimeSpan.Zero || Stopwatch.GetElapsedTime(startedTimestamp) > budget || cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        Interlocked.Increment(ref _retries);
        try
        {
            // 50 ms, 100 ms, 200 ms … at most a second: a restarted server is noticed within a second of answering.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 << Math.Min(attempts - 1, 5))), cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
