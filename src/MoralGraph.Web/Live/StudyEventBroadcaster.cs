using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace MoralGraph.Web.Live;

/// <summary>
/// Hands every live notification of a study (recorded events, presence, reconciliations) to the feeds subscribed to it.
/// Publishing never waits: each feed is a bounded channel that drops its oldest notification when full and then
/// tells its reader to resync, so a stalled console costs that console a reload, never a participant a delay.
/// </summary>
public sealed class StudyEventBroadcaster
{
    /// <summary>Subscribe with this id to receive the notifications of every study.</summary>
    public const string AllStudies = "*";

    private readonly Lock _gate = new();
    private readonly int _capacity;

    // Copy-on-write, so publishing reads a snapshot without taking the lock.
    private ImmutableDictionary<string, ImmutableArray<StudyFeed>> _feeds = ImmutableDictionary.Create<string, ImmutableArray<StudyFeed>>(StringComparer.Ordinal);

    /// <summary>Creates the broadcaster with its feeds' capacity from <see cref="LiveSessionOptions.FeedCapacity"/>.</summary>
    public StudyEventBroadcaster(IOptions<LiveSessionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _capacity = options.Value.FeedCapacity;
    }

    /// <summary>
    /// A feed of the notifications of <paramref name="studyId"/> (or of every study, with <see cref="AllStudies"/>) from
    /// now on. Dispose it to unsubscribe.
    /// </summary>
    /// <param name="studyId">The study's slug, or <see cref="AllStudies"/>.</param>
    /// <param name="filter">Which notifications the feed keeps (all when null); runs on the publisher's thread, so keep it cheap.</param>
    /// <param name="capacity">How many notifications the feed holds before dropping the oldest; the configured capacity when null.</param>
    public StudyFeed Subscribe(string studyId, Func<StudyNotification, bool>? filter = null, int? capacity = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyId);
        var feed = new StudyFeed(this, studyId, capacity ?? _capacity, filter);
        lock (_gate)
        {
            _feeds = _feeds.SetItem(studyId, _feeds.GetValueOrDefault(studyId, []).Add(feed));
        }

        return feed;
    }

    /// <summary>
    /// The notifications of <paramref name="studyId"/> until <paramref name="cancellationToken"/> is cancelled. The
    /// subscription starts when enumeration starts; use <see cref="Subscribe"/> to start listening before doing
    /// something whose notifications must not be missed.
    /// </summary>
    public async IAsyncEnumerable<StudyNotification> SubscribeAsync(string studyId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var feed = Subscribe(studyId);
        await foreach (var notification in feed.ReadAllAsync(cancellationToken))
        {
            yield return notification;
        }
    }

    /// <summary>Hands <paramref name="notification"/> to the feeds of its study and to the all-studies feeds. Never blocks.</summary>
    public void Publish(StudyNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var feeds = Volatile.Read(ref _feeds);
        if (feeds.TryGetValue(notification.StudyId, out var studyFeeds))
        {
            foreach (var feed in studyFeeds)
            {
                feed.Offer(notification);
            }
        }

        if (notification.StudyId != AllStudies && feeds.TryGetValue(AllStudies, out var allFeeds))
        {
            foreach (var feed in allFeeds)
            {
                feed.Offer(notification);
            }
        }
    }

    /// <summary>Feeds currently subscribed to <paramref name="studyId"/> (not counting all-studies feeds).</summary>
    public int SubscriberCount(string studyId) => Volatile.Read(ref _feeds).GetValueOrDefault(studyId, []).Length;

    internal void Unsubscribe(StudyFeed feed)
    {
        lock (_gate)
        {
            if (_feeds.TryGetValue(feed.StudyId, out var feeds))
            {
                var remaining = feeds.Remove(feed);
                _feeds = remaining.IsEmpty ? _feeds.Remove(feed.StudyId) : _feeds.SetItem(feed.StudyId, remaining);
            }
        }
    }
}

/// <summary>
/// One subscriber's notifications, in the order published. When the subscriber falls more than its capacity behind,
/// the oldest are dropped and the next read returns a <see cref="ResyncNeeded"/> first.
/// </summary>
public sealed class StudyFeed : IDisposable
{
    private readonly StudyEventBroadcaster _owner;
    private readonly Func<StudyNotification, bool>? _filter;
    private readonly Channel<StudyNotification> _channel;
    private long _droppedSinceRead;
    private long _droppedTotal;

    internal StudyFeed(StudyEventBroadcaster owner, string studyId, int capacity, Func<StudyNotification, bool>? filter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _owner = owner;
        _filter = filter;
        StudyId = studyId;
        _channel = Channel.CreateBounded<StudyNotification>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            _ =>
            {
                Interlocked.Increment(ref _droppedSinceRead);
                Interlocked.Increment(ref _droppedTotal);
            });
    }

    /// <summary>The study subscribed to, or <see cref="StudyEventBroadcaster.AllStudies"/>.</summary>
    public string StudyId { get; }

    /// <summary>Notifications dropped because this feed was full, since it was created.</summary>
    public long DroppedCount => Interlocked.Read(ref _droppedTotal);

    /// <summary>The next notification if one is waiting: a <see cref="ResyncNeeded"/> first when some were dropped.</summary>
    public bool TryRead([NotNullWhen(true)] out StudyNotification? notification)
    {
        var dropped = Interlocked.Exchange(ref _droppedSinceRead, 0);
        if (dropped > 0)
        {
            notification = new ResyncNeeded(StudyId, dropped);
            return true;
        }

        return _channel.Reader.TryRead(out notification);
    }

    /// <summary>Waits until a notification is waiting; false once the feed is disposed.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Every notification until the feed is disposed or <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<StudyNotification> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryRead(out var notification))
            {
                yield return notification;
            }
        }
    }

    /// <summary>Unsubscribes; a reader waiting on the feed finishes.</summary>
    public void Dispose()
    {
        _owner.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }

    internal void Offer(StudyNotification notification)
    {
        if (_filter is null || _filter(notification))
        {
            // Never fails on a bounded DropOldest channel, except after Dispose, when the notification is not wanted.
            _channel.Writer.TryWrite(notification);
        }
    }
}
