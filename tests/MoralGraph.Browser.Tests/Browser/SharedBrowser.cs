namespace MoralGraph.Browser.Tests.Browser;

/// <summary>
/// Every browser test class belongs here: they share one Chromium and run one after another, so a 2-core machine is
/// not asked to drive several browsers and servers at once.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedBrowser : ICollectionFixture<ChromiumBrowser>
{
    public const string Name = "Browser";
}
