using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Elicitation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Synthetic;
using MoralGraph.LanguageModels.Articulation;
using MoralGraph.LanguageModels.Configuration;
using MoralGraph.Testing.LanguageModels;
using MoralGraph.Web.Assistance;
using MoralGraph.Web.Extensions;
using MoralGraph.Web.Live;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.Configuration;

/// <summary>
/// The <c>LanguageModel</c> section as the README documents it: what binds, which client it makes and where that client
/// points, what refuses to start, and that the key never shows in the options' description, the start-up log, the store
/// or an export.
/// </summary>
public sealed class LanguageModelConfigurationTests
{
    private const string Key = "sk-test-DO-NOT-LEAK-5b1f0c";

    [Fact]
    public async Task Ollama_with_a_chat_model_binds_and_its_client_points_at_the_local_ollama_with_that_model()
    {
        await using var app = new MoralGraphAppFactory()
            .WithSetting("LanguageModel:Provider", "Ollama")
            .WithSetting("LanguageModel:ChatModel", "llama3.1:8b");

        var options = app.Services.GetRequiredService<IOptions<LanguageModelOptions>>().Value;
        var client = app.Services.GetRequiredService<IChatClient>();

        Assert.Equal((LanguageModelProvider.Ollama, "llama3.1:8b", null), (options.Provider, options.ChatModel, options.Endpoint));
        var metadata = Assert.IsType<ChatClientMetadata>(client.GetService(typeof(ChatClientMetadata)));
        Assert.Equal("http://localhost:11434/v1", metadata.ProviderUri!.ToString().TrimEnd('/'));
        Assert.Equal("llama3.1:8b", metadata.DefaultModelId);
        Assert.False(string.IsNullOrEmpty(metadata.ProviderName));
        Assert.IsType<ModelCardCritic>(app.Services.GetRequiredService<ICardCritic>());
    }

    [Fact]
    public void The_environment_variable_form_binds_the_same_options()
    {
        // A prefix of this test's own, so no other test (or the app) sees these variables.
        const string Prefix = "MGTEST_LM_ENV_";
        var variables = new Dictionary<string, string>
        {
            [$"{Prefix}LanguageModel__Provider"] = "Ollama",
            [$"{Prefix}LanguageModel__ChatModel"] = "llama3.1:8b",
            [$"{Prefix}LanguageModel__ApiKey"] = Key,
            [$"{Prefix}LanguageModel__TokenBudgetPerStudy"] = "50000",
        };
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddEnvironmentVariables(Prefix);
            builder.AddLanguageModels();
            using var host = builder.Build();

            var options = host.Services.GetRequiredService<IOptions<LanguageModelOptions>>().Value;
            Assert.Equal((LanguageModelProvider.Ollama, "llama3.1:8b", Key, 50_000L), (options.Provider, options.ChatModel, options.ApiKey, options.TokenBudgetPerStudy));
            var metadata = host.Services.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>();
            Assert.Equal("llama3.1:8b", metadata!.DefaultModelId);
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    [Fact]
    public async Task An_openai_compatible_server_is_reached_at_its_endpoint()
    {
        await using var app = new MoralGraphAppFactory()
            .WithSetting("LanguageModel:Provider", "OpenAI")
            .WithSetting("LanguageModel:Endpoint", "http://gpu-box.local:8000/v1/")
            .WithSetting("LanguageModel:ChatModel", "Qwen/Qwen2.5-7B-Instruct");

        var metadata = app.Services.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>()!;

        Assert.Equal("http://gpu-box.local:8000/v1", metadata.ProviderUri!.ToString().TrimEnd('/'));
        Assert.Equal("Qwen/Qwen2.5-7B-Instruct", metadata.DefaultModelId);
    }

    [Fact]
    public async Task A_provider_without_a_chat_model_fails_at_start_naming_the_setting()
    {
        await using var app = new MoralGraphAppFactory().WithSetting("LanguageModel:Provider", "Ollama");

        var failure = Assert.Throws<OptionsValidationException>(() => app.Services);

        Assert.Contains("LanguageModel:ChatModel", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_token_timeout_longer_than_the_whole_reply_timeout_fails_at_start_naming_both()
    {
        await using var app = new MoralGraphAppFactory()
            .WithSetting("LanguageModel:Provider", "Ollama")
            .WithSetting("LanguageModel:ChatModel", "llama3.1:8b")
            .WithSetting("LanguageModel:TimeoutSeconds", "20")
            .WithSetting("LanguageModel:FirstTokenTimeoutSeconds", "30");

        var failure = Assert.Throws<OptionsValidationException>(() => app.Services);

        Assert.Contains("LanguageModel:FirstTokenTimeoutSeconds (30) must not exceed LanguageModel:TimeoutSeconds (20)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_openai_without_an_endpoint_fails_at_start_naming_the_endpoint()
    {
        await using var app = new MoralGraphAppFactory()
            .WithSetting("LanguageModel:Provider", "AzureOpenAI")
            .WithSetting("LanguageModel:ChatModel", "my-gpt-4o-deployment")
            .WithSetting("LanguageModel:ApiKey", Key);

        var failure = Assert.Throws<OptionsValidationException>(() => app.Services);

        Assert.Contains("LanguageModel:Endpoint", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_provider_no_chat_client_is_registered_and_the_embedded_defaults_run()
    {
        await using var app = new MoralGraphAppFactory();

        Assert.Null(app.Services.GetService<IChatClient>());
        Assert.IsType<GuidedInterviewer>(app.Services.GetRequiredService<IInterviewer>());
        Assert.IsType<RuleCardCritic>(app.Services.GetRequiredService<ICardCritic>());
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s is ModelJobTriggers or MoralGraph.LanguageModels.Jobs.ModelJobService);
    }

    [Fact]
    public void The_options_description_leaves_the_key_out()
    {
        var options = new LanguageModelOptions { Provider = LanguageModelProvider.OpenAI, ChatModel = "gpt-4.1-mini", ApiKey = Key };

        Assert.DoesNotContain(Key, options.ToString(), StringComparison.Ordinal);
        Assert.Contains("key set", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_key_is_in_no_startup_log_no_stored_event_and_no_export_even_after_model_calls()
    {
        var chat = new ScriptedChatClient().Reply("{\"problems\": []}");
        await using var app = new MoralGraphAppFactory()
            .WithSetting("LanguageModel:Provider", "OpenAI")
            .WithSetting("LanguageModel:ChatModel", "gpt-4.1-mini")
            .WithSetting("LanguageModel:ApiKey", Key)
            .WithServices(services =>
            {
                services.AddSingleton<IChatClient>(chat);
                // The demo's cards would queue moderation and context jobs that race the critique for the one scripted answer.
                foreach (var trigger in services.Where(d => d.ImplementationType == typeof(ModelJobTriggers)).ToList())
                {
                    services.Remove(trigger);
                }
            });
        using var client = await app.OwnerClientAsync();
        var events = await DemoStudy.CreateAsync("demo", participantCount: 6, seed: 3, start: new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await app.Services.GetRequiredService<IEventLog>().AppendAllAsync(events);
        // A model call, so the study holds a usage event with its provenance.
        await app.Services.GetRequiredService<ICardCritic>().CritiqueAsync("demo", new CardDraft("Room to decide", "It waits.", ["MOMENTS when the user hesitates"]), "en");

        Assert.NotEmpty(app.Logs.Entries);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains(Key, StringComparison.Ordinal));
        var stored = await app.Services.GetRequiredService<IEventLog>().ReadStudyAsync("demo");
        Assert.Contains(stored, r => r.Event is MoralGraph.Core.Assistance.ModelUsageRecorded);
        Assert.DoesNotContain(stored, r => EventHashChain.Serialize(r.Event).Contains(Key, StringComparison.Ordinal));
        foreach (var format in new[] { "json", "graphml", "csv", "md", "mai" })
        {
            using var response = await client.GetAsync($"/api/studies/demo/export?format={format}");
            response.EnsureSuccessStatusCode();
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.True(bytes.Length > 200, $"the {format} export should hold the study");
            Assert.DoesNotContain(Key, TextOf(bytes, format), StringComparison.Ordinal);
        }
    }

    // A zip's entries are compressed: read them out.
    private static string TextOf(byte[] bytes, string format)
    {
        if (format != "csv")
        {
            return Encoding.UTF8.GetString(bytes);
        }

        using var zip = new ZipArchive(new MemoryStream(bytes));
        var text = new StringBuilder();
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
    }
}
