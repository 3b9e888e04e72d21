namespace MoralGraph.Web.Extensions;

/// <summary>How the app runs where it is deployed: its static files from any build.</summary>
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
}
