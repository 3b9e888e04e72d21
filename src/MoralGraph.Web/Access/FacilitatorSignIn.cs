using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using MoralGraph.Core.Access;

namespace MoralGraph.Web.Access;

/// <summary>
/// What a facilitator's sign-in cookie says: their username and a stamp of their account's password. Roles are not
/// in the cookie: they are read from <see cref="AccessDirectory"/> on every check, so a granted or revoked role
/// applies at once. Changing the password changes the stamp and disabling the account ends it, so both end
/// existing sign-ins (<see cref="FacilitatorCookieEvents"/>).
/// </summary>
public static class FacilitatorSignIn
{
    /// <summary>The cookie authentication scheme.</summary>
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The cookie's name.</summary>
    public const string CookieName = "mg-facilitator";

    /// <summary>The claim holding <see cref="StampOf"/> at sign-in.</summary>
    public const string StampClaim = "moralgraph:account-stamp";

    /// <summary>Where people sign in.</summary>
    public const string LoginPath = "/account/login";

    /// <summary>Where people are sent when signed in without the role a page needs.</summary>
    public const string DeniedPath = "/account/denied";

    /// <summary>Where the sign-in form posts to sign out.</summary>
    public const string LogoutPath = "/account/logout";

    /// <summary>How long a sign-in lasts without activity.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(8);

    /// <summary>The principal signed in for <paramref name="account"/>.</summary>
    public static ClaimsPrincipal Principal(FacilitatorAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, account.Username), new Claim(StampClaim, StampOf(account))],
            Scheme, ClaimTypes.Name, ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>A short digest of the account's password hash: it changes whenever the password does.</summary>
    public static string StampOf(FacilitatorAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(account.PasswordHash)))[..16];
    }

    /// <summary>The enabled account <paramref name="user"/> is signed in as, when their cookie's stamp is still its stamp; otherwise null.</summary>
    public static FacilitatorAccount? CurrentAccount(AccessState state, ClaimsPrincipal? user)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (user?.Identity is not { IsAuthenticated: true, AuthenticationType: Scheme } identity
            || state.Find(identity.Name) is not { Disabled: false } account)
        {
            return null;
        }

        return user.FindFirstValue(StampClaim) == StampOf(account) ? account : null;
    }

    /// <summary>Signs <paramref name="account"/> in on this response.</summary>
    public static Task SignInAsync(HttpContext context, FacilitatorAccount account) =>
        context.SignInAsync(Scheme, Principal(account), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });

    /// <summary>
    /// <paramref name="returnUrl"/> when it is a path on this site, otherwise "/": a sign-in link must never send
    /// people elsewhere ("//evil.example", "/\evil.example" and absolute URLs are refused).
    /// </summary>
    public static string LocalReturnUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl[0] != '/')
        {
            return "/";
        }

        if (returnUrl.Length > 1 && returnUrl[1] is '/' or '\\')
        {
            return "/";
        }

        return returnUrl.Any(char.IsControl) ? "/" : returnUrl;
    }
}
