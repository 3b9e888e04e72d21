using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Localization;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Text;
using MoralGraph.Core.Voting;
using MoralGraph.Storage.EventLog;
using MoralGraph.Storage.Snapshots;
using MoralGraph.Web.Access;
using MoralGraph.Web.Api;
using MoralGraph.Web.Components;
using MoralGraph.Web.Hosting;
using MoralGraph.Web.Localization;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Security;
using MoralGraph.Web.Seeding;
using MoralGraph.Web.Studies;
using MudBlazor.Services;

namespace MoralGraph.Web.Extensions;

/// <summary>How the app is put together; <c>Program.cs</c> only calls these.</summary>
public static class MoralGraphServiceExtensions
{
    /// <summary>
    /// The event log in one LiteDB file (<see cref="StorageOptions"/>), shared by every request and circuit as
    /// <see cref="IEventLog"/> and <see cref="IStudyCatalog"/>, with the <see cref="StudyRepository"/> over it.
    /// </summary>
    public static IHostApplicationBuilder AddLiteDbStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Precedence: configuration (appsettings, StorageOptions__DatabasePath, --StorageOptions:DatabasePath)
        // over MORALGRAPH_DB (shared with the CLI) over the default data/moralgraph.db.
        builder.Services.AddOptions<StorageOptions>()
            .Configure(options =>
            {
                if (Environment.GetEnvironmentVariable("MORALGRAPH_DB") is { Length: > 0 } shared)
                {
                    options.DatabasePath = shared;
                }
            })
            .BindConfiguration(nameof(StorageOptions))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // One instance owns the file: LiteDbEventLog's single writer thread is what keeps the hash chain whole.
        builder.Services.AddSingleton(services => new LiteDbEventLog(DatabasePath(services)));
        builder.Services.AddSingleton<IEventLog>(services => services.GetRequiredService<LiteDbEventLog>());
        builder.Services.AddSingleton<IStudyCatalog>(services => services.GetRequiredService<LiteDbEventLog>());
        builder.Services.AddSingleton<StudyRepository>();
        builder.Services.AddOptions<StudyStatesOptions>().BindConfiguration(nameof(StudyStatesOptions)).ValidateDataAnnotations().ValidateOnStart();

        // Snapshots of the live study states, a cache of the log kept beside it (data/snapshots/).
        builder.Services.AddSingleton<IStudySnapshotStore>(services => new FileStudySnapshotStore(FileStudySnapshotStore.FolderBeside(DatabasePath(services))));
        builder.Services.TryAddSingleton(TimeProvider.System);

        // One instance owns a LiteDB file, so its background work needs no one else's leave.
        builder.Services.TryAddSingleton<IWorkLeases, InProcessWorkLeases>();
        return builder;
    }

    /// <summary>The store's file. In a checkout, relative paths resolve against the repository root, so the app (which
    /// <c>dotnet run</c> starts in its project folder) and <c>moralgraph</c> run from the root share data/moralgraph.db.
    /// Elsewhere (a published app) they resolve against the content root.</summary>
    private static string DatabasePath(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var environment = services.GetRequiredService<IHostEnvironment>();
        var baseFolder = StudySeedOptions.FindRepositoryRoot(environment.ContentRootPath) ?? environment.ContentRootPath;
        return Path.GetFullPath(options.DatabasePath, baseFolder);
    }

    /// <summary>
    /// The participant journey: consent, interview (the embedded guided interviewer), card, voting, survey, withdrawal.
    /// Participant cookies are encrypted with data-protection keys kept in a <c>keys</c> folder beside the store, so
    /// a restarted server still recognises its participants.
    /// </summary>
    public static IHostApplicationBuilder AddParticipantJourney(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddLocalization(options => options.ResourcesPath = "Resources");
        builder.Services.AddDataProtection().SetApplicationName("MoralGraph");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, services) =>
        {
            // A shared store brings its own key ring (every instance must read every cookie); a LiteDB file keeps it beside it.
            options.XmlRepository = services.GetService<IXmlRepository>() ?? new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(Path.GetDirectoryName(DatabasePath(services))!, "keys")), services.GetRequiredService<ILoggerFactory>());
        });
        builder.Services.AddSingleton<ParticipantCookies>();
        builder.Services.AddScoped<ParticipantSessions>();
        builder.Services.AddSingleton<IPhrasebook, LocalizedPhrasebook>();
        builder.Services.AddSingleton<StudyLanguageCache>();
        builder.Services.TryAddSingleton<IInterviewer, GuidedInterviewer>();
        builder.Services.TryAddSingleton<ITransitionStoryWriter, TemplateTransitionStoryWriter>();
        builder.Services.TryAddSingleton<ICardCritic, RuleCardCritic>();
        builder.Services.AddScoped<CardSuggestions>();
        builder.Services.AddSingleton<ParticipationService>();
        builder.Services.AddParticipantApi();
        return builder;
    }

    /// <summary>Imports the study definitions of a folder (<see cref="StudySeedOptions"/>) when the store starts empty.</summary>
    public static IHostApplicationBuilder AddStudySeeding(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<StudySeedOptions>().BindConfiguration(nameof(StudySeedOptions));
        builder.Services.AddHostedService<StudySeeder>();
        return builder;
    }

    /// <summary>The largest message a browser may send over its circuit (a typed or pasted field travels in one).</summary>
    public const long MaximumCircuitMessageBytes = 1024 * 1024;

    /// <summary>The Blazor Server pages (MudBlazor), the HTTP API with problem details, and its OpenAPI document.</summary>
    public static IHostApplicationBuilder AddMoralGraphWeb(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // SignalR's 32 KB default closed the circuit on a study definition of 20 KB or a long pasted field, losing it
        // without a word; 1 MB carries the largest study file the console takes (256 KB, up to 3 bytes a character), so
        // what is too long reaches the server and is refused there with a message.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(options => options.MaximumReceiveMessageSize = MaximumCircuitMessageBytes);
        builder.Services.AddMudServices();
        // MudBlazor speaks English only; its components' own words come from ComponentText in the page's language.
        builder.Services.AddTransient<MudBlazor.MudLocalizer, ComponentTextLocalizer>();
        builder.Services.AddScoped<StudyListState>();

        builder.Services.AddProblemDetails();
        // The bearer scheme of API keys and participant tokens, and the operations that need it.
        builder.Services.AddOpenApi(options => options.AddBearerSecurity());
        // Phases read as in the study files ("interviewing"), not as enum numbers.
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        return builder;
    }

    /// <summary>The request pipeline and every endpoint: pages, API, schema and OpenAPI document.</summary>
    public static WebApplication MapMoralGraphWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // First, so everything after it (cookies, redirects, the sign-in throttle) sees the client's scheme and address.
        app.UseForwardedHeaders();
        // Next, so every response has them, error pages included.
        app.UseSecurityHeaders();
        app.UseHostRequired();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // Before anything reads a body (antiforgery, form and JSON binding); after the status pages, so its 413 problem
        // document is what the client gets.
        app.UseRequestBodyLimits();
        // The culture cookie alone decides a request's language here: it is what the participant pages (and the circuits
        // they open, whose path names no study) are in. Participant pages then choose from their study's languages.
        app.UseRequestLocalization(options =>
        {
            var languages = ParticipantLanguages.Supported.ToArray();
            options.SetDefaultCulture(ParticipantLanguages.Default).AddSupportedCultures(languages).AddSupportedUICultures(languages);
            options.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });
        app.UseParticipantLanguage();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.UseAntiforgeryRefusal();

        // Every endpoint needs a signed-in facilitator unless marked otherwise (StudyAccess's fallback policy);
        // the public ones are marked here and on the pages, and EndpointAccessTests (Web.Tests) holds the list.
        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapStudyEndpoints();
        app.MapReleaseEndpoints();
        app.MapParticipantEndpoints();
        app.MapLanguageChoice();
        app.MapParticipantApi();
        app.MapLiveSession();
        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode()
            .Add(endpoint =>
            {
                // Blazor's own plumbing (the circuit hub, _framework scripts and redirects) serves participants too;
                // pages decide for themselves through their [Authorize]/[AllowAnonymous] attributes.
                if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route }
                    && (route.TrimStart('/').StartsWith("_blazor", StringComparison.Ordinal) || route.TrimStart('/').StartsWith("_framework", StringComparison.Ordinal)))
                {
                    endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
                }
            });
        return app;
    }
}
