namespace MoralGraph.Browser.Tests.Deploy;

/// <summary>
/// The tests of the app as it is deployed (a Release publish, Production). They run alone, after the browser tests:
/// a publish takes both cores of the machine for half a minute, which would skew the browser tests' timings.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DeployedApp
{
    public const string Name = "Deploy";
}
