namespace MoralGraph.Browser.Tests.Browser;

/// <summary>The screen sizes pages are checked at.</summary>
public static class Viewports
{
    /// <summary>A laptop.</summary>
    public static ViewportSize Desktop => new() { Width = 1280, Height = 800 };

    /// <summary>A small phone (iPhone X/11 Pro/12 mini class), the narrowest screen participants are expected to use.</summary>
    public static ViewportSize Mobile => new() { Width = 375, Height = 812 };

    /// <summary>Resizes <paramref name="page"/> to <see cref="Mobile"/>.</summary>
    public static Task UseMobileViewportAsync(this IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.SetViewportSizeAsync(Mobile.Width, Mobile.Height);
    }

    /// <summary>Resizes <paramref name="page"/> to <see cref="Desktop"/>.</summary>
    public static Task UseDesktopViewportAsync(this IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
    }
}
