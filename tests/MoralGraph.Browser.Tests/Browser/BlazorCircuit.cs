namespace MoralGraph.Browser.Tests.Browser;

/// <summary>
/// When a server-rendered page can be used. The app prerenders every page, so it shows before its circuit is up; a
/// click in that window is silently lost. Blazor gives no public "connected" signal, but it marks each element it
/// has attached event handlers to with an <c>_blazorEvents_N</c> property, and only a live circuit's render batch
/// attaches them (prerendered markup never carries them). Waiting for that mark is waiting for what a user needs.
/// </summary>
public static class BlazorCircuit
{
    private const string HasHandlers = "element => Object.keys(element).some(key => key.startsWith('_blazorEvents_'))";

    private const string PageHasHandlers = """
        () => window.Blazor !== undefined
            && [...document.querySelectorAll('body *')].some(element => Object.keys(element).some(key => key.startsWith('_blazorEvents_')))
        """;

    /// <summary>Waits until the page's circuit has rendered interactively (some element has Blazor event handlers).</summary>
    public static async Task WaitForInteractiveAsync(this IPage page, float? timeoutMilliseconds = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        try
        {
            await page.WaitForFunctionAsync(PageHasHandlers, null, new PageWaitForFunctionOptions { Timeout = timeoutMilliseconds, PollingInterval = 20 });
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{page.Url} never became interactive: no element got Blazor event handlers, so the circuit did not start or did not render.", e);
        }
    }

    /// <summary>
    /// Waits until clicking <paramref name="locator"/> reaches a Blazor handler: the element or one of its ancestors
    /// (Blazor delegates events up the tree) has handlers attached.
    /// </summary>
    public static async Task WaitForHandlersAsync(this ILocator locator, float? timeoutMilliseconds = null)
    {
        ArgumentNullException.ThrowIfNull(locator);
        await locator.WaitForAsync(new LocatorWaitForOptions { Timeout = timeoutMilliseconds });
        var handle = await locator.ElementHandleAsync();
        try
        {
            await locator.Page.WaitForFunctionAsync(
                $"element => {{ const has = {HasHandlers}; for (let e = element; e; e = e.parentElement) if (has(e)) return true; return false; }}",
                handle,
                new PageWaitForFunctionOptions { Timeout = timeoutMilliseconds, PollingInterval = 20 });
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{locator} never got a Blazor event handler on it or an ancestor.", e);
        }
        finally
        {
            await handle.DisposeAsync();
        }
    }
}
