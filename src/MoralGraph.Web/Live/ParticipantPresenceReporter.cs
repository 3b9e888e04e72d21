using Microsoft.AspNetCore.Components.Server.Circuits;
using MoralGraph.Core.Participation;

namespace MoralGraph.Web.Live;

/// <summary>
/// One circuit's part in <see cref="ParticipantPresence"/>: the participant page says which study and step it shows,
/// and this counts it as online only while the circuit's connection is up (a phone that locks its screen drops out;
/// a prerendered page that never connects never counts). Scoped, so one per circuit, and also the circuit's handler.
/// </summary>
/// <param name="presence">The server-wide tracker.</param>
public sealed class ParticipantPresenceReporter(ParticipantPresence presence) : CircuitHandler, IDisposable
{
    private readonly Lock _gate = new();
    private readonly string _connectionId = Guid.NewGuid().ToString("N");
    private (string StudyId, string? ParticipantId, JourneyStep Step)? _shown;
    private bool _connected;

    /// <summary>The page shows <paramref name="studyId"/> at <paramref name="step"/> to <paramref name="participantId"/> (null before consent).</summary>
    public void Report(string studyId, string? participantId, JourneyStep step)
    {
        lock (_gate)
        {
            _shown = (studyId, participantId, step);
            if (_connected)
            {
                presence.Report(_connectionId, studyId, participantId, step);
            }
        }
    }

    /// <summary>The page is gone (the participant navigated elsewhere in the same circuit).</summary>
    public void Leave()
    {
        lock (_gate)
        {
            _shown = null;
            presence.Leave(_connectionId);
        }
    }

    /// <inheritdoc />
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _connected = true;
            if (_shown is { } shown)
            {
                presence.Report(_connectionId, shown.StudyId, shown.ParticipantId, shown.Step);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Disconnect();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Disconnect();
        return Task.CompletedTask;
    }

    /// <summary>The circuit ended.</summary>
    public void Dispose() => Disconnect();

    private void Disconnect()
    {
        lock (_gate)
        {
            _connected = false;
            presence.Leave(_connectionId);
        }
    }
}
