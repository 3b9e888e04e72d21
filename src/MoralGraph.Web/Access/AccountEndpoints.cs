using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using MoralGraph.Core.Access;
using MoralGraph.Web.Security;
using MoralGraph.Web.Studies;

namespace MoralGraph.Web.Access;

/// <summary>
/// The form posts of the sign-in, sign-out and setup pages (statically rendered pages with plain HTML forms, so the
/// cookie can be set on the response). Each binds the form, which makes it validate the antiforgery token. Problems
/// go back to the page as a code in the query (<see cref="AccountProblems"/>), never as the password or username.
/// </summary>
internal static partial class AccountEndpoints
{
    public const string SetupPath = "/setup";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Order -1: the pages at the same paths also accept POST (Blazor's own form handling); these answer the posts.
        endpoints.MapPost(FacilitatorSignIn.LoginPath, LoginAsync).AllowAnonymous().WithOrder(-1).ExcludeFromDescription()
            .WithMetadata(RequestBodyLimits.Limit(RequestBodyLimits.AccountFormBytes));
        endpoints.MapPost(FacilitatorSignIn.LogoutPath, LogoutAsync).AllowAnonymous().WithOrder(-1).ExcludeFromDescription()
            .WithMetadata(RequestBodyLimits.Limit(RequestBodyLimits.AccountFormBytes));
        endpoints.MapPost(SetupPath, SetupAsync).AllowAnonymous().WithOrder(-1).ExcludeFromDescription()
            .WithMetadata(RequestBodyLimits.Limit(RequestBodyLimits.AccountFormBytes));
        return endpoints;
    }

    internal static async Task<IResult> LoginAsync(
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl,
        HttpContext context, AccessDirectory directory, ILoginThrottle throttle, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        var name = (username ?? string.Empty).Trim();
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var target = FacilitatorSignIn.LocalReturnUrl(returnUrl);
        if (await throttle.RetryAfterAsync(name, address) is { } wait)
        {
            LogThrottled(logger, address);
            var minutes = (int)Math.Ceiling(wait.TotalMinutes);
            return Results.Redirect(LoginPage(target, AccountProblems.Throttled) + "&minutes=" + minutes.ToString(CultureInfo.InvariantCulture));
        }

        // No account has a name past the limit, so such a name is a failure without a look-up (it still counts).
        var account = name.Length > AccessChanges.MaximumUsernameLength ? null : await directory.VerifyPasswordAsync(name, password, context.RequestAborted);
        if (account is null)
        {
            await throttle.RecordFailureAsync(name, address);
            LogFailed(logger, address);
            return Results.Redirect(LoginPage(target, AccountProblems.Failed));
        }

        await throttle.RecordSuccessAsync(name);
        await FacilitatorSignIn.SignInAsync(context, account);
        return Results.LocalRedirect(target);
    }

    internal static async Task<IResult> LogoutAsync([FromForm] string? returnUrl, HttpContext context)
    {
        await context.SignOutAsync(FacilitatorSignIn.Scheme);
        return Results.LocalRedirect(FacilitatorSignIn.LocalReturnUrl(returnUrl));
    }

    internal static async Task<IResult> SetupAsync(
        [FromForm] string? token, [FromForm] string? username, [FromForm] string? password, [FromForm] string? confirmPassword,
        HttpContext context, AccessDirectory directory, FirstOwnerSetup setup, ILoginThrottle throttle, ILoggerFactory loggers)
    {
        if ((await directory.GetStateAsync(context.RequestAborted)).HasOwner)
        {
            // The page is gone once used; so is its form post.
            return Results.NotFound();
        }

        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (await throttle.RetryAfterForAddressAsync(address) is { } wait)
        {
            LogSetupThrottled(logger, address);
            var minutes = (int)Math.Ceiling(wait.TotalMinutes);
            return Results.Redirect($"{SetupPath}?problem={AccountProblems.SetupThrottled}&minutes={minutes.ToString(CultureInfo.InvariantCulture)}");
        }

        if (!setup.Matches(token))
        {
            // The token is checked before anything else is looked at, so a guess learns nothing but "wrong".
            await throttle.RecordAddressFailureAsync(address);
            LogWrongSetupToken(logger, address);
            return Results.Redirect($"{SetupPath}?problem={AccountProblems.SetupToken}");
        }

        var name = (username ?? string.Empty).Trim();
        var problem = AccessChanges.UsernameProblem(name) is not null ? AccountProblems.Username
            : AccessChanges.PasswordProblem(password) is not null ? AccountProblems.PasswordTooShort
            : password != confirmPassword ? AccountProblems.PasswordsDiffer
            : null;
        if (problem is not null)
        {
            // The token was right: the page keeps it, so only the rejected field has to be typed again.
            return Results.Redirect($"{SetupPath}?token={Uri.EscapeDataString(token!)}&problem={problem}");
        }

        try
        {
            await directory.CreateFirstOwnerAsync(name, password!, context.RequestAborted);
        }
        catch (AccessChangeRefusedException)
        {
            // Someone else finished setup a moment earlier.
            return Results.NotFound();
        }

        setup.Retire();
        var account = (await directory.GetStateAsync(context.RequestAborted)).Find(name)!;
        await FacilitatorSignIn.SignInAsync(context, account);

        // The new owner came to run studies: the console is where they start (the home page is the participants').
        return Results.LocalRedirect(StudyLinks.ConsoleHome);
    }

    private static string LoginPage(string returnUrl, string problem) =>
        $"{FacilitatorSignIn.LoginPath}?problem={problem}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed facilitator sign-in from {Address}.")]
    private static partial void LogFailed(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Facilitator sign-in refused for a while after repeated failures (from {Address}).")]
    private static partial void LogThrottled(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setup refused: a wrong or missing setup token from {Address}.")]
    private static partial void LogWrongSetupToken(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setup refused for a while after repeated wrong setup tokens (from {Address}).")]
    private static partial void LogSetupThrottled(ILogger logger, string address);
}

/// <summary>The problems the account pages show, by the code the form posts send back.</summary>
public static class AccountProblems
{
    public const string Failed = "failed";
    public const string Throttled = "throttled";
    public const string Username = "username";
    public const string PasswordTooShort = "password-short";
    public const string PasswordsDiffer = "password-mismatch";
    public const string SetupToken = "setup-token";
    public const string SetupThrottled = "setup-throttled";

    /// <summary>
    /// The message for <paramref name="code"/> in the page's language (<c>Account.Problem.{code}</c> of
    /// <see cref="ConsoleText"/>); <paramref name="minutes"/> is the wait after a lock. Null for no or an unknown code.
    /// </summary>
    public static string? Message(IStringLocalizer<ConsoleText> text, string? code, int? minutes = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Failed has the same words whether the username exists or not.
        object[]? arguments = code switch
        {
            Failed or PasswordsDiffer or SetupToken => [],
            Throttled or SetupThrottled => [Math.Max(minutes ?? 15, 1)],
            Username => [AccessChanges.MaximumUsernameLength],
            PasswordTooShort => [AccessChanges.MinimumPasswordLength],
            _ => null,
        };
        return arguments is null ? null : text.Message($"Account.Problem.{code}", arguments).Value;
    }
}
