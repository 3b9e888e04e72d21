using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MoralGraph.Web.Tests.Console;

/// <summary>The console's strings as the app reads them (Resources/ConsoleText*.resx), for tests that build page models without the app.</summary>
internal static class ConsoleLocalizer
{
    public static IStringLocalizer<ConsoleText> Create() => new StringLocalizer<ConsoleText>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance));
}
