using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using MoralGraph.Web.Console;
using MoralGraph.Web.Tests.Components;

namespace MoralGraph.Web.Tests.Console;

/// <summary>
/// bunit for the console's pages: the page states of one circuit here, over the running app's services (so the
/// services check the real policies), with the facilitator given to the page as the router gives it.
/// </summary>
public abstract class ConsoleComponentTest : BunitTestContext
{
    protected ConsoleComponentTest(ConsoleApp app)
    {
        App = app;
        Services.AddScoped(services => new SettingsPageState(app.Get<StudyAdministration>(), services.GetRequiredService<IStringLocalizer<ConsoleText>>()));
        Services.AddScoped(_ => new AuditPageState(app.Get<AuditTrail>()));
        Services.AddScoped(_ => new ExportsPageState(app.Get<ExportConsole>()));
        Services.AddScoped(_ => new ReleasesPageState(app.Get<ReleaseConsole>()));
        Services.AddScoped(services => new AccessPageState(app.Get<AccessAdministration>(), services.GetRequiredService<IStringLocalizer<ConsoleText>>()));
    }

    protected ConsoleApp App { get; }

    /// <summary>Renders the install-wide page <typeparamref name="TPage"/> as <paramref name="user"/>.</summary>
    protected IRenderedComponent<TPage> RenderPage<TPage>(ClaimsPrincipal user)
        where TPage : IComponent => Render<TPage>(parameters => parameters.AddCascadingValue(Task.FromResult(new AuthenticationState(user))));

    /// <summary>Renders <typeparamref name="TPage"/> for <paramref name="slug"/> as <paramref name="user"/>.</summary>
    protected IRenderedComponent<TPage> RenderPage<TPage>(ClaimsPrincipal user, string slug)
        where TPage : IComponent => Render<TPage>(parameters =>
        {
            // Every study page takes its slug from the route as "Slug".
            Assert.True(parameters.TryAdd("Slug", slug), $"{typeof(TPage).Name} has no Slug parameter.");
            parameters.AddCascadingValue(Task.FromResult(new AuthenticationState(user)));
        });
}
