using MoralGraph.Browser.Tests.Server;

namespace MoralGraph.Browser.Tests.Deploy;

/// <summary>The build output (bin/) started in Production from its project folder, as <c>dotnet run -c Release</c> outside Development starts it.</summary>
public sealed class ProductionMoralGraphServer : MoralGraphServer
{
    protected override void ConfigureEnvironment(IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["DOTNET_ENVIRONMENT"] = "Production";
    }
}
