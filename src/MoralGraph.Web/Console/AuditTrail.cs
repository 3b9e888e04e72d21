using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Localization;
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
    /// <summary>The type as the page names it in the facilitator's language (<see cref="Type"/> when it has no name).</summary>
    public string TypeLabel { get; init; } = Type;

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

    /// <summary>
    /// What the page calls <paramref name="type"/> (a stored type or <see cref="ModerationGroup"/>) in the current
    /// language: <c>Audit.Type.{type}</c>, or the stored name for a type the resources do not name yet.
    /// </summary>
    public static string LabelOf(string type, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text[$"Audit.Type.{type}"] is { ResourceNotFound: false } label ? label : type;
    }
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
            || entry.TypeLabel.Contains(word, StringComparison.OrdinalIgnoreCase)
            || entry.Actor.Contains(word, StringComparison.OrdinalIgnoreCase) || entry.Hash.StartsWith(word, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>One page of the audit table.</summary>
/// <param name="Items">The entries on the page.</param>
/// <param name="TotalMatching">How many entries match the filter in all.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int TotalMatching);

/// <summary>
/// A study's events as audit entries, read at one moment, worded in one language. Immutable: filtering and paging never
/// touch the log.
/// </summary>
public sealed class AuditSnapshot
{
    /// <summary>Builds the entries of <paramref name="events"/> (one study's, in log order), worded by <paramref name="text"/> in the current UI culture.</summary>
    public AuditSnapshot(string slug, IReadOnlyList<RecordedEvent> events, IStringLocalizer<ConsoleText> text)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(text);
        Slug = slug;
        Language = CultureInfo.CurrentUICulture.Name;
        var studyEvents = events.Select(e => e.Event).ToList();
        var describer = new AuditSummaries(StudyState.Replay(studyEvents), studyEvents, text);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new AuditEntry[events.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var recorded = events[i];
            var type = AuditEventTypes.NameOf(recorded.Event.GetType());
            if (!labels.TryGetValue(type, out var label))
            {
                labels[type] = label = AuditEventTypes.LabelOf(type, text);
            }

            entries[i] = new AuditEntry(recorded.Sequence, recorded.Event.OccurredAt, describer.Actor(recorded.Event.Actor),
                type, describer.Describe(recorded.Event), recorded.Hash) { TypeLabel = label };
        }

        Entries = entries;
        Actors = entries.Select(e => e.Actor).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The study.</summary>
    public string Slug { get; }

    /// <summary>The UI culture its summaries are worded in.</summary>
    public string Language { get; }

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
/// One line per event, in the facilitator's language (<c>Audit.Event.*</c>; the ids, titles, reasons and notes in it are
/// the study's and the facilitators' own words). A hidden card shows by id only: its title, text and policies stay out of
/// the page, and so do transcripts, drafts and vote comments, which are participants' own words. A participant who
/// withdrew, and their cards, show as <c>Audit.Withdrawn.Participant</c> and <c>Audit.Withdrawn.Card</c>: their ids (a
/// card's id holds its author's) were theirs, and leave with them.
/// </summary>
internal sealed class AuditSummaries
{
    private readonly StudyState _state;
    private readonly IStringLocalizer _text;
    private readonly string _withdrawnParticipant;
    private readonly string _withdrawnCard;
    private readonly string _withheld;
    private readonly bool _rightToLeft;
    private readonly Dictionary<string, string> _authorOfCard = new(StringComparer.Ordinal);
    private readonly string[] _redacted;
    private readonly System.Text.RegularExpressions.Regex? _withdrawnIds;

    /// <summary>Summaries of <paramref name="events"/>, withholding what is hidden or withdrawn in <paramref name="state"/> (their replay).</summary>
    public AuditSummaries(StudyState state, IReadOnlyList<StudyEvent> events, IStringLocalizer text)
    {
        _state = state;
        _text = text;
        _withdrawnParticipant = text["Audit.Withdrawn.Participant"];
        _withdrawnCard = text["Audit.Withdrawn.Card"];
        _withheld = text["Audit.Withheld"];
        _rightToLeft = CultureInfo.CurrentUICulture.TextInfo.IsRightToLeft;
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

    /// <summary>The actor as the page shows it: <c>Audit.Withdrawn.Participant</c> for one who withdrew.</summary>
    public string Actor(string actor) => _state.WithdrawnParticipants.Contains(actor) ? _withdrawnParticipant : actor;

    /// <summary>The event's line, without the ids of participants who withdrew or of their cards.</summary>
    public string Describe(StudyEvent studyEvent) => _withdrawnIds is null ? DescribeNamed(studyEvent)
        : _withdrawnIds.Replace(DescribeNamed(studyEvent), match => _state.WithdrawnParticipants.Contains(match.Value) ? _withdrawnParticipant : _withdrawnCard);

    private string DescribeNamed(StudyEvent studyEvent) => studyEvent switch
    {
        StudyDefined defined => Plural("Audit.Event.StudyDefined", defined.Study.Title, defined.Study.Questions.Count,
            defined.Study.Questions.Sum(q => q.Contexts.Count), defined.Study.RedLines.Count),
        PhaseChanged changed => Say("Audit.Event.PhaseChanged", Say($"Audit.Phase.{changed.Phase}")),
        CanonicalValueDefined defined => Say("Audit.Event.ValueDefined", defined.Value.Id, defined.Value.Title),
        CardSubmitted card when IsWithheld(card.CardId) => Say("Audit.Event.CardSubmittedWithheld", card.CardId, card.ParticipantId, card.QuestionId),
        CardSubmitted card => Say("Audit.Event.CardSubmitted", card.CardId, card.ParticipantId, card.QuestionId, card.Title),
        ValuesMerged merged => Say("Audit.Event.ValuesMerged", merged.FromValueId, merged.IntoValueId, Redact(merged.Reason)),
        CardSplit split => Say("Audit.Event.CardSplit", split.CardId, split.NewValueId, Redact(split.Reason)),
        VoteCast cast => Say("Audit.Event.VoteCast", cast.Vote.FromValueId, cast.Vote.ToValueId, cast.Vote.Context, Say($"Audit.Verdict.{cast.Vote.Verdict}")),
        ParticipantWithdrew withdrew => Say("Audit.Event.ParticipantWithdrew", withdrew.ParticipantId),
        ParticipantJoined { InviteCode: { } code } joined => Say("Audit.Event.ParticipantJoinedInvited", joined.ParticipantId, joined.Language, code),
        ParticipantJoined joined => Say("Audit.Event.ParticipantJoined", joined.ParticipantId, joined.Language),
        QuestionChosen chosen => Say("Audit.Event.QuestionChosen", chosen.ParticipantId, chosen.QuestionId),
        InterviewMessagePosted posted => Say("Audit.Event.InterviewMessagePosted", posted.ParticipantId, posted.Message.Turn,
            Say($"Audit.Role.{posted.Message.Role}"), Say($"Audit.Stage.{posted.Message.Stage}")),
        CardDraftSaved draft => Say("Audit.Event.CardDraftSaved", draft.ParticipantId, draft.QuestionId),
        ValueMembershipAnswered answered => Say(answered.StillMine ? "Audit.Event.MembershipStays" : "Audit.Event.MembershipLeaves", answered.ParticipantId, answered.CardId, answered.ValueId),
        VoteItemsDrawn drawn => Plural("Audit.Event.VoteItemsDrawn", drawn.ParticipantId, drawn.Items.Count, drawn.Round),
        SurveyAnswered survey => Plural("Audit.Event.SurveyAnswered", survey.ParticipantId, survey.Answers.Count),
        CardHidden hidden => Say("Audit.Event.CardHidden", hidden.CardId, Redact(hidden.Reason)),
        CardRestored restored => Say("Audit.Event.CardRestored", restored.CardId, Redact(restored.Reason)),
        CardFlagged flagged => Say("Audit.Event.CardFlagged", flagged.CardId, Redact(flagged.Reason)),
        CardFlagCleared cleared => Say("Audit.Event.CardFlagCleared", cleared.CardId),
        CardEdited edited when IsWithheld(edited.CardId) => Say("Audit.Event.CardEditedWithheld", edited.CardId, Redact(edited.Reason)),
        CardEdited edited => Say("Audit.Event.CardEdited", edited.CardId, edited.Title, Redact(edited.Reason)),
        MergeProposed proposed => Say("Audit.Event.MergeProposed", proposed.FromValueId, proposed.IntoValueId, Redact(proposed.Reason)),
        MergeProposalDecided decided => Say(decided.Accepted ? "Audit.Event.ProposalAccepted" : "Audit.Event.ProposalRejected", decided.ProposalId),
        AnnouncementMade announcement => Say("Audit.Event.Announcement", announcement.Text),
        ExportRecorded export => Say("Audit.Event.ExportRecorded", export.Format, export.Summary.Profile, export.Summary.ContentHash),
        SpecReleased release => Say("Audit.Event.SpecReleased", release.ReleaseId, release.Profile, release.SpecSha256, release.Note),
        _ => AuditEventTypes.LabelOf(AuditEventTypes.NameOf(studyEvent.GetType()), _text),
    };

    private string Say(string key, params object[] arguments) => _text[key, [.. arguments.Select(argument => Isolated(argument)!)]];

    // For the lines that count something: ICU plurals, so Arabic says "two questions" as it should.
    private string Plural(string key, params object?[] arguments) => _text.Message(key, [.. arguments.Select(Isolated)]);

    // In a right-to-left line, an id or an English title is set apart (Unicode's first-strong isolate), so its own
    // direction does not scramble the words and punctuation around it. Counts stay numbers, for the plural rules.
    private object? Isolated(object? argument) =>
        argument is string text && _rightToLeft ? $"\u2068{text}\u2069" : argument;

    private bool IsWithheld(string cardId) =>
        _state.HiddenCards.ContainsKey(cardId) || (_authorOfCard.TryGetValue(cardId, out var author) && _state.WithdrawnParticipants.Contains(author));

    // Reasons are facilitators' and the deduplicator's words, but the deduplicator quotes card titles.
    private string Redact(string text)
    {
        foreach (var title in _redacted)
        {
            text = text.Replace(title, _withheld, StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }
}

/// <summary>
/// The audit page's reads: a study's events as an <see cref="AuditSnapshot"/> (kept for the studies read most recently,
/// and rebuilt when the study has new events) and the hash chain's verification.
/// </summary>
public sealed class AuditTrail(IEventLog log, IStudyCatalog catalog, ConsoleAuthorization authorization, IStringLocalizer<ConsoleText> text)
{
    // A 100k-event study is some megabytes of entries; a handful of studies, each in the language of the facilitator
    // reading it, is what a console watches at once.
    private const int CachedStudies = 4;

    // By study and language: each snapshot is worded in the language of the facilitator who asked for it.
    private readonly ConcurrentDictionary<(string Slug, string Language), (AuditSnapshot Snapshot, long EventCount, long LastUsed)> _snapshots = new();
    private long _clock;

    /// <summary>The study's events now (observer of the study), worded in the current UI culture, or null when there is no such study.</summary>
    public async Task<AuditSnapshot?> SnapshotAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, slug, StudyAccess.Observer);
        var summary = (await catalog.ListAsync(cancellationToken)).FirstOrDefault(s => s.Slug == slug);
        if (summary is null)
        {
            return null;
        }

        var used = Interlocked.Increment(ref _clock);
        var key = (slug, CultureInfo.CurrentUICulture.Name);
        if (_snapshots.TryGetValue(key, out var cached) && cached.EventCount == summary.EventCount)
        {
            _snapshots[key] = cached with { LastUsed = used };
            return cached.Snapshot;
        }

        var events = await log.ReadStudyAsync(slug, cancellationToken);
        var snapshot = new AuditSnapshot(slug, events, text);
        _snapshots[key] = (snapshot, events.Count, used);
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
