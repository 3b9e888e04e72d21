using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Live;

/// <summary>
/// Live session events for consoles (<c>/hubs/study</c>): a signed-in facilitator calls <see cref="JoinStudy"/> for a
/// study they may observe, then receives <see cref="StudyHubMessages.Event"/>, <see cref="StudyHubMessages.Presence"/>,
/// <see cref="StudyHubMessages.Reconciliation"/> and <see cref="StudyHubMessages.Resync"/> messages for it, sent by
/// <see cref="StudyHubForwarder"/>.
/// </summary>
[Authorize]
public sealed class StudyHub(IAuthorizationService authorization, ParticipantPresence presence, LiveReconciliation reconciliation) : Hub
{
    /// <summary>The hub's path.</summary>
    public const string Path = "/hubs/study";

    /// <summary>The SignalR group of a study's consoles.</summary>
    public static string GroupName(string slug) => $"study:{slug}";

    /// <summary>
    /// Starts sending the study's messages to this connection; refused unless the caller may observe the study.
    /// Returns who is online and the latest reconciliation, so the console starts from the current picture.
    /// </summary>
    public async Task<StudyHubWelcome> JoinStudy(string slug)
    {
        if (string.IsNullOrWhiteSpace(slug))
        {
            throw new HubException("Name a study.");
        }

        var allowed = await authorization.AuthorizeAsync(Context.User!, slug, StudyAccess.Observer);
        if (!allowed.Succeeded)
        {
            throw new HubException($"You may not observe study '{slug}'.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(slug), Context.ConnectionAborted);
        return new StudyHubWelcome(
            LivePresenceMessage.From(presence.For(slug)),
            reconciliation.Latest(slug) is { } latest ? LiveReconciliationMessage.From(latest) : null);
    }

    /// <summary>Stops sending the study's messages to this connection.</summary>
    public Task LeaveStudy(string slug) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(slug), Context.ConnectionAborted);
}

/// <summary>What <see cref="StudyHub.JoinStudy"/> returns: the study's live picture when the console joins.</summary>
/// <param name="Presence">Who is online.</param>
/// <param name="Reconciliation">The latest reconciliation, or null before the first.</param>
public sealed record StudyHubWelcome(LivePresenceMessage Presence, LiveReconciliationMessage? Reconciliation);
