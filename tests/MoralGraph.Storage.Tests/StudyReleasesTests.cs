using Microsoft.Extensions.Time.Testing;
using MoralGraph.Core.Events;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Releases;
using MoralGraph.Storage.EventLog;
using static MoralGraph.Storage.Tests.TestEvents;

namespace MoralGraph.Storage.Tests;

/// <summary>Releases over a real store: immutable ids, and a publisher that lost the race to another.</summary>
public sealed class StudyReleasesTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("moralgraph-releases-");

    private string DatabasePath => Path.Combine(_folder.FullName, "store.db");

    private const string Profile = DefaultProfile.ProfileName;

    [Fact]
    public async Task A_publisher_that_read_before_another_published_is_refused_and_the_first_release_stands()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAllAsync([Defined(), VoteEvent("p1", 1), VoteEvent("p2", 1)]);
        var time = new FakeTimeProvider(T0.AddDays(1));
        var first = await new StudyReleases(log, time).PublishAsync("s", "Mine", Profile, "olivia");

        // The second publisher's read missed v1 (it was published in between), so it also makes a v1.
        time.Advance(TimeSpan.FromMinutes(1));
        var stale = new StaleLog(log);
        var conflict = await Assert.ThrowsAsync<ReleaseConflictException>(() => new StudyReleases(stale, time).PublishAsync("s", "Theirs", Profile, "sam"));

        Assert.Contains("v1", conflict.Message, StringComparison.Ordinal);
        var releases = (await new StudyReleases(log, time).ListAsync("s"))!;
        Assert.Equal([("v1", "Mine", "olivia")], releases.Select(r => (r.ReleaseId, r.Note, r.Actor)));
        Assert.Equal(first!.SpecSha256, releases[0].SpecSha256);
    }

    [Fact]
    public async Task A_profile_this_version_does_not_have_is_refused()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAllAsync([Defined()]);

        await Assert.ThrowsAsync<ArgumentException>(() => new StudyReleases(log, TimeProvider.System).PublishAsync("s", "n", "tuned", "olivia"));
        Assert.Empty((await new StudyReleases(log, TimeProvider.System).ListAsync("s"))!);
    }

    [Fact]
    public async Task A_release_made_again_later_reproduces_while_new_votes_arrive()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        var values = Enumerable.Range(1, 4).Select(i => (StudyEvent)new CanonicalValueDefined(new Core.Values.CanonicalValue($"v{i}", $"Value {i}", "About it.", ["MOMENTS that matter"], []))
        {
            QuestionId = "q", StudyId = "s", OccurredAt = T0, Actor = "test",
        });
        await log.AppendAllAsync([Defined(), .. values, VoteEvent("p1", 1), VoteEvent("p2", 1)]);
        var time = new FakeTimeProvider(T0.AddDays(1));
        var releases = new StudyReleases(log, time);
        var released = await releases.PublishAsync("s", "First", Profile, "olivia");
        await log.AppendAllAsync([VoteEvent("p3", 2), VoteEvent("p4", 3)]);
        time.Advance(TimeSpan.FromDays(3));

        using var bytes = new MemoryStream();
        var again = await releases.RegenerateAsync("s", "v1", bytes);

        Assert.True(again!.Reproduces);
        Assert.Equal(released!.SpecSha256, again.SpecSha256);
        Assert.Equal(T0.AddDays(1).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture), again.Spec.GeneratedAt);
        Assert.Equal(("v1", (string?)null), (again.Spec.ReleaseId, again.Spec.PreviousReleaseId));
        Assert.Equal(2, again.Spec.Counts.Votes);
        Assert.Equal(4, (await releases.LiveAsync("s", new DefaultProfile()))!.Counts.Votes);
        Assert.Equal(released.SpecSha256, "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.ToArray())));
    }

    [Fact]
    public async Task A_release_keeps_the_legitimacy_figures_of_its_moment_and_reproduces_byte_for_byte()
    {
        using var log = new LiteDbEventLog(DatabasePath);
        await log.AppendAllAsync([Defined(), .. Surveyed("p1", 5), .. Surveyed("p2", 2)]);
        var time = new FakeTimeProvider(T0.AddDays(1));
        var releases = new StudyReleases(log, time);
        var released = await releases.PublishAsync("s", "First", Profile, "olivia");
        await log.AppendAllAsync([.. Surveyed("p3", 4)]);
        time.Advance(TimeSpan.FromDays(3));

        var again = await releases.RegenerateAsync("s", "v1", Stream.Null);
        var live = await releases.LiveAsync("s", new DefaultProfile());

        Assert.True(again!.Reproduces);
        Assert.Equal(released!.SpecSha256, again.SpecSha256);
        // The release: p1 agrees, p2 does not → 1 of 2. The live graph: p3 agrees too → 2 of 3.
        Assert.Equal((2, 1), Represented(again.Spec));
        Assert.Equal((3, 2), Represented(live!));

        static (int, int) Represented(Core.Export.AlignmentSpec spec) =>
            spec.Legitimacy!.Statements.Single(s => s.StatementId == "represented-by-process") is var s ? (s.Respondents, s.Agreeing) : default;

        static StudyEvent[] Surveyed(string who, int represented) =>
        [
            new ParticipantJoined(who, $"hash-{who}", "v1", "en", null) { StudyId = "s", OccurredAt = T0, Actor = who },
            new SurveyAnswered(who, new Dictionary<string, int> { ["represented-by-process"] = represented }) { StudyId = "s", OccurredAt = T0, Actor = who },
        ];
    }

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>Reads the study once without its releases, as a publisher that read just before another published.</summary>
    private sealed class StaleLog(IEventLog inner) : IEventLog
    {
        private bool _stale = true;

        public Task<RecordedEvent> AppendAsync(StudyEvent studyEvent, CancellationToken cancellationToken = default) => inner.AppendAsync(studyEvent, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> AppendAllAsync(IReadOnlyList<StudyEvent> studyEvents, CancellationToken cancellationToken = default) => inner.AppendAllAsync(studyEvents, cancellationToken);

        public async Task<IReadOnlyList<RecordedEvent>> ReadStudyAsync(string studyId, CancellationToken cancellationToken = default)
        {
            var events = await inner.ReadStudyAsync(studyId, cancellationToken);
            if (!_stale)
            {
                return events;
            }

            _stale = false;
            return [.. events.Where(e => e.Event is not SpecReleased)];
        }

        public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => inner.VerifyAsync(cancellationToken);

        public Task<string?> HashAtAsync(long sequence, CancellationToken cancellationToken = default) => inner.HashAtAsync(sequence, cancellationToken);
    }
}
