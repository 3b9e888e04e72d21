using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace MoralGraph.Web.Access;

/// <summary>
/// A circuit keeps the user it started with; this re-checks a signed-in facilitator every minute, so a disabled
/// account or a changed password also ends the open console pages, not only the next request.
/// </summary>
internal sealed class FacilitatorAuthenticationStateProvider(ILoggerFactory loggers, AccessDirectory directory)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var state = await directory.GetStateAsync(cancellationToken);
        return FacilitatorSignIn.CurrentAccount(state, authenticationState.User) is not null;
    }
}
