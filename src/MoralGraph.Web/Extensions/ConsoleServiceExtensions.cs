using Microsoft.Extensions.DependencyInjection.Extensions;
using MoralGraph.Core.Deduplication;
using MoralGraph.Web.Console;

namespace MoralGraph.Web.Extensions;

/// <summary>The facilitators' console: study management, moderation, audit, exports and access administration.</summary>
public static class ConsoleServiceExtensions
{
    /// <summary>
    /// The console's services. Each checks the signed-in facilitator's role itself before acting, whatever the page
    /// showed. Needs the storage, the facilitator access and the live session's study states
    /// (<c>AddLiteDbStorage</c>, <c>AddFacilitatorAccess</c>, <c>AddLiveSession</c>).
    /// </summary>
    public static IHostApplicationBuilder AddFacilitatorConsole(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        // The offline deduplicator fills the moderation review queue; an LLM-backed one can replace it by registering first.
        services.TryAddSingleton<IValueDeduplicator>(_ => new LexicalValueDeduplicator());
        services.AddSingleton<ModerationService>();
        services.AddSingleton<StudyModeration>();
        services.AddSingleton<ConsoleAuthorization>();
        services.AddSingleton<StudyAdministration>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<ExportConsole>();
        services.AddSingleton<ReleaseConsole>();
        services.AddSingleton<EvaluationConsole>();
        services.AddSingleton<AccessAdministration>();
        services.AddSingleton<ConsoleNavigation>();
        // Lists and decides proposed contexts always; starts model jobs only when AddLanguageModels registered a model.
        services.AddSingleton<ContextProposals>();
        services.AddSingleton<ModelUsageReport>();

        // One per circuit: what one console page shows.
        services.AddScoped<StudiesPageState>();
        services.AddScoped<SettingsPageState>();
        services.AddScoped<AuditPageState>();
        services.AddScoped<ExportsPageState>();
        services.AddScoped<ReleasesPageState>();
        services.AddScoped<EvaluationPageState>();
        services.AddScoped<AccessPageState>();
        services.AddScoped<ModerationPageState>();
        return builder;
    }
}
