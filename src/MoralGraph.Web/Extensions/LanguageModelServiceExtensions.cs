using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Deduplication;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Interview;
using MoralGraph.LanguageModels.Articulation;
using MoralGraph.LanguageModels.Calls;
using MoralGraph.LanguageModels.Configuration;
using MoralGraph.LanguageModels.Contexts;
using MoralGraph.LanguageModels.Deduplication;
using MoralGraph.LanguageModels.Interview;
using MoralGraph.LanguageModels.Jobs;
using MoralGraph.LanguageModels.Moderation;
using MoralGraph.LanguageModels.Stories;
using MoralGraph.LanguageModels.Translation;
using MoralGraph.Web.Assistance;

namespace MoralGraph.Web.Extensions;

/// <summary>
/// Model-assisted elicitation, switched on by the <c>LanguageModel</c> section (<see cref="LanguageModelOptions"/>). With no
/// provider configured nothing here is registered and the app runs on its embedded defaults. Call before
/// <c>AddParticipantJourney</c> and <c>AddFacilitatorConsole</c>: the model-backed capabilities registered here take
/// the places their embedded defaults would.
/// </summary>
public static class LanguageModelServiceExtensions
{
    /// <summary>The named HTTP client every model call uses, with its resilience handler.</summary>
    public const string HttpClientName = "MoralGraph.LanguageModel";

    /// <summary>Binds and validates the options and, when a provider is configured, registers the clients and capabilities.</summary>
    public static IHostApplicationBuilder AddLanguageModels(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<LanguageModelOptions>().BindConfiguration("LanguageModel").ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection("LanguageModel").Get<LanguageModelOptions>() ?? new LanguageModelOptions();
        if (!options.IsEnabled)
        {
            return builder;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HttpClientName).AddStandardResilienceHandler().Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
        {
            var configured = provider.GetRequiredService<IOptions<LanguageModelOptions>>().Value;
            resilience.Retry.MaxRetryAttempts = Math.Max(configured.MaxRetries, 1);
            resilience.Retry.ShouldHandle = configured.MaxRetries == 0 ? _ => ValueTask.FromResult(false) : resilience.Retry.ShouldHandle;
            // A streamed interview reply can take a while; ModelCalls bounds the whole call, these bound each attempt.
            resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(configured.TimeoutSeconds);
            resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(configured.TimeoutSeconds * (configured.MaxRetries + 1) + 5);
            resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(configured.TimeoutSeconds * 2, 30));
        });
        services.TryAddSingleton(provider => LanguageModelClients.CreateChatClient(
            provider.GetRequiredService<IOptions<LanguageModelOptions>>().Value, provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        if (!string.IsNullOrWhiteSpace(options.EmbeddingModel))
        {
            services.TryAddSingleton(provider => LanguageModelClients.CreateEmbeddingGenerator(
                provider.GetRequiredService<IOptions<LanguageModelOptions>>().Value, provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName))!);
        }

        services.AddSingleton<ModelBudget>();
        services.AddSingleton(provider => new ModelCalls(
            provider.GetRequiredService<IChatClient>(), provider.GetRequiredService<MoralGraph.Core.Events.IEventLog>(), provider.GetRequiredService<ModelBudget>(),
            provider.GetRequiredService<IOptions<LanguageModelOptions>>(), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<ModelCalls>>(),
            provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>()));
        services.AddSingleton<ModelJobBoard>();
        services.AddHostedService<ModelJobService>();

        // Capabilities (each replaces or adds to an embedded default):

        // Interviewer: the model leads the interview; the guided script is its fallback (registered as itself for that).
        services.TryAddSingleton<GuidedInterviewer>();
        services.TryAddSingleton<IInterviewer, ModelInterviewer>();

        // Deduplication judge: embeddings choose candidates, the model judges them in a background job (the console's
        // "propose merges" queues it); its merges are proposals for review, never merged silently.
        services.AddSingleton<ModelValueDeduplicator>();
        services.TryAddSingleton<IValueDeduplicator>(provider => provider.GetRequiredService<ModelValueDeduplicator>());
        services.AddSingleton<ModelDeduplicationJobs>();

        // Transition stories and contexts: written and proposed in the background, when a facilitator asks (console),
        // when a study moves to voting (stories) and when an interview ends (contexts from its transcript).
        services.AddSingleton<ModelTransitionStoryGenerator>();
        services.AddSingleton<ModelContextProposer>();
        services.AddHostedService<ModelJobTriggers>();

        // Card articulation and critique (2), and the moderation pass over submitted cards (6).
        services.AddSingleton<ICardCritic, ModelCardCritic>();
        services.AddSingleton<ModelCardModerator>();

        // Translations of values into the study's other languages, shown beside the original when voting (16), queued
        // when a study moves to voting and when a card arrives in a study of several languages.
        services.AddSingleton<ModelValueTranslator>();
        return builder;
    }
}
