using System.Text.Json;

namespace MoralGraph.Browser.Tests.Journey;

/// <summary>What the journey tests read from a study's JSON export (<see cref="ExampleStudy.ExportPath"/>).</summary>
/// <param name="Votes">The export's vote count (<c>counts.votes</c>).</param>
/// <param name="ValueTitles">The title of every value in it, participants' cards included.</param>
public sealed record StudyExport(int Votes, IReadOnlyList<string> ValueTitles)
{
    /// <summary>Downloads the example study's export through <paramref name="api"/>: the request context of a page signed in as a facilitator.</summary>
    public static async Task<StudyExport> FetchAsync(IAPIRequestContext api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var response = await api.GetAsync(ExampleStudy.ExportPath);
        Assert.True(response.Ok, $"GET {ExampleStudy.ExportPath} answered {response.Status}: {await response.TextAsync()}");
        using var json = JsonDocument.Parse(await response.BodyAsync());
        var root = json.RootElement;
        return new StudyExport(
            root.GetProperty("counts").GetProperty("votes").GetInt32(),
            [.. root.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("title").GetString() ?? string.Empty)]);
    }
}
