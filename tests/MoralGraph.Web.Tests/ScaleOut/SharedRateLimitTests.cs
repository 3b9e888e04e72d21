using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Tests.Servers;
using MoralGraph.Web.Participation;
using MoralGraph.Web.ScaleOut;
using MoralGraph.Web.Security;

namespace MoralGraph.Web.Tests.ScaleOut;

/// <summary>The participant API's limits hold when a participant's (or an address's) requests are spread over the instances.</summary>
[Collection(SharedRedisServer.Name)]
public sealed class SharedRateLimitTests(RedisServer redis)
{
    // Six a minute: a bucket of six, refilled one every ten seconds, far longer than the test takes.
    private const int Limit = 6;

    [Fact]
    public async Task A_participant_alternating_between_instances_is_limited_by_their_total()
    {
        await using var cluster = new ScaleOutCluster(redis.ConnectionString, app => app
            .WithSetting("ParticipantApiOptions:PerParticipantPerMinute", Limit.ToString(CultureInfo.InvariantCulture)));
        Assert.IsType<RedisTokenBucketPartitions>(cluster.First.Services.GetRequiredService<ITokenBucketPartitions>());
        using var first = Client(cluster.First);
        using var second = Client(cluster.Second);
        var token = await JoinAsync(first);

        // Alternating, neither instance sees more than four of the seven: only a shared count refuses the seventh.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var request = 0; request <= Limit; request++)
        {
            var response = await MeAsync(request % 2 == 0 ? first : second, token);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(Limit));
        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[Limit]);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 10);
        refused.Dispose();

        // Another participant is not held up.
        var other = await JoinAsync(second);
        using var calm = await MeAsync(second, other);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, calm.StatusCode);
    }

    [Fact]
    public async Task An_address_alternating_between_instances_is_limited_by_its_total()
    {
        await using var cluster = new ScaleOutCluster(redis.ConnectionString, app => app
            .WithSetting("ParticipantApiOptions:PerParticipantPerMinute", "0")
            .WithSetting("ParticipantApiOptions:PerAddressPerMinute", Limit.ToString(CultureInfo.InvariantCulture)));
        using var first = Client(cluster.First);
        using var second = Client(cluster.Second);

        var statuses = new List<HttpStatusCode>();
        for (var request = 0; request <= Limit; request++)
        {
            // No token: refused by the endpoint, but counted against the address first.
            using var response = await (request % 2 == 0 ? first : second).GetAsync(Url("me"));
            statuses.Add(response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(Limit));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[Limit]);
    }

    internal static string Url(string path) => $"/api/v1/studies/{ScaleOutCluster.Slug}/participation/{path}";

    internal static HttpClient Client(MoralGraphAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    internal static async Task<string> JoinAsync(HttpClient client)
    {
        using var joined = await client.PostAsJsonAsync(Url("join"), new JoinRequest(Consent: true, InviteCode: null));
        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        return (await joined.Content.ReadFromJsonAsync<JoinResponse>())!.Token;
    }

    internal static Task<HttpResponseMessage> MeAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url("me"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }
}
