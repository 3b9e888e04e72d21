using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Participation;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>A store that cannot write (a full disk): the participant is told nothing was saved, and nothing is.</summary>
public sealed class StoreFailureTests : IDisposable
{
    private readonly FullDisk _disk = new();
    private readonly JourneyStore _store;

    public StoreFailureTests() => _store = new JourneyStore(store => new FillableLog(store, _disk));

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task A_vote_on_a_full_disk_is_refused_with_not_saved_and_goes_through_once_there_is_room()
    {
        await _store.WithStudyAsync(JourneyStore.Study());
        var (participant, _) = await _store.Service.WithCardAsync(JourneyStore.Slug);
        var item = (await _store.Service.PendingItemsAsync(JourneyStore.Slug, participant))[0];

        _disk.Full = true;
        var refused = await Assert.ThrowsAsync<JourneyRefusedException>(() => _store.Service.VoteAsync(JourneyStore.Slug, participant, item.ItemId, Verdict.Wiser, null));

        Assert.Equal("Refused.NotSaved", refused.MessageKey);
        Assert.Empty(await _store.EventsAsync<VoteCast>());
        var view = await _store.Service.ViewAsync(JourneyStore.Slug, participant);
        Assert.Contains(view!.Participant!.PendingItems, i => i.ItemId == item.ItemId);

        _disk.Full = false;
        var tally = await _store.Service.VoteAsync(JourneyStore.Slug, participant, item.ItemId, Verdict.Wiser, null);

        Assert.Equal(1, tally.Wiser);
        Assert.Single(await _store.EventsAsync<VoteCast>());
    }

    [Fact]
    public async Task Joining_on_a_full_disk_stores_no_participant()
    {
        await _store.WithStudyAsync(JourneyStore.Study());

        _disk.Full = true;
        var refused = await Assert.ThrowsAsync<JourneyRefusedException>(() => _store.Service.JoinAsync(JourneyStore.Slug, null));

        Assert.Equal("Refused.NotSaved", refused.MessageKey);
        _disk.Full = false;
        Assert.Empty(await _store.EventsAsync<ParticipantJoined>());
        Assert.Equal(0, (await _store.StateAsync()).Participation.ActiveCount);
    }

    private sealed class FullDisk
    {
        public volatile bool Full;
    }

    /// <summary>Fails appends while the disk is full, after queueing them, as the LiteDB log does.</summary>
    private sealed class FillableLog(IEventLog inner, FullDisk disk) : IEventLog
    {
        public Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default) => inner.AppendAsync(studyEvent, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default) =>
            disk.Full ? Task.FromException<IReadOnlyList<RecordedEvent>>(new IOException("No space left on device")) : inner.AppendAllAsync(studyEvents, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default) => inner.ReadStudyAsync(studyId, cancellationToken);

        public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => inner.VerifyAsync(cancellationToken);

        public Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default) => inner.HashAtAsync(sequence, cancellationToken);
    }
}
