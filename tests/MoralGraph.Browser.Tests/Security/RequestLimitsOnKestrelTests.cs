using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MoralGraph.Browser.Tests.Server;

namespace MoralGraph.Browser.Tests.Security;

/// <summary>
/// The request limits on the real server (Kestrel enforces its own limit too, unlike the test host), over plain HTTP:
/// an oversized body is a 413 problem document, never a 500, whether its length is declared or not.
/// </summary>
public sealed partial class RequestLimitsOnKestrelTests(MoralGraphServer server) : IClassFixture<MoralGraphServer>
{
    private const string JoinPath = "/api/v1/studies/" + ExampleStudy.Slug + "/participation/join";

    [Fact]
    public async Task A_chunked_participant_body_past_64_KB_is_a_413_problem_document()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var json = "{\"consent\": true, \"inviteCode\": \"" + new string('x', 70 * 1024) + "\"}";
        using var content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var refused = await http.PostAsync(JoinPath, content);

        Assert.Null(refused.RequestMessage?.Content?.Headers.ContentLength);
        await AssertTooLargeAsync(refused, "64 KB");
    }

    [Fact]
    public async Task A_chunked_sign_in_form_with_a_valid_antiforgery_token_past_16_KB_is_a_413_problem_document()
    {
        // A real form (cookie and token), so antiforgery's check reads the body, through the limit.
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = server.BaseAddress };
        var page = await http.GetStringAsync("/account/login");
        var token = WebUtility.HtmlDecode(AntiforgeryInput().Match(page).Groups[1].Value);
        var form = $"__RequestVerificationToken={Uri.EscapeDataString(token)}&username=someone&password={new string('p', 17 * 1024)}";
        using var content = new StreamContent(new UnknownLengthStream(Encoding.ASCII.GetBytes(form)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        using var refused = await http.PostAsync("/account/login", content);

        await AssertTooLargeAsync(refused, "16 KB");
    }

    [Fact]
    public async Task A_page_post_declared_larger_than_1_MB_is_a_413_problem_document()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var content = new ByteArrayContent(new byte[1024 * 1024 + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        // As a browser or curl does for a large body: ask first (Expect: 100-continue). Sending the whole megabyte
        // races the server, which answers 413 from the declared length and closes the connection mid-upload.
        using var request = new HttpRequestMessage(HttpMethod.Post, ExampleStudy.ParticipantPath) { Content = content };
        request.Headers.ExpectContinue = true;
        using var refused = await http.SendAsync(request);

        await AssertTooLargeAsync(refused, "1,024 KB");
    }

    private static async Task AssertTooLargeAsync(HttpResponseMessage response, string limit)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Contains($"at most {limit}", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("Content-Security-Policy"), "The refusal has no Content-Security-Policy.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.None, 1000)]
    private static partial Regex AntiforgeryInput();

    /// <summary>A readable stream that does not say how long it is, so the request goes out chunked.</summary>
    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
