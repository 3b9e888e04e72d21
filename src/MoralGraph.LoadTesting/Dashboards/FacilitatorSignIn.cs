using System.Net;
using System.Text.RegularExpressions;
using MoralGraph.LoadTesting.Harness;

namespace MoralGraph.LoadTesting.Dashboards;

/// <summary>
/// Signs a facilitator in as a browser does: fetches the sign-in form for its antiforgery token (and cookie), posts the
/// username and password, and keeps the sign-in cookie the answer sets, for the study hub's connections.
/// </summary>
internal static partial class FacilitatorSignIn
{
    private const string LoginPath = "account/login";

    /// <summary>The cookies of a signed-in session; throws with the reason when the sign-in is refused.</summary>
    public static async Task<CookieContainer> SignInAsync(Uri server, FacilitatorCredentials credentials, CancellationToken cancellationToken)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var page = await http.GetStringAsync(LoginPath, cancellationToken);
        var token = TokenInput().Match(page) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"{server}{LoginPath} shows no sign-in form with an antiforgery token.");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["username"] = credentials.Username,
            ["password"] = credentials.Password,
        });
        using var response = await http.PostAsync(LoginPath, form, cancellationToken);

        // Success redirects to the return URL; a refusal redirects back to the form with ?problem=….
        var location = response.Headers.Location?.OriginalString ?? string.Empty;
        if (response.StatusCode != HttpStatusCode.Redirect || location.Contains("problem=", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"signing in as '{credentials.Username}' was refused ({(int)response.StatusCode} → {location}): check the username and the password (MORALGRAPH_LOAD_PASSWORD or standard input).");
        }

        return cookies;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.None, 1000)]
    private static partial Regex TokenInput();
}
