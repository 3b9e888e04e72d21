using System.Net;

namespace MoralGraph.LoadTesting.Harness;

/// <summary>
/// The harness sends traffic to this machine only. A load or a kill aimed at a server someone else runs is an attack,
/// not a test, so any address off the loopback range is refused before a single request is made.
/// </summary>
public static class LoopbackUrl
{
    /// <summary>
    /// <paramref name="url"/> as an absolute http(s) URL whose host is <c>localhost</c> or a loopback address
    /// (127.0.0.0/8, ::1); otherwise an <see cref="ArgumentException"/> that says why.
    /// </summary>
    public static Uri Require(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--url {url} is not an http:// or https:// address.", nameof(url));
        }

        if (!IsLoopback(uri))
        {
            throw new ArgumentException(
                $"--url {url} is not on this machine: the load harness only sends traffic to loopback addresses (127.0.0.1, ::1, localhost).", nameof(url));
        }

        // Relative paths resolve under the URL as given (a server behind a path prefix), so it ends in a slash.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
    }

    /// <summary>True when <paramref name="uri"/> names this machine by a loopback address or <c>localhost</c>.</summary>
    public static bool IsLoopback(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);

        // "localhost" by name (any case, with or without a trailing dot); every other name could resolve anywhere.
        if (uri.IdnHost.TrimEnd('.').Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.IdnHost, out var address) && IPAddress.IsLoopback(address);
    }
}
