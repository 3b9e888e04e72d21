using System.Buffers.Text;
using System.Security.Cryptography;

namespace MoralGraph.Web.Security;

/// <summary>
/// The headers every response carries so a browser confines the app to what it serves itself: a Content-Security-Policy
/// with a fresh script nonce per request, <c>X-Content-Type-Options</c>, <c>Referrer-Policy</c> and framing refused
/// (HSTS is added outside Development by ASP.NET Core's own middleware, see <c>AddWebSecurity</c>).
/// </summary>
public static class SecurityHeaders
{
    private static readonly object NonceKey = new();

    /// <summary>
    /// The policy for a response whose inline scripts carry <paramref name="nonce"/>. Why each part:
    /// <list type="bullet">
    /// <item><c>script-src 'self' 'nonce-…'</c>: blazor.web.js, MudBlazor's script and the vendored Cytoscape come from
    /// this server; the one inline script, the import map Blazor writes into the page head, carries the nonce.</item>
    /// <item><c>style-src 'self' 'unsafe-inline'</c>: MudBlazor sets inline <c>style</c> attributes on its components
    /// (popover positions, progress widths, icon sizes), and Blazor's reconnection dialog adds a style element; neither
    /// can carry a nonce. Styles cannot run code, so this leaves script injection closed.</item>
    /// <item><c>connect-src 'self'</c>: the circuit's and the study hub's WebSocket (<c>ws:</c>/<c>wss:</c> on this host,
    /// which <c>'self'</c> covers) and their fallbacks.</item>
    /// <item><c>img-src 'self' data:</c>: the empty <c>data:</c> icon that keeps browsers from asking for /favicon.ico.</item>
    /// <item><c>frame-ancestors 'none'</c>, <c>form-action 'self'</c>, <c>base-uri 'self'</c>, <c>object-src 'none'</c>:
    /// no framing (clickjacking), forms post only here, no base or plugin tricks.</item>
    /// </list>
    /// </summary>
    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Where a page is, never where it came from, goes to other sites (the setup link carries its token).</summary>
    public const string ReferrerPolicy = "same-origin";

    /// <summary>The nonce this request's inline scripts carry; null outside a request that went through <see cref="UseSecurityHeaders"/>.</summary>
    public static string? NonceOf(HttpContext? context) => context?.Items.TryGetValue(NonceKey, out var nonce) == true ? nonce as string : null;

    /// <summary>Adds the headers to every response (when it starts, so an error page or a cleared response has them too).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use((context, next) =>
        {
            // 128 random bits per request: a nonce an injected script cannot know in advance. Base64url, which the policy's
            // grammar allows, so the page writes it without HTML escapes.
            var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = ReferrerPolicy;
                // For browsers that predate frame-ancestors.
                headers.XFrameOptions = "DENY";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
