using System.Globalization;
using System.Reflection;
using System.Resources;
using MoralGraph.Core.Assistance;
using MoralGraph.LanguageModels.Contexts;
using MoralGraph.LanguageModels.Moderation;
using MoralGraph.LanguageModels.Stories;
using MoralGraph.LanguageModels.Translation;

namespace MoralGraph.Web.Tests.Console;

/// <summary>
/// The model-use panel names each capability and each background job in the facilitator's language: a capability or
/// job kind added without its words would show its code ("translations") on a Spanish or Arabic console.
/// </summary>
public sealed class ModelWorkNamesTests
{
    private static readonly ResourceManager ConsoleResources = new("MoralGraph.Web.Resources.ConsoleText", typeof(ConsoleText).Assembly);

    public static TheoryData<string> Languages() => ["en", "es", "ar"];

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_model_capability_and_job_kind_has_a_name_in_each_language(string language)
    {
        var capabilities = typeof(ModelCapabilities).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Contains(ModelCapabilities.Translation, capabilities);
        string[] jobKinds = [ModelValueTranslator.JobKind, ModelCardModerator.JobKind, ModelContextProposer.JobKind, ModelTransitionStoryGenerator.JobKind];

        var culture = language == "en" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(language);
        var names = ConsoleResources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!;
        var unnamed = capabilities.Concat(jobKinds).Distinct().Where(kind => string.IsNullOrWhiteSpace(names.GetString($"Usage.Kind.{kind}"))).ToList();

        Assert.Empty(unnamed);
    }
}
