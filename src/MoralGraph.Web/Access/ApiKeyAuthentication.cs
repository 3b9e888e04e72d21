using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace MoralGraph.Web.Access;

/// <summary>
/// API keys for ML teams: <c>Authorization: Bearer mgk_…</c> or <c>X-Api-Key: mgk_…</c>. A live key signs the request
/// in as that key, with the study it reads as a claim; what it may do is decided by <see cref="StudyAccess"/>
/// (read endpoints of that study only). Revoked and unknown keys fail.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccessDirectory directory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The other header a key may come in.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>The claim naming the study the key reads.</summary>
    public const string StudyClaim = "moralgraph:api-key-study";

    /// <summary>The claim holding the key's id.</summary>
    public const string KeyIdClaim = "moralgraph:api-key-id";

    private const string BearerPrefix = "Bearer ";

    /// <summary>The key a request presents, or null: the selector that picks this scheme over the cookie uses it too.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers[HeaderName] is [{ Length: > 0 } fromHeader])
        {
            return fromHeader.Trim();
        }

        return request.Headers[HeaderNames.Authorization] is [{ } authorization]
            && authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            && authorization[BearerPrefix.Length..].Trim() is var token
            && token.StartsWith("mgk_", StringComparison.Ordinal)
                ? token
                : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey(Request) is not { } presented)
        {
            return AuthenticateResult.NoResult();
        }

        var state = await directory.GetStateAsync(Context.RequestAborted);
        if (state.FindKey(presented) is not { } key)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, $"apikey:{key.KeyId}"),
                new Claim(ClaimTypes.Name, $"API key {key.KeyId} ({key.Label})"),
                new Claim(KeyIdClaim, key.KeyId),
                new Claim(StudyClaim, key.Scope),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AccessProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AccessProblems.WriteAsync(Context, StatusCodes.Status403Forbidden);

    /// <summary>The study an API-key principal reads, or null for any other principal.</summary>
    public static string? StudyOf(ClaimsPrincipal user) =>
        user?.Identities.FirstOrDefault(i => i is { IsAuthenticated: true, AuthenticationType: SchemeName })?.FindFirst(StudyClaim)?.Value;
}
