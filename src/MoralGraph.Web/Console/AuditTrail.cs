using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using System.Text.Json.Serialization;
using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Console;

/// <summary>One event as the audit page lists it.</summary>
/// <param name="Sequence">Its place in the whole log.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Actor">Who did it.</param>
/// <param name="Type">Its type as stored (<c>card-hidden</c>).</param>
/// <param name="Summary">What it says, short, and never the text of a hidden or withdrawn card.</param>
/// <param name="Hash">Its hash in the chain.</param>
public sealed record AuditEntry(long Sequence, DateTimeOffset OccurredAt, string Actor, string Type, string Summary, string Hash)
{
    /// <summary>True for facilitators' moderation actions (<see cref="AuditEventTypes.Moderation"/>).</summary>
    public bool IsModeration => AuditEventTypes.Moderation.Contains(Type);

    /// <summary>The start of <see cref="Hash"/>, enough to tell events apart on screen.</summary>
    public string HashPrefix => Hash.Length > 12 ? Hash[..12] : Hash;
}

/// <summary>The event types the audit page offers, as stored in the log.</summary>
public static class AuditEventTypes
{
    /// <summary>The filter item that stands for every moderation type at once.</summary>
    public const string ModerationGroup = "moderation";

    private static readonly Dictionary<Type, string> Names = typeof(StudyEvent).GetCustomAttributes<JsonDerivedTypeAttribute>()
        .Where(a => a.DerivedType.Namespace != typeof(AccessLog).Namespace)
        .ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <summary>Every study event type, in the order they are declared.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Names.Values];

    /// <summary>
    /// What facilitators did to the study's content and course: hide/restore, flag/clear, edit, merge, split, proposal
    /// decisions, announcements, phase changes.
    /// </summary>
    public static IReadOnlySet<string> Moderation { get; } = new Type[]
    {
        typeof(CardHidden), typeof(CardRestored), typeof(CardFlagged), typeof(CardFlagCleared), typeof(CardEdited), typeof(ValuesMerged),
        typeof(CardSplit), typeof(MergeProposalDecided), typeof(AnnouncementMade), typeof(PhaseChanged),
    }.Select(NameOf).ToHashSet(StringComparer.Ordinal);

    /// <summary>The stored type name of <paramref name="eventType"/>.</summary>
    public static string NameOf(Type eventType) => Names.TryGetValue(eventType, out var name) ? name : eventType.Name;
}

/// <summary>Which events the audit page shows. Empty criteria match everything.</summary>
public sealed record AuditFilter
{
    /// <summary>Event types to show (<see cref="AuditEventTypes.All"/>, or <see cref="AuditEventTypes.ModerationGroup"/> for every moderation type); empty for all.</summary>
    public IReadOnlySet<string> Types { get; init; } = new HashSet<string>();

    /// <summary>Part of the actor's name (any case).</summary>
    public string? Actor { get; init; }

    /// <summary>Events at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Events before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Words found in the summary, type, actor or hash (any case).</summary>
    public string? Text { get; init; }

    /// <summary>True when <paramref name="entry"/> passes every criterion.</summary>
    public bool Matches(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (Types.Count > 0 && !Types.Contains(entry.Type) && !(Types.Contains(AuditEventTypes.ModerationGroup) && entry.IsModeration))
        {
            return false;
        }

        if (!string.IsNullOrWhiteSpace(Actor) && !entry.Actor.Contains(Actor.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if ((From is { } from && entry.OccurredAt < from) || (To is { } to && entry.OccurredAt >= to))
        {
            return false;
        }

        // Only what the page shows is searched, so a search cannot find words of a hidden card that the summary leaves out.
        return string.IsNullOrWhiteSpace(Text) || Text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(word =>
            entry.Summary.Contains(word, StringComparison.OrdinalIgnoreCase) || entry.Type.Contains(word, StringComparison.OrdinalIgnoreCase)
            || entry.Actor.Contains(word, StringComparison.OrdinalIgnoreCase) || entry.Hash.StartsWith(word, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>One page of the audit table.</summary>
/// <param name="Items">The entries on the page.</param>
/// <param name="TotalMatching">How many entries match the filter in all.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int TotalMatching);

/// <summary>A study's events as audit entries, read at one moment. Immutable: filtering and paging never touch the log.</summary>
public sealed class AuditSnapshot
{
    /// <summary>Builds the entries of <paramref name="events"/> (one study's, in log order).</summary>
    public AuditSnapshot(string slug, IReadOnlyList<RecordedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Slug = slug;
        var studyEvents = events.Select(e => e.Event).ToList();
        var describer = new AuditSummaries(StudyState.Replay(studyEvents), studyEvents);
        var entries = new AuditEntry[events.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var recorded = events[i];
            entries[i] = new AuditEntry(recorded.Sequence, recorded.Event.OccurredAt, describer.Actor(recorded.Event.Actor),
                AuditEventTypes.NameOf(recorded.Event.GetType()), describer.Describe(recorded.Event), recorded.Hash);
        }

        Entries = entries;
        Actors = entries.Select(e => e.Actor).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The study.</summary>
    public string Slug { get; }

    /// <summary>Every entry, oldest first.</summary>
    public IReadOnlyList<AuditEntry> Entries { get; }

    /// <summary>Everyone who did something in the study.</summary>
    public IReadOnlyList<string> Actors { get; }

    /// <summary>The sequence of the newest event, or 0.</summary>
    public long HeadSequence => Entries.Count > 0 ? Entries[^1].Sequence : 0;

    /// <summary>The entries matching <paramref name="filter"/>, newest first unless <paramref name="oldestFirst"/>, skipping <paramref name="skip"/>.</summary>
    public AuditPage Query(AuditFilter filter, int skip, int take, bool oldestFirst = false)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        var ordered = oldestFirst ? Entries : Entries.Reverse();
        var items = new List<AuditEntry>(Math.Min(take, 256));
        var total = 0;
        foreach (var entry in ordered)
        {
            if (!filter.Matches(entry))
            {
                continue;
            }

            if (total >= skip && items.Count < take)
            {
                items.Add(entry);
            }

            total++;
        }

        return new AuditPage(items, total);
    }
}

/// <summary>
/// One line per event. A hidden card shows by id only: its title, text and policies stay out of the page, and so do
/// transcripts, drafts and vote comments, which are participants' own words. A participant who withdrew, and their
/// cards, show as <see cref="WithdrawnParticipant"/> and <see cref="WithdrawnCard"/>: their ids (a card's id holds its
/// author's) were theirs, and leave with them.
/// </summary>
internal sealed class AuditSummaries
{
    /// <summary>What the page shows for a participant who withdrew, wherever their id would be.</summary>
    public const string WithdrawnParticipant = "(withdrawn participant)";

    /// <summary>What the page shows for a card of a participant who withdrew, wherever its id would be.</summary>
    public const string WithdrawnCard = "(withdrawn card)";

    private readonly StudyState _state;
    private readonly Dictionary<string, string> _authorOfCard = new(StringComparer.Ordinal);
    private readonly string[] _redacted;
    private readonly System.Text.RegularExpressions.Regex? _withdrawnIds;

    /// <summary>Summaries of <paramref name="events"/>, withholding what is hidden or withdrawn in <paramref name="state"/> (their replay).</summary>
    public AuditSummaries(StudyState state, IReadOnlyList<StudyEvent> events)
    {
        _state = state;
        var withheldTitles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var studyEvent in events)
        {
            switch (studyEvent)
            {
                case CardSubmitted card:
                    _authorOfCard.TryAdd(card.CardId, card.ParticipantId);
                    if (IsWithheld(card.CardId))
                    {
                        withheldTitles.Add(card.Title);
                    }

                    break;
                case CardEdited edited when IsWithheld(edited.CardId):
                    withheldTitles.Add(edited.Title);
                    break;
            }
        }

        _redacted = [.. withheldTitles.Where(t => t.Length > 0)];

        // Longest first, so a card id that holds its author's id is replaced whole.
        var withdrawnIds = state.WithdrawnParticipants.Concat(_authorOfCard.Where(p => state.WithdrawnParticipants.Contains(p.Value)).Select(p => p.Key))
            .Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(id => id.Length).Select(System.Text.RegularExpressions.Regex.Escape).ToList();
        _withdrawnIds = withdrawnIds.Count == 0 ? null
            : new System.Text.RegularExpressions.Regex(string.Join('|', withdrawnIds), System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>The actor as the page shows it: <see cref="WithdrawnParticipant"/> for one who withdrew.</summary>
    public string Actor(string actor) => _state.WithdrawnParticipants.Contains(actor) ? WithdrawnParticipant : actor;

    /// <summary>The event's line, without the ids of participants who withdrew or of their cards.</summary>
    public string Describe(StudyEvent studyEvent) => _withdrawnIds is null ? DescribeNamed(studyEvent)
        : _withdrawnIds.Replace(DescribeNamed(studyEvent), match => _state.WithdrawnParticipants.Contains(match.Value) ? WithdrawnParticipant : WithdrawnCard);

    private string DescribeNamed(StudyEvent studyEvent) => studyEvent switch
    {
        StudyDefined defined => $"definition: \"{defined.Study.Title}\", {Count(defined.Study.Questions.Count, "question")}, "
            + $"{Count(defined.Study.Questions.Sum(q => q.Contexts.Count), "context")}, {Count(defined.Study.RedLines.Count, "red line")}",
        PhaseChanged changed => $"phase → {changed.Phase.ToString().ToLowerInvariant()}",
        CanonicalValueDefined defined => $"value {defined.Value.Id}: \"{defined.Value.Title}\"",
        CardSubmitted card when IsWithheld(card.CardId) => $"card {card.CardId} by {card.ParticipantId} on {card.QuestionId} (text withheld)",
        CardSubmitted card => $"card {card.CardId} by {card.ParticipantId} on {card.QuestionId}: \"{card.Title}\"",
        ValuesMerged merged => $"value {merged.FromValueId} merged into {merged.IntoValueId}: {Redact(merged.Reason)}",
        CardSplit split => $"card {split.CardId} split into value {split.NewValueId}: {Redact(split.Reason)}",
        VoteCast cast => $"{cast.Vote.FromValueId} → {cast.Vote.ToValueId} in {cast.Vote.Context}: {cast.Vote.Verdict.ToString().ToLowerInvariant()}",
        ParticipantWithdrew withdrew => $"{withdrew.ParticipantId} withdrew",
        ParticipantJoined joined => $"{joined.ParticipantId} joined ({joined.Language}{(joined.InviteCode is { } code ? $", invite {code}" : string.Empty)})",
        QuestionChosen chosen => $"{chosen.ParticipantId} took question {chosen.QuestionId}",
        InterviewMessagePosted posted => $"{posted.ParticipantId}: interview message {posted.Message.Turn} ({posted.Message.Role.ToString().ToLowerInvariant()}, {posted.Message.Stage.ToString().ToLowerInvariant()})",
        CardDraftSaved draft => $"{draft.ParticipantId} saved a card draft on {draft.QuestionId}",
        ValueMembershipAnswered answered => $"{answered.ParticipantId}: card {answered.CardId} {(answered.StillMine ? "stays" : "does not stay")} in value {answered.ValueId}",
        VoteItemsDrawn drawn => $"{drawn.ParticipantId}: {Count(drawn.Items.Count, "item")} drawn (round {drawn.Round})",
        SurveyAnswered survey => $"{survey.ParticipantId} answered the survey ({Count(survey.Answers.Count, "answer")})",
        CardHidden hidden => $"card {hidden.CardId} hidden: {Redact(hidden.Reason)}",
        CardRestored restored => $"card {restored.CardId} restored: {Redact(restored.Reason)}",
        CardFlagged flagged => $"card {flagged.CardId} flagged: {Redact(flagged.Reason)}",
        CardFlagCleared cleared => $"card {cleared.CardId} flag cleared",
        CardEdited edited when IsWithheld(edited.CardId) => $"card {edited.CardId} edited (text withheld): {Redact(edited.Reason)}",
        CardEdited edited => $"card {edited.CardId} edited to \"{edited.Title}\": {Redact(edited.Reason)}",
        MergeProposed proposed => $"proposal: merge {proposed.FromValueId} into {proposed.IntoValueId}: {Redact(proposed.Reason)}",
        MergeProposalDecided decided => $"proposal {decided.ProposalId} {(decided.Accepted ? "accepted" : "rejected")}",
        AnnouncementMade announcement => $"announcement: {announcement.Text}",
        ExportRecorded export => $"export {export.Format} ({export.Summary.Profile}) {export.Summary.ContentHash}",
        SpecReleased release => $"release {release.ReleaseId} ({release.Profile}) {release.SpecSha256}: {release.Note}",
        _ => AuditEventTypes.NameOf(studyEvent.GetType()),
    };

    private bool IsWithheld(string cardId) =>
        _state.HiddenCards.ContainsKey(cardId) || (_authorOfCard.TryGetValue(cardId, out var author) && _state.WithdrawnParticipants.Contains(author));

    // Reasons are facilitators' and the deduplicator's words, but the deduplicator quotes card titles.
    private string Redact(string text)
    {
        foreach (var title in _redacted)
        {
            text = text.Replace(title, "[withheld]", StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    private static string Count(int count, string noun) => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}

/// <summary>
/// The audit page's reads: a study's events as an <see cref="AuditSnapshot"/> (kept for the studies read most recently,
/// and rebuilt when the study has new events) and the hash chain's verification.
/// </summary>
public sealed class AuditTrail(IEventLog log, IStudyCatalog catalog, ConsoleAuthorization authorization)
{
    // A 100k-event study is some megabytes of entries; a handful of studies is what a console watches at once.
    private const int CachedStudies = 4;

    private readonly ConcurrentDictionary<string, (AuditSnapshot Snapshot, long EventCount, long LastUsed)> _snapshots = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>The study's events now (observer of the study), or null when there is no such study.</summary>
    public async Task<AuditSnapshot?> SnapshotAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, slug, StudyAccess.Observer);
        var summary = (await catalog.ListAsync(cancellationToken)).FirstOrDefault(s => s.Slug == slug);
        if (summary is null)
        {
            return null;
        }

        var used = Interlocked.Increment(ref _clock);
        if (_snapshots.TryGetValue(slug, out var cached) && cached.EventCount == summary.EventCount)
        {
            _snapshots[slug] = cached with { LastUsed = used };
            return cached.Snapshot;
        }

        var events = await log.ReadStudyAsync(slug, cancellationToken);
        var snapshot = new AuditSnapshot(slug, events);
        _snapshots[slug] = (snapshot, events.Count, used);
        foreach (var stale in _snapshots.OrderByDescending(s => s.Value.LastUsed).Skip(CachedStudies).ToList())
        {
            _snapshots.TryRemove(stale);
        }

        return snapshot;
    }

    /// <summary>Recomputes the whole log's hash chain (observer of the study): what <c>moralgraph audit verify</c> reports.</summary>
    public async Task<ChainVerification> VerifyAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, slug, StudyAccess.Observer);
        return await log.VerifyAsync(cancellationToken);
    }
}
