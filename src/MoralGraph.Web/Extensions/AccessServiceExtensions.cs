using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Extensions;

/// <summary>Facilitator sign-in, API keys and the policies every endpoint is checked against.</summary>
public static class AccessServiceExtensions
{
    // Picks the API key scheme when the request carries a key, the facilitator cookie otherwise.
    private const string SelectingScheme = "MoralGraph";

    /// <summary>
    /// Cookie sign-in for facilitators (HttpOnly, SameSite=Lax, 8 hours sliding, checked against the access log on
    /// every request), API keys for scripts, <see cref="StudyAccess"/>'s policies with "signed in" as the fallback,
    /// and the sign-in throttle. Needs the storage (<see cref="AccessDirectory"/> reads the event log).
    /// </summary>
    public static IHostApplicationBuilder AddFacilitatorAccess(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<AccessDirectory>();
        services.AddHostedService<AccessDirectoryLoader>();
        services.AddSingleton<LoginThrottle>();
        // This process's count; AddRedisScaleOut replaces it with one every instance shares (which falls back on this one).
        services.AddSingleton<ILoginThrottle>(provider => provider.GetRequiredService<LoginThrottle>());
        services.AddSingleton<FirstOwnerSetup>();
        services.AddScoped<FacilitatorCookieEvents>();

        services.AddAuthentication(SelectingScheme)
            .AddPolicyScheme(SelectingScheme, "Facilitator cookie or API key", options =>
                options.ForwardDefaultSelector = context =>
                    ApiKeyAuthenticationHandler.PresentedKey(context.Request) is not null ? ApiKeyAuthenticationHandler.SchemeName : FacilitatorSignIn.Scheme)
            .AddCookie(FacilitatorSignIn.Scheme, options =>
            {
                options.Cookie.Name = FacilitatorSignIn.CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = FacilitatorSignIn.IdleLifetime;
                options.SlidingExpiration = true;
                options.LoginPath = FacilitatorSignIn.LoginPath;
                options.LogoutPath = FacilitatorSignIn.LogoutPath;
                options.AccessDeniedPath = FacilitatorSignIn.DeniedPath;
                options.ReturnUrlParameter = "returnUrl";
                options.EventsType = typeof(FacilitatorCookieEvents);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, options => { });

        services.AddAuthorizationBuilder().AddStudyAccessPolicies();
        services.AddSingleton<IAuthorizationHandler, StudyAccessHandler>();

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, FacilitatorAuthenticationStateProvider>();
        return builder;
    }
}
