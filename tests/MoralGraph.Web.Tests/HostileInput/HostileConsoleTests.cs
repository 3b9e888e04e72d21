using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Localization;
using MoralGraph.Core;
using MoralGraph.Core.Events;
using MoralGraph.Tests.HostileInput;
using MoralGraph.Web.Console;
using MoralGraph.Web.Tests.Console;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.HostileInput;

/// <summary>
/// Every facilitator form, through the page states the console's pages bind (what a form submits is what they get),
/// given every hostile string: a message on the page, or the text stored as typed. An exception these states do not
/// catch would end the facilitator's circuit, so none may escape.
/// </summary>
public sealed class HostileConsoleTests(ConsoleApp app) : IClassFixture<ConsoleApp>
{
    public static TheoryData<string> Names() => HostileStrings.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_new_study_with_a_hostile_title_is_created_with_it_or_refused_by_field(string name)
    {
        var hostile = HostileStrings.Get(name);
        var admin = await app.AdministratorAsync();
        var slug = "new-" + Guid.NewGuid().ToString("N")[..8];
        var page = new StudiesPageState(app.Get<StudyAdministration>());
        page.Yaml = ConsoleApp.StudyYaml(slug).Replace("title: Live check", "title: " + JsonSerializer.Serialize(hostile), StringComparison.Ordinal);

        var created = await page.CreateAsync(admin);

        if (created is null)
        {
            Assert.NotEmpty(page.Problems);
            Assert.Empty(await app.EventsAsync(slug));
            return;
        }

        var definition = await app.Get<StudyAdministration>().DefinitionAsync(admin, slug);
        Assert.Equal(TextNormalization.CollapseWhitespace(HostileStrings.ThroughUtf8(hostile)), definition!.Study.Title);
        // What the settings page shows and saves back keeps the title (a reload once dropped a leading U+FEFF).
        var settings = new SettingsPageState(app.Get<StudyAdministration>(), app.Get<IStringLocalizer<ConsoleText>>());
        await settings.LoadAsync(admin, slug);
        Assert.True(await settings.SaveAsync(admin), settings.Message);
        Assert.Equal(definition.Study.Title, (await app.Get<StudyAdministration>().DefinitionAsync(admin, slug))!.Study.Title);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Hostile_text_in_the_settings_forms_is_refused_with_a_message_or_kept(string name)
    {
        var hostile = HostileStrings.Get(name);
        var admin = await app.AdministratorAsync();
        var study = await app.StudyAsync("settings-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = new SettingsPageState(app.Get<StudyAdministration>(), app.Get<IStringLocalizer<ConsoleText>>());
        await settings.LoadAsync(admin, study.Slug);
        var before = await app.EventsAsync(study.Slug);

        // The whole definition replaced by the hostile text.
        settings.Yaml = hostile;
        Assert.False(await settings.SaveAsync(admin));
        Assert.False(string.IsNullOrWhiteSpace(settings.Message));
        Assert.Equal(before.Count, (await app.EventsAsync(study.Slug)).Count);

        settings.Announcement = hostile;
        var announced = await settings.AnnounceAsync(admin);
        Assert.False(string.IsNullOrWhiteSpace(settings.Message));
        if (announced)
        {
            Assert.Contains(await app.EventsAsync(study.Slug), e => e is AnnouncementMade made && made.Text.Length > 0);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Hostile_text_in_the_access_forms_is_refused_with_a_message_or_kept_as_typed(string name)
    {
        var hostile = HostileStrings.Get(name);
        var admin = await app.AdministratorAsync();
        var study = await app.StudyAsync("access-" + Guid.NewGuid().ToString("N")[..8]);
        var access = new AccessPageState(app.Get<AccessAdministration>(), app.Get<IStringLocalizer<ConsoleText>>());
        await access.LoadAsync(admin);

        access.NewUsername = hostile;
        access.NewPassword = "correct horse battery staple";
        access.Scope = study.Slug;
        Assert.False(await access.CreateAccountAsync(admin));
        Assert.False(string.IsNullOrWhiteSpace(access.Message));

        access.KeyStudy = study.Slug;
        access.KeyLabel = hostile;
        if (await access.IssueApiKeyAsync(admin))
        {
            Assert.Contains(access.View!.ApiKeys, key => key.Label == hostile.Trim() || key.Label == TextNormalization.CollapseWhitespace(hostile) || key.Label == hostile);
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(access.Message));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Hostile_text_in_the_moderation_forms_and_the_audit_search_is_refused_or_kept(string name)
    {
        var hostile = HostileStrings.Get(name);
        var admin = await app.AdministratorAsync();
        var script = await app.StudyAsync("moderation-" + Guid.NewGuid().ToString("N")[..8]);
        await app.AppendAsync(script.Join("p-1"), script.Choose("p-1"), script.ReachReview("p-1"), script.Card("p-1", "card-1", "Gentle presence"));
        var moderation = new ModerationPageState(app.Get<StudyModeration>(), app.Get<IStringLocalizer<ConsoleText>>());
        await moderation.LoadAsync(admin, script.Slug);

        moderation.Reasons["card-1"] = hostile;
        var hidden = await moderation.HideAsync(admin, "card-1");
        Assert.False(string.IsNullOrWhiteSpace(moderation.Message));
        if (hidden)
        {
            Assert.Contains(await app.EventsAsync(script.Slug), e => e is CardHidden h && h.Reason == TextNormalization.CollapseWhitespace(hostile) || e is CardHidden h2 && h2.Reason == hostile.Trim());
        }

        moderation.Announcement = hostile;
        await moderation.AnnounceAsync(admin);
        Assert.False(string.IsNullOrWhiteSpace(moderation.Message));

        var audit = new AuditPageState(app.Get<AuditTrail>());
        await audit.LoadAsync(admin, script.Slug);
        audit.Text = hostile;
        audit.Actor = hostile;
        var found = audit.Page(0, 50).Items;
        // Blank filters filter nothing; any other hostile text matches no event of this study.
        Assert.Equal(string.IsNullOrWhiteSpace(hostile), found.Count > 0);
    }

    [Theory]
    [InlineData("questions", "questions:\n  - null\n")]
    [InlineData("contexts", "questions:\n  - id: q\n    prompt: Why?\n    contexts: [null]\n")]
    [InlineData("seedValues", "questions:\n  - id: q\n    prompt: Why?\n    contexts: [{text: c}]\nseedValues: [null]\n")]
    [InlineData("redLines", "questions:\n  - id: q\n    prompt: Why?\n    contexts: [{text: c}]\nredLines: [null]\n")]
    [InlineData("inviteCodes", "questions:\n  - id: q\n    prompt: Why?\n    contexts: [{text: c}]\ninviteCodes: [null]\n")]
    [InlineData("languages", "questions:\n  - id: q\n    prompt: Why?\n    contexts: [{text: c}]\nlanguages: [null]\n")]
    [InlineData("policies", "questions:\n  - id: q\n    prompt: Why?\n    contexts: [{text: c}]\nseedValues: [{question: q, title: Calm care, description: Be calm., policies: [null]}]\n")]
    public async Task A_null_entry_in_a_pasted_definition_is_a_problem_on_the_page_not_a_lost_circuit(string list, string rest)
    {
        var admin = await app.AdministratorAsync();
        var page = new StudiesPageState(app.Get<StudyAdministration>()) { Yaml = "slug: nulls\ntitle: Nulls\n" + rest };

        Assert.Null(await page.CreateAsync(admin));

        Assert.Contains(page.Problems, problem => problem.Field.Contains(list, StringComparison.Ordinal));
        Assert.Contains(page.Problems, problem => problem.Message.Contains("empty", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(300 * 1024)]
    [InlineData(10 * 1024 * 1024)]
    public async Task An_upload_over_the_limit_is_named_on_the_page_not_dropped(int bytes)
    {
        var page = new StudiesPageState(app.Get<StudyAdministration>()) { Yaml = "kept: what was typed before" };

        await page.UploadAsync(new UploadedFile("big.yaml", bytes));

        var problem = Assert.Single(page.Problems);
        Assert.Contains("big.yaml", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"{StudyAdministration.MaxYamlLength / 1024} KB", problem.Message, StringComparison.Ordinal);
        Assert.Equal("kept: what was typed before", page.Yaml);
    }

    [Fact]
    public void The_console_upload_hands_every_file_to_the_page_which_names_one_over_the_limit()
    {
        // MudFileUpload's own MaxFileSize dropped a larger file before the page saw it, without a word.
        var markup = File.ReadAllText(MoralGraph.Tests.RepositoryFiles.PathOf("src/MoralGraph.Web/Components/Pages/Console/ConsoleStudies.razor"));
        Assert.DoesNotContain("MaxFileSize", markup, StringComparison.Ordinal);
    }

    private sealed class UploadedFile(string name, long size) : IBrowserFile
    {
        public string Name => name;

        public DateTimeOffset LastModified => DateTimeOffset.UnixEpoch;

        public long Size => size;

        public string ContentType => "application/yaml";

        public Stream OpenReadStream(long maxAllowedSize = 512000, CancellationToken cancellationToken = default) =>
            size > maxAllowedSize ? throw new IOException($"Supplied file with size {size} bytes exceeds the maximum of {maxAllowedSize} bytes.") : new MemoryStream(new byte[size]);
    }
}
