using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace MoralGraph.Web.Tests.Localization;

/// <summary>The journey's strings as the app reads them (its embedded <c>Resources/JourneyText.resx</c>), outside a host.</summary>
internal static class EnglishJourneyText
{
    public static IStringLocalizer<JourneyText> Localizer { get; } = new ServiceCollection()
        .AddLogging()
        .AddLocalization(options => options.ResourcesPath = "Resources")
        .BuildServiceProvider()
        .GetRequiredService<IStringLocalizer<JourneyText>>();

    /// <summary>The English string for <paramref name="key"/>, failing the test when there is none.</summary>
    public static string Text(string key, params object[] arguments)
    {
        var text = Localizer[key, arguments];
        Assert.False(text.ResourceNotFound, $"JourneyText has no '{key}'.");
        return text.Value;
    }
}
