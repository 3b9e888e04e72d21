using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MoralGraph.Core.Events;

namespace MoralGraph.LanguageModels.Jobs;

/// <summary>Where a job is.</summary>
public enum ModelJobState
{
    /// <summary>Waiting for a worker.</summary>
    Queued,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Finished; the outcome says what it did.</summary>
    Done,

    /// <summary>Failed; the outcome says why.</summary>
    Failed,
}

/// <summary>The latest run of one kind of job for one study, as facilitators see it.</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Kind">The kind, such as <c>deduplication</c>.</param>
/// <param name="State">Where it is.</param>
/// <param name="Outcome">What it did, or why it failed (no participant text).</param>
/// <param name="UpdatedAt">When the state last changed.</param>
public sealed record ModelJobStatus(string StudyId, string Kind, ModelJobState State, string? Outcome, DateTimeOffset UpdatedAt);

/// <summary>A unit of long model work: it returns a one-line outcome for the facilitator.</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Kind">The kind; one job per study and kind is queued at a time.</param>
/// <param name="RunAsync">The work.</param>
public sealed record ModelJob(string StudyId, string Kind, Func<CancellationToken, Task<string>> RunAsync);

/// <summary>
/// The queue of long model work (dedup batches, story generation, context proposals, moderation): requests enqueue and
/// return at once, so no participant's or facilitator's request waits on a model; <see cref="ModelJobService"/> runs the jobs.
/// </summary>
public sealed class ModelJobBoard(TimeProvider time)
{
    private readonly Channel<ModelJob> _channel = Channel.CreateUnbounded<ModelJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<(string, string), ModelJobStatus> _status = [];
    private readonly Dictionary<(string, string), ModelJob> _again = [];

    /// <summary>Raised when a job's status changes.</summary>
    public event Action<ModelJobStatus>? StatusChanged;

    /// <summary>Queues <paramref name="job"/> unless one of its kind is already queued or running for the study; true when queued.</summary>
    public bool TryEnqueue(ModelJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var queued = new ModelJobStatus(job.StudyId, job.Kind, ModelJobState.Queued, null, time.GetUtcNow());
        lock (_status)
        {
            if (_status.TryGetValue((job.StudyId, job.Kind), out var current) && current.State is ModelJobState.Queued or ModelJobState.Running)
            {
                return false;
            }

            _status[(job.StudyId, job.Kind)] = queued;
        }

        StatusChanged?.Invoke(queued);
        return _channel.Writer.TryWrite(job);
    }

    /// <summary>
    /// Queues <paramref name="job"/>; when one of its kind is already queued or running for the study, queues it once more
    /// after that one ends. For work that reads the study when it starts (a moderation pass, translations): what was
    /// recorded while a run was under way is not left waiting for the next request.
    /// </summary>
    public void Request(ModelJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        // Under the status lock, as Report: a run ending between the refused enqueue and the note would lose the request.
        lock (_status)
        {
            if (_status.TryGetValue((job.StudyId, job.Kind), out var current) && current.State is ModelJobState.Queued or ModelJobState.Running)
            {
                _again[(job.StudyId, job.Kind)] = job;
                return;
            }
        }

        TryEnqueue(job);
    }

    /// <summary>The latest status of each kind of job for the study.</summary>
    public IReadOnlyList<ModelJobStatus> StatusOf(string studyId)
    {
        lock (_status)
        {
            return [.. _status.Values.Where(s => s.StudyId == studyId).OrderBy(s => s.Kind, StringComparer.Ordinal)];
        }
    }

    internal ChannelReader<ModelJob> Reader => _channel.Reader;

    internal void Report(ModelJob job, ModelJobState state, string? outcome)
    {
        var status = new ModelJobStatus(job.StudyId, job.Kind, state, outcome, time.GetUtcNow());
        ModelJob? again = null;
        lock (_status)
        {
            _status[(job.StudyId, job.Kind)] = status;
            if (state is ModelJobState.Done or ModelJobState.Failed)
            {
                _again.Remove((job.StudyId, job.Kind), out again);
            }
        }

        StatusChanged?.Invoke(status);
        if (again is not null)
        {
            TryEnqueue(again);
        }
    }
}

/// <summary>
/// Runs queued model jobs one after another (each job's calls are bounded by <c>ModelCalls</c> on their own). Of several
/// app instances on one log, only one runs a study's model jobs at a time: each job holds the study's lease
/// (<see cref="WorkLeaseNames.ModelJobs"/>) while it runs, and waits for it while another instance has it; a job is queued
/// only by the instance that recorded what called for it, so no job runs twice.
/// </summary>
/// <param name="queue">The jobs.</param>
/// <param name="logger">Where failures go.</param>
/// <param name="leases">The leases; one process alone when null.</param>
public sealed class ModelJobService(ModelJobBoard queue, ILogger<ModelJobService> logger, IWorkLeases? leases = null) : BackgroundService
{
    private static readonly TimeSpan LeaseRetry = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
        {
            IWorkLease? lease = null;
            try
            {
                lease = await LeaseAsync(job, stoppingToken);
                queue.Report(job, ModelJobState.Running, null);
                using var lostOrStopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease?.Lost ?? CancellationToken.None);
                var outcome = await job.RunAsync(lostOrStopping.Token);
                queue.Report(job, ModelJobState.Done, outcome);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A failed job is reported to the facilitator; the service goes on with the next one.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Model job {Kind} for study {StudyId} failed.", job.Kind, job.StudyId);
                queue.Report(job, ModelJobState.Failed, e switch
                {
                    Calls.ModelBudgetExhaustedException => e.Message,
                    _ when Calls.ModelCallFailure.IsCallFailure(e) => $"The job failed: {Calls.ModelCallFailure.Describe(e)}.",
                    _ => "The job failed; the server log has the details.",
                });
            }
            finally
            {
                if (lease is not null)
                {
                    await lease.DisposeAsync();
                }
            }
        }
    }

    private async Task<IWorkLease?> LeaseAsync(ModelJob job, CancellationToken stoppingToken)
    {
        if (leases is null)
        {
            return null;
        }

        while (true)
        {
            if (await leases.TryAcquireAsync(WorkLeaseNames.ModelJobs(job.StudyId), stoppingToken) is { } lease)
            {
                return lease;
            }

            await Task.Delay(LeaseRetry, stoppingToken);
        }
    }
}
