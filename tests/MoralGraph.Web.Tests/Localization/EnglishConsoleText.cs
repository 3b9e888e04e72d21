using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace MoralGraph.Web.Tests.Localization;

/// <summary>The console's strings as the app reads them (its embedded <c>Resources/ConsoleText.resx</c>), outside a host.</summary>
internal static class EnglishConsoleText
{
    public static IStringLocalizer<ConsoleText> Localizer { get; } = new ServiceCollection()
        .AddLogging()
        .AddLocalization(options => options.ResourcesPath = "Resources")
        .BuildServiceProvider()
        .GetRequiredService<IStringLocalizer<ConsoleText>>();
}
