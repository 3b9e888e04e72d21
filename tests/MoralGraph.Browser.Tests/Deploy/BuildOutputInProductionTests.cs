namespace MoralGraph.Browser.Tests.Deploy;

/// <summary>
/// The build output outside Development serves the static files too: they are not in its project's <c>wwwroot</c> but
/// listed in the build's manifest, which ASP.NET Core reads only in Development unless the app asks for it. Each used
/// to answer 500.
/// </summary>
[Collection(DeployedApp.Name)]
public sealed class BuildOutputInProductionTests(ProductionMoralGraphServer server) : IClassFixture<ProductionMoralGraphServer>, IDisposable
{
    private readonly HttpClient _client = new() { BaseAddress = server.BaseAddress };

    [Theory]
    [MemberData(nameof(StaticFiles.EveryPageNeeds), MemberType = typeof(StaticFiles))]
    public async Task Every_static_file_is_served_outside_Development(string path, string mediaType)
    {
        await StaticFiles.AssertServedAsync(_client, path, mediaType);
    }

    public void Dispose() => _client.Dispose();
}
