using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Console;

namespace MoralGraph.Web.Tests.Console;

public sealed class StudyAdministrationTests(ConsoleApp app) : IClassFixture<ConsoleApp>
{
    private StudyAdministration Studies => app.Get<StudyAdministration>();

    private static string Yaml(string slug, string phase = "draft") => $$"""
        slug: {{slug}}
        title: Created in the console
        phase: {{phase}}
        questions:
          - id: grief
            prompt: My friend just lost her father. What should I say to her?
            contexts:
              - { id: comforting, text: When comforting someone }
        seedValues:
          - question: grief
            title: Presence over advice
            description: Being there matters more than the right words.
            policies: [MOMENTS when silence says more than words, FEELINGS she has not named yet, SIGNS that she wants company]
        """;

    [Fact]
    public async Task An_owner_of_every_study_creates_a_study_from_yaml_in_one_append_as_themselves()
    {
        var admin = await app.AdministratorAsync();

        var change = await Studies.CreateAsync(admin, Yaml("created-here"));

        Assert.True(change.Stored, string.Join("; ", change.Problems));
        var stored = await app.Log.ReadStudyAsync("created-here");
        Assert.Collection(stored,
            e => Assert.IsType<StudyDefined>(e.Event),
            e => Assert.IsType<CanonicalValueDefined>(e.Event));
        Assert.All(stored, e => Assert.Equal(ConsoleApp.Administrator, e.Event.Actor));
        // One transaction: consecutive sequence numbers.
        Assert.Equal(stored[0].Sequence + 1, stored[1].Sequence);
        var listed = Assert.Single(await Studies.ListAsync(admin), s => s.Slug == "created-here");
        Assert.Equal((StudyPhase.Draft, 0, true), (listed.Phase, listed.Participants, listed.Permissions.CanManage));
    }

    [Fact]
    public async Task A_study_that_does_not_validate_comes_back_with_every_problem_and_nothing_is_stored()
    {
        var admin = await app.AdministratorAsync();

        var change = await Studies.CreateAsync(admin, "slug: Not A Slug\nvoteDrawSize: 99\nquestions:\n  - id: q\n    contexts: []\n");

        Assert.False(change.Stored);
        Assert.Equal(["slug", "title", "questions[0].prompt", "questions[0].contexts", "voteDrawSize"], change.Problems.Select(p => p.Field));
        Assert.Empty(await app.Log.ReadStudyAsync("Not A Slug"));
    }

    [Fact]
    public async Task A_taken_slug_is_refused_and_a_study_file_of_the_seed_folder_can_be_imported()
    {
        var admin = await app.AdministratorAsync();
        await Studies.CreateAsync(admin, Yaml("taken"));

        var again = await Studies.CreateAsync(admin, Yaml("taken"));
        File.WriteAllText(Path.Combine(app.Factory.SeedFolder, "imported.yaml"), Yaml("from-a-file", "voting"));
        var imported = await Studies.ImportAsync(admin, "imported.yaml");
        var escaped = await Studies.ImportAsync(admin, "../moralgraph.db");
        var named = await Studies.CreateAsync(admin, Yaml(ConsoleNavigation.AccessSegment));

        Assert.Equal("slug", Assert.Single(again.Problems).Field);
        Assert.Equal(2, (await app.Log.ReadStudyAsync("taken")).Count);
        Assert.Contains("imported.yaml", Studies.ImportableFiles());
        Assert.Equal("from-a-file", imported.Slug);
        Assert.Equal(StudyPhase.Voting, (await Studies.DefinitionAsync(admin, "from-a-file"))!.Study.Phase);
        Assert.Equal("file", Assert.Single(escaped.Problems).Field);
        Assert.Equal("slug", Assert.Single(named.Problems).Field);
    }

    [Fact]
    public async Task A_revised_definition_keeps_the_phase_and_the_slug_and_records_its_owner()
    {
        var script = await app.StudyAsync("revised", StudyPhase.Voting);
        var owner = await app.UserAsync("olivia-owner", FacilitatorRole.Owner, script.Slug);
        var before = (await Studies.DefinitionAsync(owner, script.Slug))!;

        var change = await Studies.ReviseAsync(owner, script.Slug, before.Yaml.Replace("title: Live check", "title: Renamed", StringComparison.Ordinal).Replace("phase: voting", "phase: draft", StringComparison.Ordinal));
        var moved = await Studies.ReviseAsync(owner, script.Slug, before.Yaml.Replace($"slug: {script.Slug}", "slug: elsewhere", StringComparison.Ordinal));

        Assert.True(change.Stored, string.Join("; ", change.Problems));
        Assert.Equal("phase", Assert.Single(change.Problems).Field);
        var after = (await Studies.DefinitionAsync(owner, script.Slug))!.Study;
        Assert.Equal(("Renamed", StudyPhase.Voting), (after.Title, after.Phase));
        var defined = (await app.EventsAsync(script.Slug)).OfType<StudyDefined>().Last();
        Assert.Equal(("olivia-owner", StudyPhase.Voting), (defined.Actor, defined.Study.Phase));
        Assert.False(moved.Stored);
        Assert.Equal("slug", Assert.Single(moved.Problems).Field);
    }

    [Fact]
    public async Task The_service_refuses_an_observer_every_change_whatever_the_page_showed()
    {
        var script = await app.StudyAsync("observed");
        var observer = await app.UserAsync("oscar-observer", FacilitatorRole.Observer, script.Slug);
        var yaml = (await Studies.DefinitionAsync(observer, script.Slug))!.Yaml;
        var stored = (await app.Log.ReadStudyAsync(script.Slug)).Count;

        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Studies.ReviseAsync(observer, script.Slug, yaml));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Studies.ChangePhaseAsync(observer, script.Slug, StudyPhase.Voting));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Studies.AnnounceAsync(observer, script.Slug, "Hello"));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Studies.CreateAsync(observer, Yaml("by-an-observer")));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => app.Get<AccessAdministration>().IssueApiKeyAsync(observer, script.Slug, "mine"));

        Assert.Equal(stored, (await app.Log.ReadStudyAsync(script.Slug)).Count);
        Assert.Empty(await app.Log.ReadStudyAsync("by-an-observer"));
        Assert.Equal(new StudyPermissions(true, false, false), (await Studies.DefinitionAsync(observer, script.Slug))!.Permissions);
    }

    [Fact]
    public async Task A_facilitator_runs_phases_and_announces_but_does_not_edit_the_definition()
    {
        var script = await app.StudyAsync("facilitated");
        var facilitator = await app.UserAsync("fay-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var yaml = (await Studies.DefinitionAsync(facilitator, script.Slug))!.Yaml;

        await Studies.ChangePhaseAsync(facilitator, script.Slug, StudyPhase.Voting);
        await Studies.AnnounceAsync(facilitator, script.Slug, "Voting is open.");
        await Assert.ThrowsAsync<ModerationRefusedException>(() => Studies.ChangePhaseAsync(facilitator, script.Slug, StudyPhase.Interviewing));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => Studies.ReviseAsync(facilitator, script.Slug, yaml));

        var events = await app.EventsAsync(script.Slug);
        Assert.Equal("fay-facilitator", events.OfType<PhaseChanged>().Single().Actor);
        Assert.Equal(("fay-facilitator", "Voting is open."), events.OfType<AnnouncementMade>().Select(a => (a.Actor, a.Text)).Single());
    }

    [Fact]
    public async Task A_facilitator_without_a_role_in_the_study_neither_sees_it_nor_reads_it()
    {
        var script = await app.StudyAsync("elsewhere-study");
        var stranger = await app.UserAsync("sam-stranger", FacilitatorRole.Owner, "some-other-study");

        Assert.DoesNotContain(await Studies.ListAsync(stranger), s => s.Slug == script.Slug);
        Assert.Null(await Studies.DefinitionAsync(stranger, script.Slug));
        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => app.Get<AuditTrail>().SnapshotAsync(stranger, script.Slug));
    }
}
