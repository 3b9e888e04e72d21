using MoralGraph.Core.Events;

namespace MoralGraph.Core.Tests.Events;

/// <summary>
/// One log in memory that several writers (app instances) share, with the semantics of the PostgreSQL store: appends are
/// committed in call order with a linear hash chain, conditions are checked at commit, idempotency keys answer with the
/// stored event, and every commit is announced to every follower asynchronously, as NOTIFY is.
/// </summary>
internal sealed class InMemorySharedLog
{
    private readonly Lock _commit = new();
    private readonly List<(RecordedEvent Recorded, string Writer)> _events = [];
    private readonly Dictionary<string, RecordedEvent> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Study, string Stream), List<(long Sequence, string Writer)>> _streams = [];
    private readonly List<Action<StudyAppended>> _followers = [];

    /// <summary>A delay before each commit completes its caller, so appends overlap as they do over a network.</summary>
    public TimeSpan CommitLatency { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How long an announcement takes to reach the other instances.</summary>
    public TimeSpan NotifyLatency { get; init; } = TimeSpan.Zero;

    /// <summary>Conditions refused so far.</summary>
    public int Conflicts { get; private set; }

    public Writer NewWriter() => new(this, Guid.NewGuid().ToString("N"));

    public IReadOnlyList<RecordedEvent> All()
    {
        lock (_commit)
        {
            return [.. _events.Select(e => e.Recorded)];
        }
    }

    private List<RecordedEvent> Commit(IReadOnlyList<StudyEvent> studyEvents, AppendCondition? condition, string writer)
    {
        List<RecordedEvent> recorded;
        lock (_commit)
        {
            if (condition is not null)
            {
                var studyId = studyEvents[0].StudyId;
                foreach (var stream in condition.Streams)
                {
                    if (_streams.TryGetValue((studyId, stream), out var heads) && heads.FirstOrDefault(h => h.Writer != writer && h.Sequence > condition.AfterSequence) is { Writer: not null } other)
                    {
                        Conflicts++;
                        throw new StreamConflictException(studyId, stream, other.Sequence);
                    }
                }
            }

            recorded = new List<RecordedEvent>(studyEvents.Count);
            foreach (var studyEvent in studyEvents)
            {
                if (studyEvent.IdempotencyKey is { } key && _keys.TryGetValue(key, out var stored))
                {
                    recorded.Add(stored.Event.IsSameSubmissionAs(studyEvent) ? stored : throw new InvalidOperationException($"Key {key} conflicts."));
                    continue;
                }

                var sequence = _events.Count + 1;
                var previous = _events.Count == 0 ? EventHashChain.Genesis : _events[^1].Recorded.Hash;
                var payload = EventHashChain.Serialize(studyEvent);
                var record = new RecordedEvent(sequence, studyEvent, payload, previous, EventHashChain.ComputeHash(previous, sequence, payload));
                _events.Add((record, writer));
                if (studyEvent.IdempotencyKey is { } newKey)
                {
                    _keys[newKey] = record;
                }

                foreach (var stream in StudyStreams.Of(studyEvent))
                {
                    if (!_streams.TryGetValue((studyEvent.StudyId, stream), out var heads))
                    {
                        _streams[(studyEvent.StudyId, stream)] = heads = [];
                    }

                    heads.Add((sequence, writer));
                }

                recorded.Add(record);
            }
        }

        foreach (var last in recorded.GroupBy(r => r.Event.StudyId).Select(g => g.Max(r => r.Sequence)).Zip(recorded.GroupBy(r => r.Event.StudyId).Select(g => g.Key)))
        {
            Action<StudyAppended>[] followers;
            lock (_followers)
            {
                followers = [.. _followers];
            }

            foreach (var follower in followers)
            {
                var appended = new StudyAppended(last.Second, last.First, writer);
                _ = Task.Run(async () =>
                {
                    await Task.Delay(NotifyLatency).ConfigureAwait(false);
                    follower(appended);
                });
            }
        }

        return recorded;
    }

    /// <summary>One instance's connection to the shared log.</summary>
    internal sealed class Writer(InMemorySharedLog log, string writerId) : ISharedEventLog
    {
        public string WriterId { get; } = writerId;

        public Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default) =>
            AppendAllAsync([studyEvent], cancellationToken).ContinueWith(t => t.Result[0], TaskScheduler.Default);

        public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default) => CommitLaterAsync(studyEvents, null);

        public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, AppendCondition condition, CancellationToken cancellationToken = default) =>
            CommitLaterAsync(studyEvents, condition);

        public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default) => ReadStudyAsync(studyId, 0, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default)
        {
            lock (log._commit)
            {
                return Task.FromResult<IReadOnlyList<RecordedEvent>>([.. log._events.Select(e => e.Recorded).Where(r => r.Event.StudyId == studyId && r.Sequence > afterSequence)]);
            }
        }

        public Task<IReadOnlyList<RecordedEvent>> ReadStudyFromOthersAsync(string studyId, long afterSequence, CancellationToken cancellationToken = default)
        {
            lock (log._commit)
            {
                return Task.FromResult<IReadOnlyList<RecordedEvent>>([.. log._events.Where(e => e.Writer != WriterId && e.Recorded.Event.StudyId == studyId && e.Recorded.Sequence > afterSequence).Select(e => e.Recorded)]);
            }
        }

        public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChainVerification(true, log.All().Count, null, null));

        public Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default) =>
            Task.FromResult(log.All().FirstOrDefault(e => e.Sequence == sequence)?.Hash);

        public IDisposable Follow(Action<StudyAppended> onAppended)
        {
            lock (log._followers)
            {
                log._followers.Add(onAppended);
            }

            return new Unfollow(() =>
            {
                lock (log._followers)
                {
                    log._followers.Remove(onAppended);
                }
            });
        }

        private Task<IReadOnlyList<RecordedEvent>> CommitLaterAsync(IReadOnlyList<StudyEvent> studyEvents, AppendCondition? condition)
        {
            // Committed now, in call order, as the store's queue does; the caller hears of it a little later.
            IReadOnlyList<RecordedEvent>? recorded = null;
            Exception? refused = null;
            try
            {
                recorded = log.Commit(studyEvents, condition, WriterId);
            }
            catch (Exception e)
            {
                refused = e;
            }

            return AnswerAsync();

            async Task<IReadOnlyList<RecordedEvent>> AnswerAsync()
            {
                await Task.Delay(log.CommitLatency).ConfigureAwait(false);
                return refused is null ? recorded! : throw refused;
            }
        }

        private sealed class Unfollow(Action stop) : IDisposable
        {
            public void Dispose() => stop();
        }
    }
}
