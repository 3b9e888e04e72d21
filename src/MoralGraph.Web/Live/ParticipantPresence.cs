using System.Text.Json;
using MoralGraph.Core.Instances;
using MoralGraph.Core.Participation;

namespace MoralGraph.Web.Live;

/// <summary>Who is on a study's participant page right now.</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Online">
/// People online: distinct participants, plus each connection of someone who has not consented yet (no id to tell
/// two of their tabs apart).
/// </param>
/// <param name="Connections">Open participant pages (a participant with two tabs has two).</param>
/// <param name="ByStep">How many of the people online are on each step (a participant in two tabs counts once, at the further step).</param>
public sealed record StudyPresence(string StudyId, int Online, int Connections, IReadOnlyDictionary<JourneyStep, int> ByStep)
{
    /// <summary>No one online.</summary>
    public static StudyPresence Empty(string studyId) => new(studyId, 0, 0, new Dictionary<JourneyStep, int>());

    /// <summary>People online on <paramref name="step"/>.</summary>
    public int On(JourneyStep step) => ByStep.GetValueOrDefault(step);

    /// <summary>True when <paramref name="other"/> shows the same numbers.</summary>
    public bool SameAs(StudyPresence? other) =>
        other is not null && other.StudyId == StudyId && other.Online == Online && other.Connections == Connections
        && Enum.GetValues<JourneyStep>().All(step => other.On(step) == On(step));
}

/// <summary>
/// The participants connected to each study and the step each is on, across every circuit of the server. Participant
/// pages report through a circuit's <see cref="ParticipantPresenceReporter"/>; every change is published to the
/// <see cref="StudyEventBroadcaster"/> as a <see cref="PresenceChanged"/>.
/// <para>
/// With several app instances (<see cref="IInstanceMessages"/>), each sends its own counts to the others on every change
/// and every <see cref="Heartbeat"/>, and counts everyone: its own circuits plus what the others last sent, for as long as
/// they keep sending (an instance that died drops out after <see cref="Expiry"/>). Someone with tabs on two instances
/// counts twice there.
/// </para>
/// </summary>
public sealed class ParticipantPresence : IDisposable
{
    /// <summary>How often each instance sends its counts again.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

    /// <summary>How long another instance's counts are kept without news from it.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(16);

    private const string Topic = "presence";
    private readonly StudyEventBroadcaster _broadcaster;
    private readonly IInstanceMessages? _messages;
    private readonly TimeProvider _time;
    private readonly IDisposable? _subscription;
    private readonly ITimer? _heartbeat;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Position> _positions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StudyPresence> _studies = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Instance, string StudyId), (StudyPresence Presence, DateTimeOffset At)> _others = [];

    /// <summary>Creates the presence of this instance, counting the others' when <paramref name="messages"/> connects it to them.</summary>
    /// <param name="broadcaster">Where changes go.</param>
    /// <param name="messages">The other instances; null for one instance alone.</param>
    /// <param name="time">The clock of heartbeats and expiry.</param>
    public ParticipantPresence(StudyEventBroadcaster broadcaster, IInstanceMessages? messages = null, TimeProvider? time = null)
    {
        _broadcaster = broadcaster;
        _messages = messages;
        _time = time ?? TimeProvider.System;
        if (messages is not null)
        {
            _subscription = messages.Subscribe(Topic, OnMessage);
            _heartbeat = _time.CreateTimer(_ => SendAllAndExpire(), null, Heartbeat, Heartbeat);
        }
    }

    private sealed record Position(string StudyId, string? ParticipantId, JourneyStep Step);

    private sealed record PresenceMessage(string StudyId, int Online, int Connections, Dictionary<JourneyStep, int> ByStep);

    /// <summary>Records that <paramref name="connectionId"/> shows <paramref name="studyId"/> at <paramref name="step"/> (moving it from any other study).</summary>
    /// <param name="connectionId">The page's connection (one per circuit).</param>
    /// <param name="studyId">The study.</param>
    /// <param name="participantId">The participant, or null before consent.</param>
    /// <param name="step">The step the page shows.</param>
    public void Report(string connectionId, string studyId, string? participantId, JourneyStep step)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ArgumentException.ThrowIfNullOrEmpty(studyId);
        Update(connectionId, new Position(studyId, participantId, step));
    }

    /// <summary>Records that <paramref name="connectionId"/> left (page closed, navigated away, connection lost).</summary>
    public void Leave(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        Update(connectionId, null);
    }

    /// <summary>Who is online in <paramref name="studyId"/> now.</summary>
    public StudyPresence For(string studyId)
    {
        lock (_gate)
        {
            return Combined(studyId);
        }
    }

    /// <summary>Stops sending and hearing the other instances' counts.</summary>
    public void Dispose()
    {
        _heartbeat?.Dispose();
        _subscription?.Dispose();
    }

    // Under the gate: this instance's counts plus the others' that are still fresh.
    private StudyPresence Combined(string studyId)
    {
        var own = _studies.GetValueOrDefault(studyId) ?? StudyPresence.Empty(studyId);
        if (_others.Count == 0)
        {
            return own;
        }

        var oldest = _time.GetUtcNow() - Expiry;
        var online = own.Online;
        var connections = own.Connections;
        var byStep = new Dictionary<JourneyStep, int>(own.ByStep);
        foreach (var ((_, study), (presence, at)) in _others)
        {
            if (study != studyId || at < oldest)
            {
                continue;
            }

            online += presence.Online;
            connections += presence.Connections;
            foreach (var (step, count) in presence.ByStep)
            {
                byStep[step] = byStep.GetValueOrDefault(step) + count;
            }
        }

        return new StudyPresence(studyId, online, connections, byStep);
    }

    private void OnMessage(InstanceMessage message)
    {
        if (message.FromInstance == _messages!.InstanceId)
        {
            return;
        }

        PresenceMessage? received;
        try
        {
            received = JsonSerializer.Deserialize<PresenceMessage>(message.Payload);
        }
        catch (JsonException)
        {
            // Not ours to understand (another version of the app): its counts are left out.
            return;
        }

        if (received is null || string.IsNullOrEmpty(received.StudyId))
        {
            return;
        }

        StudyPresence combined;
        lock (_gate)
        {
            var before = Combined(received.StudyId);
            _others[(message.FromInstance, received.StudyId)] = (new StudyPresence(received.StudyId, received.Online, received.Connections, received.ByStep ?? []), _time.GetUtcNow());
            combined = Combined(received.StudyId);
            if (combined.SameAs(before))
            {
                return;
            }
        }

        _broadcaster.Publish(new PresenceChanged(combined));
    }

    private void SendAllAndExpire()
    {
        List<StudyPresence> own;
        var expired = new List<StudyPresence>();
        lock (_gate)
        {
            own = [.. _studies.Values];
            var oldest = _time.GetUtcNow() - Expiry;
            foreach (var key in _others.Where(o => o.Value.At < oldest).Select(o => o.Key).ToList())
            {
                _others.Remove(key);
                expired.Add(Combined(key.StudyId));
            }
        }

        foreach (var presence in own)
        {
            Send(presence);
        }

        foreach (var presence in expired)
        {
            _broadcaster.Publish(new PresenceChanged(presence));
        }
    }

    private void Send(StudyPresence presence)
    {
        if (_messages is null)
        {
            return;
        }

        var payload = JsonSerializer.Serialize(new PresenceMessage(presence.StudyId, presence.Online, presence.Connections, new Dictionary<JourneyStep, int>(presence.ByStep)));
        _ = SendAsync(payload);

        async Task SendAsync(string message)
        {
            try
            {
                await _messages.PublishAsync(Topic, message).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Best effort: the next heartbeat sends the counts again.
            }
        }
    }

    private void Update(string connectionId, Position? position)
    {
        var changed = new List<(StudyPresence Own, StudyPresence Combined)>(2);
        lock (_gate)
        {
            var before = _positions.GetValueOrDefault(connectionId);
            if (before == position)
            {
                return;
            }

            if (position is null)
            {
                _positions.Remove(connectionId);
            }
            else
            {
                _positions[connectionId] = position;
            }

            foreach (var studyId in new[] { before?.StudyId, position?.StudyId }.OfType<string>().Distinct(StringComparer.Ordinal))
            {
                var presence = Count(studyId);
                if (!presence.SameAs(_studies.GetValueOrDefault(studyId)))
                {
                    if (presence.Connections == 0)
                    {
                        _studies.Remove(studyId);
                    }
                    else
                    {
                        _studies[studyId] = presence;
                    }

                    changed.Add((presence, Combined(studyId)));
                }
            }
        }

        foreach (var (own, combined) in changed)
        {
            _broadcaster.Publish(new PresenceChanged(combined));
            Send(own);
        }
    }

    // A room of 1,000 is 1,000 positions: counting them again on each change is cheaper than keeping counts right by hand.
    private StudyPresence Count(string studyId)
    {
        var connections = 0;
        var anonymous = new List<JourneyStep>();
        var participants = new Dictionary<string, JourneyStep>(StringComparer.Ordinal);
        foreach (var position in _positions.Values.Where(p => p.StudyId == studyId))
        {
            connections++;
            if (position.ParticipantId is null)
            {
                anonymous.Add(position.Step);
            }
            else if (!participants.TryGetValue(position.ParticipantId, out var step) || step < position.Step)
            {
                participants[position.ParticipantId] = position.Step;
            }
        }

        var byStep = anonymous.Concat(participants.Values).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        return new StudyPresence(studyId, anonymous.Count + participants.Count, connections, byStep);
    }
}
