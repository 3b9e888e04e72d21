using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using MoralGraph.Tests.HostileInput;
using MoralGraph.Web.Access;
using MoralGraph.Web.Hosting;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.HostileInput;

/// <summary>
/// Requests an attacker sends from outside, aimed at what a hostile-input sweep found answering 500: odd query values,
/// form posts without a valid antiforgery token, odd slugs in paths, NUL bytes and floods in the sign-in form, and an
/// HTTP/1.0 request with no Host header. Each gets a clear 4xx or the page, never a server error.
/// </summary>
public sealed class HostileRequestTests(HostileAppFixture app) : IClassFixture<HostileAppFixture>
{
    [Theory]
    [InlineData("/account/login?minutes=abc")]
    [InlineData("/account/login?problem=throttled&minutes=abc")]
    [InlineData("/account/login?problem=throttled&minutes=99999999999999999999")]
    [InlineData("/account/login?problem=throttled&minutes=-5")]
    [InlineData("/account/login?problem=%3Cscript%3E&returnUrl=javascript:alert(1)")]
    [InlineData("/account/login?returnUrl=%2F%2Fevil.example")]
    [InlineData("/account/denied?returnUrl=%00")]
    [InlineData("/s/hostile-cards/resume?expired=1")]
    [InlineData("/s/hostile-cards/resume?expired=abc")]
    [InlineData("/s/hostile-cards/resume?expired=true&expired=false")]
    [InlineData("/s/hostile-cards?invite=%3Cscript%3E")]
    [InlineData("/s/hostile-cards/session?token=%00%FF")]
    [InlineData("/s/%3Cscript%3E/leave")]
    [InlineData("/s/a%20b/leave")]
    [InlineData("/s/%E2%80%AE/leave")]
    [InlineData("/s/%3B%3D%2C/leave")]
    [InlineData("/s/%3Cscript%3E/session?token=x")]
    [InlineData("/s/a%0D%0ASet-Cookie:%20x=y/session?token=x")]
    [InlineData("/s/a%0D%0ASet-Cookie:%20x=y/leave")]
    [InlineData("/s/hostile-cards/session?token=%0D%0ASet-Cookie:%20x=y")]
    [InlineData("/s/hostile-cards/session?token=%3Cscript%3Ealert(1)%3C/script%3E")]
    [InlineData("/join/a%0D%0Ab")]
    [InlineData("/s/%3Cscript%3E")]
    [InlineData("/s/%3Cscript%3E/resume")]
    [InlineData("/s/%3Cscript%3E/withdrawn")]
    [InlineData("/s/%3Cscript%3E/my-value")]
    [InlineData("/join/%3Cscript%3E")]
    [InlineData("/console/%3Cscript%3E")]
    [InlineData("/console/..%2F..%2Fetc")]
    public async Task An_odd_path_or_query_value_gets_a_page_or_a_4xx_never_a_server_error(string url)
    {
        using var response = await app.Owner.GetAsync(url);

        await HostileAssert.NoServerErrorAsync(response, url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> FormPostsWithoutAValidToken()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[] { FacilitatorSignIn.LoginPath, FacilitatorSignIn.LogoutPath, AccountEndpoints.SetupPath })
        {
            foreach (var body in new[] { "missing-token", "forged-token", "garbage-bytes", "json-body", "empty-body", "huge-field-name" })
            {
                data.Add(path, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FormPostsWithoutAValidToken))]
    public async Task A_form_post_without_a_valid_antiforgery_token_is_refused_with_a_4xx_and_says_why(string path, string body)
    {
        using var content = body switch
        {
            "missing-token" => (HttpContent)new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "x", ["password"] = "y" }),
            "forged-token" => new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = "CfDJ8forged", ["username"] = "x" }),
            "garbage-bytes" => new ByteArrayContent([0xFF, 0xFE, 0x00, 0x01, 0x80, 0x3D, 0x26, 0x3D]) { Headers = { { "Content-Type", "application/x-www-form-urlencoded" } } },
            "json-body" => new StringContent("{\"username\":\"x\"}", Encoding.UTF8, "application/json"),
            "empty-body" => new ByteArrayContent([]),
            _ => new FormUrlEncodedContent(new Dictionary<string, string> { [new string('n', 5_000)] = "v" }),
        };

        using var response = await app.Anonymous.PostAsync(path, content);

        var page = await response.Content.ReadAsStringAsync();
        // A form of the wrong type (JSON) is not the form these endpoints read: the request finds no endpoint to take it.
        Assert.True(body == "json-body" ? (int)response.StatusCode is >= 400 and < 500 : response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {page}");
        if (body is "missing-token" or "forged-token")
        {
            Assert.Equal(MalformedRequests.UnreadableMessage, page);
        }
    }

    [Theory]
    [MemberData(nameof(HostileStringNames))]
    public async Task A_hostile_username_or_password_at_sign_in_is_refused_with_the_usual_message(string name)
    {
        var hostile = HostileStrings.Get(name);
        using var client = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using var asUsername = await client.PostSignInAsync(hostile, AccessTestClients.Password);
        using var asPassword = await client.PostSignInAsync(AccessTestClients.OwnerName + "-nobody", hostile);

        foreach (var response in new[] { asUsername, asPassword })
        {
            await HostileAssert.NoServerErrorAsync(response, "sign-in");
            if (await HostileAssert.IsTooLargeRefusalAsync(response))
            {
                continue;
            }

            if (name == "nul-byte")
            {
                // ASP.NET Core reads no form holding a NUL byte (a decoded NUL is refused): the form as a whole is refused.
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Equal(MalformedRequests.UnreadableMessage, await response.Content.ReadAsStringAsync());
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.StartsWith($"{FacilitatorSignIn.LoginPath}?problem=", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(client.DefaultRequestHeaders.Select(h => h.Key), key => key == "Cookie");
    }

    public static TheoryData<string> HostileStringNames() => HostileStrings.Names();

    [Theory]
    [InlineData("HTTP/1.0")]
    [InlineData("HTTP/1.1")]
    public async Task A_request_without_a_host_header_gets_an_answer_not_a_server_error(string protocol)
    {
        foreach (var path in new[] { "/", "/account/login", "/s/hostile-cards", "/console", "/api/v1/studies/hostile-cards/participation/me" })
        {
            var context = await app.Factory.Server.SendAsync(request =>
            {
                request.Request.Protocol = protocol;
                request.Request.Method = HttpMethods.Get;
                request.Request.Path = path;
                request.Request.Host = default;
                request.Request.Headers.Remove("Host");
            });

            Assert.True(context.Response.StatusCode < 500, $"{protocol} GET {path} without Host answered {context.Response.StatusCode}: {string.Join('\n', app.Factory.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(e => e.Message))}");
        }
    }

    [Fact]
    public async Task After_hostile_requests_the_audit_chain_verifies_and_nothing_went_unhandled()
    {
        foreach (var url in new[] { "/account/login?minutes=abc", "/s/%3Cscript%3E/leave", "/s/hostile-cards/resume?expired=1" })
        {
            (await app.Anonymous.GetAsync(url)).Dispose();
        }

        using (var forged = await app.Anonymous.PostAsync(FacilitatorSignIn.LoginPath, new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "x" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.Empty(await app.AfterTheRunAsync());
    }

    [Theory]
    [MemberData(nameof(HostileStringNames))]
    public async Task Every_study_api_parameter_refuses_a_hostile_value_with_a_4xx(string name)
    {
        var value = Uri.EscapeDataString(HostileStrings.ThroughUtf8(HostileStrings.Get(name)).Replace("\0", string.Empty, StringComparison.Ordinal));
        value = value[..Math.Min(value.Length, 4_000)];

        foreach (var url in new[]
        {
            $"/api/studies/{value}/export",
            $"/api/studies/{HostileAppFixture.Interviewing}/export?format={value}",
            $"/api/studies/{HostileAppFixture.Interviewing}/export?profile={value}",
            $"/api/studies/{HostileAppFixture.Interviewing}/export?format=json&format={value}",
        })
        {
            using var response = await app.Owner.GetAsync(url);
            Assert.True((int)response.StatusCode is >= 400 and < 500 || (name == "whitespace-only" && response.IsSuccessStatusCode),
                $"GET {url[..Math.Min(url.Length, 120)]} answered {(int)response.StatusCode}.");
        }

        using var withKey = new HttpRequestMessage(HttpMethod.Get, $"/api/studies/{HostileAppFixture.Interviewing}/export");
        Assert.True(withKey.Headers.TryAddWithoutValidation("X-Api-Key", "mgk_" + value));
        using var refused = await app.Anonymous.SendAsync(withKey);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public void The_circuit_takes_a_message_as_large_as_the_largest_study_definition_the_console_accepts()
    {
        // Blazor's hub is internal; its options are what the circuit enforces on each message from the browser.
        var hub = Type.GetType("Microsoft.AspNetCore.Components.Server.ComponentHub, Microsoft.AspNetCore.Components.Server", throwOnError: true)!;
        var optionsType = typeof(Microsoft.Extensions.Options.IOptions<>).MakeGenericType(typeof(Microsoft.AspNetCore.SignalR.HubOptions<>).MakeGenericType(hub));
        var options = (Microsoft.AspNetCore.SignalR.HubOptions)optionsType.GetProperty("Value")!.GetValue(app.Factory.Services.GetService(optionsType))!;

        // A pasted study definition of the console's limit travels as JSON in one message, up to 3 bytes a character.
        Assert.True(options.MaximumReceiveMessageSize >= 3L * MoralGraph.Web.Console.StudyAdministration.MaxYamlLength + 1024,
            $"The circuit closes on a message over {options.MaximumReceiveMessageSize} bytes, losing what was typed.");
    }
}
