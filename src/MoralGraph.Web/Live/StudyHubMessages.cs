using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;
using MoralGraph.Core.Events;
using MoralGraph.Core.Voting;

namespace MoralGraph.Web.Live;

/// <summary>An event as consoles receive it through <see cref="StudyHub"/> (hub method <c>"event"</c>).</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Sequence">Its place in the log.</param>
/// <param name="Type">Its type as stored ("card-submitted", "vote-cast", …).</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Actor">Who did it: a pseudonymous participant id, a facilitator's username, "system"…</param>
/// <param name="Summary">One line for a feed. Never a card's text once the card is hidden, never interview or draft text, never a vote's comment.</param>
public sealed record LiveEventMessage(string StudyId, long Sequence, string Type, DateTimeOffset OccurredAt, string Actor, string Summary);

/// <summary>Who is online (hub method <c>"presence"</c>).</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Online">People online.</param>
/// <param name="Connections">Open participant pages.</param>
/// <param name="ByStep">People online per journey step ("consent", "voting", …).</param>
public sealed record LivePresenceMessage(string StudyId, int Online, int Connections, IReadOnlyDictionary<string, int> ByStep)
{
    /// <summary>The message for <paramref name="presence"/>.</summary>
    public static LivePresenceMessage From(StudyPresence presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        return new(presence.StudyId, presence.Online, presence.Connections,
            presence.ByStep.ToDictionary(p => StudyHubMessages.StepName(p.Key), p => p.Value, StringComparer.Ordinal));
    }
}

/// <summary>A new background reconciliation (hub method <c>"reconciliation"</c>): who leads in each context, and how surely.</summary>
/// <param name="StudyId">The study.</param>
/// <param name="Run">The run's number since the app started.</param>
/// <param name="ComputedAt">When it finished.</param>
/// <param name="VoteCount">Votes it counted.</param>
/// <param name="Contexts">One entry per context with votes.</param>
public sealed record LiveReconciliationMessage(string StudyId, int Run, DateTimeOffset ComputedAt, int VoteCount, IReadOnlyList<LiveContextLeader> Contexts)
{
    /// <summary>The message for <paramref name="result"/>.</summary>
    public static LiveReconciliationMessage From(LiveReconciliationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.StudyId, result.Run, result.ComputedAt, result.VoteCount, [.. result.Result.Graphs.Select(Leader)]);

        LiveContextLeader Leader(Core.Reconciliation.ContextGraph graph)
        {
            var first = graph.Ranking.Count > 0 ? graph.Ranking[0] : null;
            return new LiveContextLeader(
                graph.QuestionId ?? string.Empty, graph.ContextId ?? string.Empty, first?.ValueId,
                first is null ? null : result.ValueTitles.GetValueOrDefault(first.ValueId, first.ValueId), first?.WinShare,
                graph.ParticipantCount, graph.Edges.Count(e => e.IsContested));
        }
    }
}

/// <summary>The leading value of one context.</summary>
/// <param name="QuestionId">The question.</param>
/// <param name="ContextId">The context.</param>
/// <param name="ValueId">The value ranked first, if any.</param>
/// <param name="Title">Its title.</param>
/// <param name="WinShare">Share of resamples it ranked first in, when computed.</param>
/// <param name="Voters">Distinct voters in the context.</param>
/// <param name="ContestedEdges">Edges contested in the context.</param>
public sealed record LiveContextLeader(string QuestionId, string ContextId, string? ValueId, string? Title, double? WinShare, int Voters, int ContestedEdges);

/// <summary>The hub's method names and the compact form of each event.</summary>
public static class StudyHubMessages
{
    /// <summary>An event was recorded: <see cref="LiveEventMessage"/>.</summary>
    public const string Event = "event";

    /// <summary>Who is online changed: <see cref="LivePresenceMessage"/>.</summary>
    public const string Presence = "presence";

    /// <summary>A reconciliation finished: <see cref="LiveReconciliationMessage"/>.</summary>
    public const string Reconciliation = "reconciliation";

    /// <summary>The server dropped messages for this console (it fell behind): reload what it shows. Carries the study id, or "*".</summary>
    public const string Resync = "resync";

    // The names events are stored under, read from StudyEvent's JSON attributes so there is one list of them.
    private static readonly Dictionary<Type, string> TypeNames = typeof(StudyEvent).GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToDictionary(a => a.DerivedType, a => a.TypeDiscriminator as string ?? a.DerivedType.Name);

    /// <summary>The event's stored type name, e.g. "card-submitted".</summary>
    public static string TypeName(StudyEvent studyEvent)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        return TypeNames.GetValueOrDefault(studyEvent.GetType(), studyEvent.GetType().Name);
    }

    /// <summary>A journey step as the hub names it ("consent", "voting", …).</summary>
    public static string StepName(Core.Participation.JourneyStep step) => step.ToString().ToLowerInvariant();

    /// <summary>
    /// The message for <paramref name="recorded"/>. A card's title is only given for a card still in play
    /// (<paramref name="isHidden"/> says whether it is hidden now); what participants type elsewhere never is.
    /// </summary>
    public static LiveEventMessage For(RecordedEvent recorded, Func<string, bool> isHidden)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(isHidden);
        var e = recorded.Event;
        var summary = e switch
        {
            StudyDefined => "Study definition updated",
            PhaseChanged changed => $"Phase changed to {changed.Phase.ToString().ToLowerInvariant()}",
            CanonicalValueDefined defined => $"Value defined: {defined.Value.Title}",
            ParticipantJoined joined => $"Participant {joined.ParticipantId} joined",
            QuestionChosen chosen => $"Participant {chosen.ParticipantId} is answering question {chosen.QuestionId}",
            InterviewMessagePosted posted => $"Interview of {posted.ParticipantId}: {posted.Message.Role.ToString().ToLowerInvariant()} message at {posted.Message.Stage.ToString().ToLowerInvariant()}",
            CardDraftSaved draft => $"Participant {draft.ParticipantId} saved a card draft",
            CardSubmitted card when isHidden(card.CardId) => $"Card {card.CardId} submitted by {card.ParticipantId} (hidden since)",
            CardSubmitted card => $"Card submitted by {card.ParticipantId}: “{card.Title}”",
            ValueMembershipAnswered answered => $"Participant {answered.ParticipantId} said value {answered.ValueId} is {(answered.StillMine ? "still theirs" : "not theirs")}",
            VoteItemsDrawn drawn => $"{Plural(drawn.Items.Count, "item")} drawn for {drawn.ParticipantId}",
            VoteCast cast => $"Vote by {cast.Vote.ParticipantId} in {cast.Vote.Context}: {Verdict(cast.Vote.Verdict)}",
            SurveyAnswered survey => $"Participant {survey.ParticipantId} finished the survey",
            // Their id leaves with them: consoles are told that someone withdrew, not who.
            ParticipantWithdrew => "A participant withdrew",
            ValuesMerged merged => $"Value {merged.FromValueId} merged into {merged.IntoValueId}",
            CardSplit split => $"Card {split.CardId} split into value {split.NewValueId}",
            CardHidden hidden => $"Card {hidden.CardId} hidden",
            CardRestored restored => $"Card {restored.CardId} restored",
            CardFlagged flagged => $"Card {flagged.CardId} flagged",
            CardFlagCleared cleared => $"Flag on card {cleared.CardId} cleared",
            CardEdited edited => $"Card {edited.CardId} edited",
            MergeProposed proposed => $"Merge proposed: {proposed.FromValueId} into {proposed.IntoValueId}",
            MergeProposalDecided decided => $"Merge proposal {decided.ProposalId} {(decided.Accepted ? "accepted" : "rejected")}",
            AnnouncementMade announcement => $"Announcement: {announcement.Text}",
            _ => TypeName(e),
        };
        return new LiveEventMessage(e.StudyId, recorded.Sequence, TypeName(e), e.OccurredAt, e is ParticipantWithdrew ? "(withdrawn participant)" : e.Actor, summary);
    }

    private static string Verdict(Verdict verdict) => verdict switch
    {
        Core.Voting.Verdict.Wiser => "wiser",
        Core.Voting.Verdict.NotWiser => "not wiser",
        _ => "not sure",
    };

    private static string Plural(int count, string noun) =>
        count == 1 ? $"1 {noun}" : string.Create(CultureInfo.InvariantCulture, $"{count} {noun}s");
}
