using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using MoralGraph.Web.Hosting;

namespace MoralGraph.Web.Extensions;

/// <summary>How the app runs where it is deployed: its static files from any build, and behind a reverse proxy.</summary>
public static class HostingExtensions
{
    /// <summary>
    /// Serves the static web assets a build output does not have in <c>wwwroot</c> (blazor.web.js, MudBlazor's
    /// <c>_content</c>, the scoped-CSS bundle, the vendored libraries) in every environment. The build's manifest saying
    /// where they are is read only in Development by default, while <c>MapStaticAssets</c> maps them everywhere, so
    /// <c>dotnet run -c Release</c> (or bin/'s dll) outside Development answered each with 500. A published app has them
    /// in its own <c>wwwroot</c> and no such manifest: this does nothing there.
    /// </summary>
    public static WebApplicationBuilder UseStaticWebAssetsInEveryEnvironment(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Environment.IsDevelopment())
        {
            builder.WebHost.UseStaticWebAssets();
        }

        return builder;
    }

    /// <summary>
    /// Believes <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> from loopback and the proxies of
    /// <see cref="ReverseProxyOptions"/>, so behind a TLS-terminating proxy cookies are marked Secure, redirects stay on
    /// https, and the sign-in throttle counts clients rather than the proxy. <c>X-Forwarded-Host</c> is never believed:
    /// the proxy passes the Host header on.
    /// </summary>
    public static IHostApplicationBuilder AddReverseProxySupport(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ReverseProxyOptions>()
            .BindConfiguration(nameof(ReverseProxyOptions))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Added to ASP.NET Core's defaults (127.0.0.0/8 and ::1), which stay.
            foreach (var address in proxies.Value.ProxyAddresses())
            {
                forwarded.KnownProxies.Add(address);
            }

            foreach (var network in proxies.Value.ProxyNetworks())
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
        return builder;
    }
}
