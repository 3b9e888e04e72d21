using Microsoft.AspNetCore.DataProtection;

namespace MoralGraph.Web.Participation;

/// <summary>Who a browser is in a study: the pseudonymous id, and the resume code to show them again.</summary>
/// <param name="ParticipantId">Pseudonymous id.</param>
/// <param name="ResumeCode">Their resume code (kept only in their own cookie; the store has its hash).</param>
public sealed record ParticipantSession(string ParticipantId, string ResumeCode);

/// <summary>
/// The participant cookie, one per study: HttpOnly, SameSite=Lax, encrypted with ASP.NET Core data protection so
/// it can neither be read nor forged. Blazor circuits cannot set cookies, so a page that has just created or found
/// a participant sends the browser through <c>/s/{slug}/session?token=…</c> with a short-lived token, and that
/// endpoint sets the cookie.
/// </summary>
public sealed class ParticipantCookies(IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>Prefix of the cookies' names; the study slug follows.</summary>
    public const string Prefix = "mg-p-";

    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(5);
    private readonly IDataProtector _cookieProtector = protection.CreateProtector("MoralGraph.ParticipantCookie.v1");
    private readonly ITimeLimitedDataProtector _tokenProtector = protection.CreateProtector("MoralGraph.ParticipantToken.v1").ToTimeLimitedDataProtector();
    private readonly IDataProtector _bearerProtector = protection.CreateProtector("MoralGraph.ParticipantBearer.v1");

    /// <summary>What a participant bearer token starts with (API keys start with <c>mgk_</c>).</summary>
    public const string BearerPrefix = "mgp_";

    /// <summary>The cookie's name for <paramref name="slug"/>.</summary>
    public static string CookieName(string slug) => Prefix + slug;

    /// <summary>
    /// True when <paramref name="slug"/> can name a cookie: every study slug can (lower-case letters, digits, '-'), while
    /// a slug typed into a URL may hold characters a cookie name cannot, which made setting one throw.
    /// </summary>
    public static bool IsCookieSafe(string? slug) =>
        !string.IsNullOrEmpty(slug) && slug.Length <= 100 && slug.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>A token the session endpoint turns into the cookie, valid for a few minutes.</summary>
    public string CreateToken(string slug, ParticipantSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _tokenProtector.Protect($"{slug}\n{session.ParticipantId}\n{session.ResumeCode}", time.GetUtcNow() + TokenLifetime);
    }

    /// <summary>The session a token carries for <paramref name="slug"/>, or null when it is forged, expired or for another study.</summary>
    public ParticipantSession? ReadToken(string slug, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var parts = _tokenProtector.Unprotect(token).Split('\n');
            return parts.Length == 3 && parts[0] == slug ? new ParticipantSession(parts[1], parts[2]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The cookie value for a session.</summary>
    public string Protect(ParticipantSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _cookieProtector.Protect($"{session.ParticipantId}\n{session.ResumeCode}");
    }

    /// <summary>
    /// A bearer token for the participant API (<c>Authorization: Bearer mgp_…</c>): the same pseudonymous session as the
    /// cookie, for kiosks, chat bridges and other front ends that keep no cookies. It does not expire: like the resume
    /// code it carries, it is the participant's to keep, and withdrawing ends it.
    /// </summary>
    public string CreateBearer(string slug, ParticipantSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return BearerPrefix + _bearerProtector.Protect($"{slug}\n{session.ParticipantId}\n{session.ResumeCode}");
    }

    /// <summary>The session a bearer token carries for <paramref name="slug"/>, or null when it is forged or for another study.</summary>
    public ParticipantSession? ReadBearer(string slug, string? token)
    {
        if (token is null || !token.StartsWith(BearerPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var parts = _bearerProtector.Unprotect(token[BearerPrefix.Length..]).Split('\n');
            return parts.Length == 3 && parts[0] == slug ? new ParticipantSession(parts[1], parts[2]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The session a request carries for <paramref name="slug"/>: its bearer token, else its cookie; null when neither.</summary>
    public ParticipantSession? ReadRequest(HttpRequest request, string slug)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.Authorization.ToString() is { Length: > 7 } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return ReadBearer(slug, authorization[7..].Trim());
        }

        return request.Cookies.TryGetValue(CookieName(slug), out var cookie) ? Unprotect(cookie) : null;
    }

    /// <summary>The cookie's options, as the session endpoint sets them.</summary>
    public static CookieOptions CookieOptionsFor(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = request.IsHttps, IsEssential = true, Path = "/", MaxAge = TimeSpan.FromDays(180) };
    }

    private ParticipantSession? Unprotect(string value)
    {
        try
        {
            var parts = _cookieProtector.Unprotect(value).Split('\n');
            return parts.Length == 2 ? new ParticipantSession(parts[0], parts[1]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Every study session the request's cookies hold, by slug; unreadable cookies are ignored.</summary>
    public Dictionary<string, ParticipantSession> ReadAll(IRequestCookieCollection cookies)
    {
        ArgumentNullException.ThrowIfNull(cookies);
        var sessions = new Dictionary<string, ParticipantSession>(StringComparer.Ordinal);
        foreach (var (name, value) in cookies)
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (Unprotect(value) is { } session)
            {
                sessions[name[Prefix.Length..]] = session;
            }
        }

        return sessions;
    }
}

/// <summary>
/// The participant sessions of this browser, for the circuit: <c>App.razor</c> reads the cookies during the HTTP
/// request and hands them to the interactive root, which puts them here.
/// </summary>
public sealed class ParticipantSessions
{
    private Dictionary<string, ParticipantSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Sets the sessions read from the request.</summary>
    public void Initialize(IReadOnlyDictionary<string, ParticipantSession>? sessions) =>
        _sessions = new Dictionary<string, ParticipantSession>(sessions ?? new Dictionary<string, ParticipantSession>(), StringComparer.Ordinal);

    /// <summary>The session for <paramref name="slug"/>, or null.</summary>
    public ParticipantSession? For(string slug) => _sessions.GetValueOrDefault(slug);
}
