using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Access;
using MoralGraph.Web.Tests.Participation;

namespace MoralGraph.Web.Tests.HostileInput;

/// <summary>
/// One running app for the hostile-input suite: a study taking cards and one in voting, an owner, and a log of every
/// response so the suite can say at the end that none was a server error. The participant limit is off: the suite
/// sends far more than a person would, from one participant at a time. It runs as in production (exception handler,
/// no developer page), where the sweep found its 500s.
/// </summary>
public sealed class HostileAppFixture : IAsyncLifetime
{
    public const string Interviewing = "hostile-cards";
    public const string Voting = "hostile-votes";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public MoralGraphAppFactory Factory { get; } = new MoralGraphAppFactory()
        .WithStudyFile("cards.yaml", JourneyAppFixture.StudyYaml(Interviewing, "interviewing"))
        .WithStudyFile("votes.yaml", JourneyAppFixture.StudyYaml(Voting, "voting"))
        .WithSetting("ParticipantApiOptions:PerParticipantPerMinute", "0")
        .WithSetting("ParticipantApiOptions:PerAddressPerMinute", "0")
        .WithSetting("environment", "Production");

    /// <summary>No cookies, redirects shown as sent.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>Signed in as the owner of every study.</summary>
    public HttpClient Owner { get; private set; } = null!;

    public IEventLog Log => Factory.Services.GetRequiredService<IEventLog>();

    public async Task InitializeAsync()
    {
        Anonymous = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        Owner = await Factory.OwnerClientAsync();
    }

    /// <summary>
    /// After the whole run: the event log's hash chain verifies (what <c>moralgraph audit verify</c> checks) and the app
    /// logged no unhandled exception. A failure here fails the run as a fixture clean-up failure.
    /// </summary>
    public async Task DisposeAsync()
    {
        try
        {
            var problems = await AfterTheRunAsync();
            if (problems.Count > 0)
            {
                throw new InvalidOperationException("After the hostile-input run: " + string.Join(Environment.NewLine, problems));
            }
        }
        finally
        {
            Anonymous.Dispose();
            Owner.Dispose();
            await Factory.DisposeAsync();
        }
    }

    /// <summary>What is wrong after the run so far: a broken audit chain, or an unhandled exception the app logged.</summary>
    public async Task<List<string>> AfterTheRunAsync()
    {
        var problems = new List<string>();
        var chain = await Log.VerifyAsync();
        if (!chain.IsIntact)
        {
            problems.Add($"the audit chain breaks at event {chain.FirstBrokenSequence}: {chain.Problem}");
        }

        problems.AddRange(Factory.Logs.Entries
            .Where(entry => entry.Level >= Microsoft.Extensions.Logging.LogLevel.Error
                && (entry.Message.Contains("unhandled", StringComparison.OrdinalIgnoreCase) || entry.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)))
            .Select(entry => $"{entry.Category}: {entry.Message}"));
        return problems;
    }

    public static string ApiUrl(string slug, string path) => $"/api/v1/studies/{Uri.EscapeDataString(slug)}/participation/{path}";

    /// <summary>A new participant of <paramref name="slug"/> and their bearer token.</summary>
    public async Task<JoinResponse> JoinAsync(string slug)
    {
        using var response = await Anonymous.PostAsJsonAsync(ApiUrl(slug, "join"), new JoinRequest(true, null));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JoinResponse>(Json))!;
    }

    /// <summary>Sends <paramref name="json"/> (already serialized, so the suite controls every byte) as a participant.</summary>
    public async Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string url, string? token, string? json)
    {
        using var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        var response = await Anonymous.SendAsync(request);
        await HostileAssert.NoServerErrorAsync(response, $"{method} {url}");
        return response;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Json))!;
}
