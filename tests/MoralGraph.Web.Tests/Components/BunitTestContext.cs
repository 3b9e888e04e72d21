using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace MoralGraph.Web.Tests.Components;

/// <summary>
/// bunit set up once for MudBlazor components: loose JS interop, no transitions, no popover provider needed, and the
/// app's real localization, so components show their strings from the app's resources in the test's culture.
/// </summary>
public abstract class BunitTestContext : BunitContext, IAsyncLifetime
{
    protected BunitTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        // As the app does: MudBlazor's own words (a picker's "Open", a pager) in the page's language.
        Services.AddTransient<MudBlazor.MudLocalizer, ComponentTextLocalizer>();
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // Some MudBlazor services are only IAsyncDisposable; xunit 2 calls this before Dispose(), which then does nothing.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
