using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace MoralGraph.Web.Tests.Hosting;

/// <summary>
/// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-For</c> are believed from loopback and the configured proxies only
/// (<c>ReverseProxyOptions</c>). Seen through the sign-in redirect, which the cookie handler builds from the request's
/// scheme and host.
/// </summary>
public sealed class ReverseProxyTests
{
    [Fact]
    public async Task A_proxy_on_the_same_machine_is_believed_without_configuration()
    {
        await using var app = new MoralGraphAppFactory();

        var redirect = await SignInRedirectAsync(app, from: IPAddress.Loopback, forwardedProto: "https");

        Assert.StartsWith("https://moralgraph.example.org/account/login", redirect, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unknown_address_are_ignored()
    {
        await using var app = new MoralGraphAppFactory();

        var redirect = await SignInRedirectAsync(app, from: IPAddress.Parse("203.0.113.7"), forwardedProto: "https");

        Assert.StartsWith("http://moralgraph.example.org/account/login", redirect, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ReverseProxyOptions:KnownProxies:0", "10.0.0.5", "10.0.0.5")]
    [InlineData("ReverseProxyOptions:KnownNetworks:0", "10.0.0.0/24", "10.0.0.77")]
    public async Task A_configured_proxy_or_network_is_believed(string setting, string value, string proxyAddress)
    {
        await using var app = new MoralGraphAppFactory().WithSetting(setting, value);

        var redirect = await SignInRedirectAsync(app, from: IPAddress.Parse(proxyAddress), forwardedProto: "https");

        Assert.StartsWith("https://moralgraph.example.org/account/login", redirect, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ReverseProxyOptions:KnownProxies:0", "nginx.internal", "ReverseProxyOptions:KnownProxies:0 is 'nginx.internal', not an IP address")]
    [InlineData("ReverseProxyOptions:KnownNetworks:0", "10.0.0.0/33", "ReverseProxyOptions:KnownNetworks:0 is '10.0.0.0/33', not a network in CIDR notation")]
    public async Task A_setting_that_is_not_an_address_stops_the_app_at_start_naming_it(string setting, string value, string message)
    {
        await using var app = new MoralGraphAppFactory().WithSetting(setting, value);

        var failure = Assert.Throws<OptionsValidationException>(() => app.Services);

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    private static async Task<string> SignInRedirectAsync(MoralGraphAppFactory app, IPAddress from, string forwardedProto)
    {
        var context = await app.Server.SendAsync(request =>
        {
            request.Request.Method = HttpMethods.Get;
            request.Request.Scheme = "http";
            request.Request.Host = new HostString("moralgraph.example.org");
            request.Request.Path = "/console";
            request.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            request.Request.Headers["X-Forwarded-For"] = "198.51.100.20";
            request.Connection.RemoteIpAddress = from;
        });

        Assert.Equal(StatusCodes.Status302Found, context.Response.StatusCode);
        return context.Response.Headers.Location.ToString();
    }
}
