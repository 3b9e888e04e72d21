using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Console;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.Console;

/// <summary>The audit page's filters over a scripted event list, without a store.</summary>
public sealed class AuditSnapshotTests
{
    private static readonly StudyScript Script = new("audit-script");

    private static AuditSnapshot Snapshot(params StudyEvent[] events) =>
        new("audit-script", [.. events.Select((e, i) => new RecordedEvent(i + 1, e, "{}", "prev", $"{i + 1:x4}{new string('a', 60)}"))], ConsoleLocalizer.Create());

    private static StudyEvent By(StudyEvent studyEvent, string actor, int day) =>
        studyEvent with { Actor = actor, OccurredAt = new DateTimeOffset(2026, 11, day, 12, 0, 0, TimeSpan.Zero) };

    private static AuditSnapshot Scripted() => Snapshot(
        [
            .. Script.Definition(),
            By(Script.Join("p1"), "p1", 2),
            By(Script.Card("p1", "c1", "Gentle presence"), "p1", 2),
            By(Script.Card("p2", "c2", "Tell her to move on"), "p2", 3),
            By(new CardHidden("c2", "dismissive") { StudyId = Script.Slug, OccurredAt = default, Actor = "" }, "fay", 4),
            By(new ValuesMerged("c1", "c2", "offline dedup: \"Tell her to move on\"") { StudyId = Script.Slug, OccurredAt = default, Actor = "" }, "dedup", 4),
            By(new PhaseChanged(StudyPhase.Voting) { StudyId = Script.Slug, OccurredAt = default, Actor = "" }, "fay", 5),
            By(new ParticipantWithdrew("p1") { StudyId = Script.Slug, OccurredAt = default, Actor = "" }, "p1", 5),
        ]);

    [Fact]
    public void With_no_filter_every_event_shows_newest_first_and_hidden_or_withdrawn_text_is_withheld_everywhere()
    {
        var page = Scripted().Query(new AuditFilter(), 0, 100);

        Assert.Equal(Scripted().Entries.Count, page.TotalMatching);
        Assert.Equal(page.Items.Select(e => e.Sequence).OrderDescending(), page.Items.Select(e => e.Sequence));
        var summaries = string.Join('\n', page.Items.Select(e => e.Summary));
        Assert.DoesNotContain("move on", summaries, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Gentle presence", summaries, StringComparison.OrdinalIgnoreCase);
        // p1 withdrew: their id and their card's id were theirs, and show as withdrawn.
        Assert.Contains("value (withdrawn card) merged into c2: offline dedup: \"[withheld]\"", summaries, StringComparison.Ordinal);
        Assert.Contains("card (withdrawn card) by (withdrawn participant) on grief (text withheld)", summaries, StringComparison.Ordinal);
        Assert.Contains("card c2 by p2 on grief (text withheld)", summaries, StringComparison.Ordinal);
        Assert.DoesNotContain("p1", summaries + string.Join(' ', page.Items.Select(e => e.Actor)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "moderation" }, null, null, null, null, new[] { "phase-changed", "values-merged", "card-hidden" })]
    [InlineData(new[] { "card-submitted", "participant-withdrew" }, null, null, null, null, new[] { "participant-withdrew", "card-submitted", "card-submitted" })]
    [InlineData(new string[0], "FAY", null, null, null, new[] { "phase-changed", "card-hidden" })]
    [InlineData(new string[0], null, 3, 4, null, new[] { "values-merged", "card-hidden", "card-submitted" })]
    [InlineData(new string[0], null, null, null, "dismissive", new[] { "card-hidden" })]
    [InlineData(new[] { "moderation" }, "fay", 5, 5, "voting", new[] { "phase-changed" })]
    [InlineData(new string[0], null, null, null, "move on", new string[0])]
    public void Each_filter_narrows_the_list_and_they_combine(string[] types, string? actor, int? fromDay, int? toDay, string? text, string[] expected)
    {
        var filter = new AuditFilter
        {
            Types = types.ToHashSet(),
            Actor = actor,
            From = fromDay is { } from ? new DateTimeOffset(2026, 11, from, 0, 0, 0, TimeSpan.Zero) : null,
            To = toDay is { } to ? new DateTimeOffset(2026, 11, to + 1, 0, 0, 0, TimeSpan.Zero) : null,
            Text = text,
        };

        var page = Scripted().Query(filter, 0, 100);

        Assert.Equal(expected, page.Items.Select(e => e.Type));
        Assert.Equal(expected.Length, page.TotalMatching);
    }

    [Fact]
    public void Pages_skip_and_take_within_the_matches_and_count_them_all()
    {
        var events = Enumerable.Range(0, 120).Select(i => By(Script.Join($"p{i}"), $"p{i}", 2)).Prepend(Script.Definition()[0]).ToArray();

        var third = Snapshot(events).Query(new AuditFilter { Types = new HashSet<string> { "participant-joined" } }, 100, 50, oldestFirst: true);

        Assert.Equal(120, third.TotalMatching);
        Assert.Equal(Enumerable.Range(102, 20).Select(i => (long)i), third.Items.Select(e => e.Sequence));
    }
}
