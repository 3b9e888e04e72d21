using Microsoft.AspNetCore.Server.Kestrel.Core;
using MoralGraph.Web.Security;

namespace MoralGraph.Web.Extensions;

/// <summary>What the app asks of browsers and servers to keep it to itself: HSTS, request size limits.</summary>
public static class WebSecurityExtensions
{
    /// <summary>
    /// HSTS for a year (sent outside Development, over HTTPS, to hosts other than loopback) and Kestrel's ceiling on
    /// request bodies (<see cref="RequestBodyLimits.DefaultBytes"/>; endpoints declare smaller ones).
    /// </summary>
    public static IHostApplicationBuilder AddWebSecurity(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));
        builder.Services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = RequestBodyLimits.DefaultBytes);
        return builder;
    }
}
